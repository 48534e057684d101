import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Account } from '../account/account.entity.js';

export enum AuditAction {
  FIRST_ADMIN_CREATED = 'FIRST_ADMIN_CREATED',
  ADMIN_LOGIN = 'ADMIN_LOGIN',
  ACCOUNT_CREATED = 'ACCOUNT_CREATED',
  ACCOUNT_DISABLED = 'ACCOUNT_DISABLED',
  ACCOUNT_ENABLED = 'ACCOUNT_ENABLED',
  SESSION_REVOKED = 'SESSION_REVOKED',
  API_TOKEN_CREATED = 'API_TOKEN_CREATED',
  API_TOKEN_REVOKED = 'API_TOKEN_REVOKED',
  IP_BLOCKED = 'IP_BLOCKED',
  IP_UNBLOCKED = 'IP_UNBLOCKED',
  IP_MARKED_SAFE = 'IP_MARKED_SAFE',
  TRUSTED_IP_REMOVED = 'TRUSTED_IP_REMOVED',
  NAMED_LOCATION_CREATED = 'NAMED_LOCATION_CREATED',
  NAMED_LOCATION_DELETED = 'NAMED_LOCATION_DELETED',
  ASN_KIND_SET = 'ASN_KIND_SET',
  SETTINGS_CHANGED = 'SETTINGS_CHANGED',
  ACCESS_LIST_ENTRY_ADDED = 'ACCESS_LIST_ENTRY_ADDED',
  ACCESS_LIST_ENTRY_REMOVED = 'ACCESS_LIST_ENTRY_REMOVED',
  IP_RESTRICTION_CHANGED = 'IP_RESTRICTION_CHANGED',
  IP_RESTRICTION_LIFTED_BY_CLI = 'IP_RESTRICTION_LIFTED_BY_CLI',
  PERMISSIONS_CHANGED = 'PERMISSIONS_CHANGED',
  TWO_FACTOR_ENABLED = 'TWO_FACTOR_ENABLED',
  TWO_FACTOR_DISABLED = 'TWO_FACTOR_DISABLED',
  RECOVERY_CODES_GENERATED = 'RECOVERY_CODES_GENERATED',
  RECOVERY_CODE_USED = 'RECOVERY_CODE_USED',
  TOTP_REPLAY_REFUSED = 'TOTP_REPLAY_REFUSED',
  WEBAUTHN_COUNTER_REGRESSION = 'WEBAUTHN_COUNTER_REGRESSION',
  WEBAUTHN_RENAMED = 'WEBAUTHN_RENAMED',
  SECOND_FACTOR_LOCKED = 'SECOND_FACTOR_LOCKED',
  SECOND_FACTOR_UNLOCKED = 'SECOND_FACTOR_UNLOCKED',
  TWO_FACTOR_RESET_REQUESTED = 'TWO_FACTOR_RESET_REQUESTED',
  TWO_FACTOR_RESET = 'TWO_FACTOR_RESET',
  REQUIRES_TWO_FACTOR_CHANGED = 'REQUIRES_TWO_FACTOR_CHANGED',
  INCIDENT_RESOLVED = 'INCIDENT_RESOLVED',
  INCIDENT_HOLDER_RESPONSE = 'INCIDENT_HOLDER_RESPONSE',
  PASSWORD_RESET = 'PASSWORD_RESET',
  TWO_FACTOR_RESET_BY_CLI = 'TWO_FACTOR_RESET_BY_CLI',
  ACCOUNT_DELETED = 'ACCOUNT_DELETED',
  PASSWORD_CHANGED = 'PASSWORD_CHANGED',
  PASSWORD_RESET_LINK_SENT = 'PASSWORD_RESET_LINK_SENT',
  INCIDENT_OPENED = 'INCIDENT_OPENED',
  IP_AUTO_BLOCKED = 'IP_AUTO_BLOCKED',
  SIGN_INS_RESUMED = 'SIGN_INS_RESUMED',
  REAUTH_FAILED = 'REAUTH_FAILED',
  TWO_FACTOR_RESET_REQUEST_CLOSED = 'TWO_FACTOR_RESET_REQUEST_CLOSED',
}

