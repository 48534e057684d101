import { Account, AccountPassword } from '../modules/account/account.entity.js';
import { SetupToken } from '../modules/account/setup-token.entity.js';
import { LoginEvent } from '../modules/login-event/login-event.entity.js';
import { Session } from '../modules/session/session.entity.js';

/** Every entity, listed explicitly: no folder scanning, same set in dev, tests and production. */
export const entities = [Account, AccountPassword, SetupToken, Session, LoginEvent];
