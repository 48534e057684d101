import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Keys } from './common/crypto/keys.js';
import { AccountService } from './modules/account/account.service.js';
import { PasswordHasher } from './modules/account/password.js';
import { LoginEventService } from './modules/login-event/login-event.service.js';
import { AuthService } from './modules/session/auth.service.js';
import { SessionService } from './modules/session/session.service.js';

/** Long-lived, stateless services; each method takes the operation's EntityManager. */
export interface Services {
  config: Config;
  keys: Keys;
  logger: Logger;
  hasher: PasswordHasher;
  sessions: SessionService;
  accounts: AccountService;
  loginEvents: LoginEventService;
  auth: AuthService;
}

export function createServices(config: Config, keys: Keys, logger: Logger): Services {
  const hasher = new PasswordHasher(config.passwordHashConcurrency);
  const sessions = new SessionService(config);
  const loginEvents = new LoginEventService();
  const accounts = new AccountService(config, hasher, sessions);
  const auth = new AuthService(config, hasher, sessions, loginEvents);
  return { config, keys, logger, hasher, sessions, accounts, loginEvents, auth };
}