const DESCRIPTIONS: Record<AuditAction, string> = {
  FIRST_ADMIN_CREATED: 'The first admin was created with the console setup token.',
  ADMIN_LOGIN: 'An admin or sub-admin signed in to the dashboard.',
  ACCOUNT_CREATED: 'An account was created.',
  ACCOUNT_DISABLED: 'An account was disabled (its sessions revoked).',
  ACCOUNT_ENABLED: 'An account was enabled again.',
  SESSION_REVOKED: 'A session was revoked.',
  API_TOKEN_CREATED: 'An API token was created.',
  API_TOKEN_REVOKED: 'An API token was revoked.',
  IP_BLOCKED: 'An IP or range was blocked by hand.',
  IP_UNBLOCKED: 'A block was lifted.',
  IP_MARKED_SAFE: 'An IP or range was marked safe (globally or for an account).',
  TRUSTED_IP_REMOVED: 'A safe/trusted IP entry was removed.',
  NAMED_LOCATION_CREATED: 'A named location was created.',
  NAMED_LOCATION_DELETED: 'A named location was deleted.',
  ASN_KIND_SET: 'The network kind of an ASN was overridden or the override removed.',
  SETTINGS_CHANGED: 'System settings were changed.',
  ACCESS_LIST_ENTRY_ADDED: 'An IP or range was added to an admin access list.',
  ACCESS_LIST_ENTRY_REMOVED: 'An IP or range was removed from an admin access list.',
  IP_RESTRICTION_CHANGED: 'Login restriction to the access list was switched on or off.',
  IP_RESTRICTION_LIFTED_BY_CLI: 'The break-glass CLI lifted an account’s IP restriction.',
  PERMISSIONS_CHANGED: 'A sub-admin’s permissions were changed.',
  TWO_FACTOR_ENABLED: 'A two-factor method was activated (authenticator app, e-mail, security key).',
  TWO_FACTOR_DISABLED: 'A two-factor method was removed.',
  RECOVERY_CODES_GENERATED: 'A new set of recovery codes was generated (the old set no longer works).',
  RECOVERY_CODE_USED: 'A recovery code was used, to sign in or to confirm it is you (details: purpose).',
  TOTP_REPLAY_REFUSED: 'An authenticator code that had already been used was presented again and refused.',
  WEBAUTHN_COUNTER_REGRESSION: 'A security key presented a signature counter lower than before: refused and flagged.',
  WEBAUTHN_RENAMED: 'A security key or passkey was renamed.',
  SECOND_FACTOR_LOCKED: 'Second-factor sign-in was locked after too many consecutive failures.',
  SECOND_FACTOR_UNLOCKED: 'An admin unlocked second-factor sign-in for an account.',
  TWO_FACTOR_RESET_REQUESTED: 'An admin asked to reset another admin’s two-factor authentication (needs a second admin).',
  TWO_FACTOR_RESET: 'An account’s two-factor authentication was reset by an admin (sessions revoked).',
  REQUIRES_TWO_FACTOR_CHANGED: 'The “requires two-factor authentication” mark of an account was set or cleared.',
  INCIDENT_RESOLVED: 'A security incident was resolved (marked safe, dismissed or treated as compromised).',
  INCIDENT_HOLDER_RESPONSE: 'The account holder answered an incident e-mail (“It was me” / “This wasn’t me”).',
  PASSWORD_RESET: 'A new password was set through a reset link.',
  PASSWORD_CHANGED: 'An account holder changed their own password (their other sessions were signed out).',
  PASSWORD_RESET_LINK_SENT:
    'A new password reset link was issued (e-mailed by an admin, or printed by the CLI); earlier links died.',
  INCIDENT_OPENED: 'A security incident was opened (sign-ins from several places); it stays on record if the account is deleted.',
  ACCOUNT_DELETED: 'An account was deleted (its sessions, tokens and second factors with it).',
  IP_AUTO_BLOCKED: 'A source was blocked automatically after too many failed logins (no actor; the IP is the last failing one).',
  TWO_FACTOR_RESET_BY_CLI: 'The server-side CLI reset an account’s two-factor authentication (lost device, sole owner).',
  SIGN_INS_RESUMED:
    'An admin (or the server-side CLI: no actor, `by: cli`) ended the password guard’s pause of an account: its count of wrong passwords from many places starts afresh.',
  TWO_FACTOR_RESET_REQUEST_CLOSED:
    'A reset of an admin’s 2FA waiting for approval was closed without being carried out (details: requestId, reason WITHDRAWN by an admin, RECOVERED when an approval found the account signed in or set up anew since, NOTHING_HELD when it found nothing to reset, RESET when the account was reset another way meanwhile, by the CLI say; REQUESTER_DISABLED, REQUESTER_COMPROMISED or REQUESTER_DELETED when an admin disabled its requester, treated it as compromised, or deleted it).',
  REAUTH_FAILED:
    'A signed-in session failed to confirm it is its account’s holder (details: `reason` PASSWORD or SECOND_FACTOR, and `method`): someone at that session may not know the password. Five wrong passwords in a row end the session; a wrong second factor counts toward the second-step lockout, as at sign-in.',
};

