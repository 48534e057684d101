import { Account, AccountPassword, PasswordResetToken } from '../modules/account/account.entity.js';
import {
  FamiliarLocation,
  IncidentHolderLink,
  IncidentMailThrottle,
  SecurityIncident,
  SecurityIncidentLogin,
} from '../modules/security-incident/incident.entity.js';
import { SetupToken } from '../modules/account/setup-token.entity.js';
import { LoginEvent } from '../modules/login-event/login-event.entity.js';
import { Session } from '../modules/session/session.entity.js';
import { ApiToken } from '../modules/session/api-token.entity.js';
import { AuditEntry } from '../modules/audit/audit.entity.js';
import { AdminAccessEntry } from '../modules/admin-access/admin-access.entity.js';
import { AsnOverride, NamedLocation } from '../modules/geo/named-location.entity.js';
import { FailureCounter, IpBlock, IpStrike, RecentWrongPassword } from '../modules/ip-block/ip-block.entity.js';
import { TrustedIp } from '../modules/trusted-ip/trusted-ip.entity.js';
import {
  EmailCode,
  EmailFactor,
  RecoveryCode,
  TotpAuthenticator,
  TwoFactorResetRequest,
  TwoFactorState,
  WebauthnChallenge,
  WebauthnCredential,
} from '../modules/two-factor/two-factor.entity.js';
import { Setting } from '../modules/settings/setting.entity.js';
import { QueuedMail } from '../modules/mail/mail-queue.entity.js';

/** Every entity, listed explicitly: no folder scanning, same set in dev, tests and production. */
export const entities = [
  Account,
  AccountPassword,
  SetupToken,
  Session,
  LoginEvent,
  IpBlock,
  FailureCounter,
  IpStrike,
  RecentWrongPassword,
  TrustedIp,
  NamedLocation,
  AsnOverride,
  Setting,
  ApiToken,
  AuditEntry,
  AdminAccessEntry,
  TotpAuthenticator,
  EmailFactor,
  EmailCode,
  RecoveryCode,
  WebauthnCredential,
  WebauthnChallenge,
  TwoFactorState,
  TwoFactorResetRequest,
  PasswordResetToken,
  SecurityIncident,
  SecurityIncidentLogin,
  IncidentMailThrottle,
  IncidentHolderLink,
  FamiliarLocation,
  QueuedMail,
];
