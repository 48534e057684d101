import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { SqlPool } from './db/pool.js';
import type { Keys } from './common/crypto/keys.js';
import { PendingSignIns } from './modules/session/pending-sign-in.js';
import { AccountService } from './modules/account/account.service.js';
import { PasswordHasher } from './modules/account/password.js';
import { LoginEventService } from './modules/login-event/login-event.service.js';
import { AuthService } from './modules/session/auth.service.js';
import { SessionService, type RawRow } from './modules/session/session.service.js';
import { applyAuthChange, AuthCache } from './modules/session/auth-cache.js';
import { ChangeFeed } from './db/change-feed.js';
import { ApiTokenService } from './modules/session/api-token.service.js';
import { AuditService } from './modules/audit/audit.service.js';
import { AdminAccessService } from './modules/admin-access/admin-access.service.js';
import { GeoService } from './modules/geo/geo.service.js';
import { ProtectionService } from './modules/ip-block/protection.service.js';
import { RangeIndex } from './modules/ip-block/range-matcher.js';
import { IntegratorService } from './modules/ip-block/integrator.service.js';
import { MailService } from './modules/mail/mail.service.js';
import { TwoFactorService } from './modules/two-factor/two-factor.service.js';
import { WebauthnService } from './modules/two-factor/webauthn.service.js';
import { SettingsService } from './modules/settings/settings.service.js';
import { IncidentEventBus } from './modules/security-incident/incident-events.js';
import { IncidentService } from './modules/security-incident/incident.service.js';

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
  geo: GeoService;
  settings: SettingsService;
  protection: ProtectionService;
  integrator: IntegratorService;
  apiTokens: ApiTokenService;
  audit: AuditService;
  adminAccess: AdminAccessService;
  mail: MailService;
  twoFactor: TwoFactorService;
  webauthn: WebauthnService;
  incidents: IncidentService;
  /** Committed changes to in-memory tables, from every instance (start/stop with the app). */
  feed: ChangeFeed;
  authCache: AuthCache<RawRow>;
}

export function createServices(config: Config, keys: Keys, logger: Logger, pool: SqlPool): Services {
  const hasher = new PasswordHasher(config.passwordHashConcurrency, config.passwordHashNiceness, config.passwordHashMaxWaitMs);
  const feed = new ChangeFeed(pool.options.connectionString!, logger);
  const authCache = new AuthCache<RawRow>(feed);
  feed.on((payload) => applyAuthChange(authCache, payload));
  const sessions = new SessionService(config, pool, authCache, new PendingSignIns(keys.sessionSecret));
  const loginEvents = new LoginEventService(pool, (err) => logger.error({ err }, 'incident detection failed'));
  const incidentEvents = new IncidentEventBus(pool, logger);
  // A deleted account's open incidents go with it: the dashboards hear of it when the deletion commits.
  const accounts = new AccountService(config, hasher, sessions, (tx, id) => incidentEvents.publishDeletionIn(tx, id));
  const geo = new GeoService(config, logger);
  const settings = new SettingsService(config, feed);
  const ranges = new RangeIndex(pool, feed, logger);
  const protection = new ProtectionService(keys, settings, pool, ranges, authCache);
  const audit = new AuditService();
  const adminAccess = new AdminAccessService(pool, loginEvents);
  const mail = new MailService(config, logger, { pool, key: keys.encryptionKey });
  const twoFactor = new TwoFactorService(config, keys, settings, mail, audit, protection, hasher, logger, pool);
  const webauthn = new WebauthnService(config, settings, twoFactor, mail, audit, logger);
  const auth = new AuthService(config, hasher, sessions, loginEvents, protection, geo, audit, adminAccess, twoFactor, settings);
  const integrator = new IntegratorService(protection, loginEvents, geo);
  const apiTokens = new ApiTokenService(sessions);
  const incidents = new IncidentService(config, keys, settings, mail, audit, sessions, hasher, pool, incidentEvents, logger);
  loginEvents.onSuccess(
    (em, login) => incidents.detect(em, login),
    (em) => incidents.detectionWindow(em),
  );
  return {
    config,
    keys,
    logger,
    hasher,
    sessions,
    accounts,
    loginEvents,
    auth,
    geo,
    settings,
    protection,
    integrator,
    apiTokens,
    audit,
    adminAccess,
    mail,
    twoFactor,
    webauthn,
    incidents,
    feed,
    authCache,
  };
}