registerEnumType(AuditAction, {
  name: 'AuditAction',
  description: 'What an audit entry records.',
  valuesConfig: Object.fromEntries(Object.entries(DESCRIPTIONS).map(([k, description]) => [k, { description }])),
});

/** Append-only record of security-relevant changes. There is no API to change or delete an entry. */
@ObjectType('AuditEntry', { description: 'One security-relevant change or admin action.' })
@Entity({ tableName: 'audit_log' })
@Index({ name: 'audit_log_time_idx', properties: ['occurredAt'] })
@Index({ name: 'audit_log_actor_time_idx', properties: ['actor', 'occurredAt'] })
@Index({ name: 'audit_log_action_time_idx', properties: ['action', 'occurredAt'] })
// What happened to one object (an account's page, the `targetId` filter).
@Index({ name: 'audit_log_target_time_idx', properties: ['targetId', 'occurredAt'] })
export class AuditEntry {
  @Field(() => ID, { description: 'Stable identifier.' })
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Field(() => Date, { description: 'When.' })
  @Property({ type: 'datetime' })
  occurredAt: Date = new Date();

  @ManyToOne(() => Account, { nullable: true, deleteRule: 'set null' })
  actor: Rel<Account> | null = null;

  @Field(() => String, { nullable: true, description: 'Who (e-mail at the time); null for the system itself.' })
  @Property({ type: 'string', length: 254, nullable: true })
  actorEmail: string | null = null;

  @Field(() => AuditAction, { description: 'What.' })
  @Enum({ items: () => AuditAction })
  action!: AuditAction;

  @Field(() => String, { nullable: true, description: 'Kind of object acted on (Account, IpBlock, TrustedIp, …).' })
  @Property({ type: 'string', length: 40, nullable: true })
  targetType: string | null = null;

  @Field(() => String, { nullable: true, description: 'Id of the object acted on.' })
  @Property({ type: 'string', length: 64, nullable: true })
  targetId: string | null = null;

  @Field(() => String, { nullable: true, description: 'Human label of the target (e-mail, IP range, name).' })
  @Property({ type: 'string', length: 254, nullable: true })
  targetLabel: string | null = null;

  @Field(() => GraphQLJSONObject, { description: 'Before/after summary of the change.' })
  @Property({ type: 'json' })
  details: Record<string, unknown> = {};

  @Field(() => String, { description: 'Client IP of the request.' })
  @Property({ type: 'string', length: 45 })
  ip!: string;
}
