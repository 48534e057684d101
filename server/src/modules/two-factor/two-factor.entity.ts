import {
  BigIntType,
  Entity,
  Enum,
  Index,
  ManyToOne,
  OneToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
  type Rel,
} from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { registerEnumType } from 'type-graphql';
import { Account } from '../account/account.entity.js';

export enum TwoFactorMethod {
  TOTP = 'TOTP',
  EMAIL = 'EMAIL',
  WEBAUTHN = 'WEBAUTHN',
  RECOVERY_CODE = 'RECOVERY_CODE',
}
registerEnumType(TwoFactorMethod, {
  name: 'TwoFactorMethod',
  description: 'A second sign-in step.',
  valuesConfig: {
    TOTP: { description: 'Six-digit code from an authenticator app (RFC 6238).' },
    EMAIL: { description: 'Six-digit code e-mailed to a verified address.' },
    WEBAUTHN: { description: 'Security key or passkey (Web Authentication).' },
    RECOVERY_CODE: { description: 'One of the single-use recovery codes.' },
  },
});

/** Which limit a TOO_MANY_ATTEMPTS answer is about (what waiting, or asking again, will do). */
export enum TooManyAttemptsReason {
  WRONG_CODES = 'WRONG_CODES',
  CODES_EMAILED = 'CODES_EMAILED',
  CODE_DEAD = 'CODE_DEAD',
}
registerEnumType(TooManyAttemptsReason, {
  name: 'TooManyAttemptsReason',
  description: 'Which limit a TOO_MANY_ATTEMPTS answer is about.',
  valuesConfig: {
    WRONG_CODES: {
      description:
        'Too many wrong codes (or re-authentication passwords) from this account or network in the attempt window: try again at `retryAfter`.',
    },
    CODES_EMAILED: {
      description:
        'Too many codes e-mailed lately, to the account or the address: ask for another at `retryAfter`, or use another method.',
    },
    CODE_DEAD: {
      description:
        'The e-mailed code died of five wrong tries: a new one can be asked for at `retryAfter` (the end of the attempt window it was sent in).',
    },
  },
});

export enum EnrollmentStatus {
  /** Started, not yet proven: never affects sign-in, expires. */
  PENDING = 'PENDING',
  ACTIVE = 'ACTIVE',
}

/**
 * An authenticator app. One row per account: PENDING while being set up, ACTIVE once a code proved
 * it. The secret is sealed with AES-256-GCM (bound to the account id); `lastUsedStep` is the replay
 * guard: a code is accepted only by an UPDATE that raises it.
 */
@Entity({ tableName: 'totp_authenticator' })
export class TotpAuthenticator {
  [OptionalProps]?: 'id' | 'status' | 'lastUsedStep' | 'usedBefore' | 'createdAt' | 'confirmedAt' | 'expiresAt' | 'lastUsedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @OneToOne(() => Account, { owner: true, deleteRule: 'cascade', unique: true })
  account!: Rel<Account>;

  @Property({ type: 'text', hidden: true })
  secretSealed!: string;

  @Enum({ items: () => EnrollmentStatus })
  status: EnrollmentStatus = EnrollmentStatus.PENDING;

  @Property({ type: 'integer' })
  lastUsedStep: number = 0;

  /**
   * Which of the two steps before `lastUsedStep` were used too (bit 0: the step before, bit 1: the one
   * before that), so that a right code of an older step is told apart: used (a replay) or never used
   * (a device whose clock is behind). Kept by `totp_attempt`.
   */
  @Property({ type: 'smallint', default: 0 })
  usedBefore: number = 0;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  confirmedAt: Date | null = null;

  /** Pending enrollments die after this. */
  @Property({ type: 'datetime', nullable: true })
  expiresAt: Date | null = null;

  @Property({ type: 'datetime', nullable: true })
  lastUsedAt: Date | null = null;
}

/** A verified e-mail address for codes (one per account). */
@Entity({ tableName: 'email_factor' })
export class EmailFactor {
  [OptionalProps]?: 'id' | 'status' | 'createdAt' | 'confirmedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @OneToOne(() => Account, { owner: true, deleteRule: 'cascade', unique: true })
  account!: Rel<Account>;

  @Property({ type: 'string', length: 254 })
  address!: string;

  @Enum({ items: () => EnrollmentStatus })
  status: EnrollmentStatus = EnrollmentStatus.PENDING;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  confirmedAt: Date | null = null;
}

export enum EmailCodePurpose {
  ENROLL = 'ENROLL',
  LOGIN = 'LOGIN',
}

/**
 * The e-mailed code of one purpose within one session (the login attempt or the enrolling session).
 * A resend replaces the code in the same row, so `failures` carries over; the code is stored only as
 * an HMAC.
 */
@Entity({ tableName: 'email_code' })
@Unique({ properties: ['account', 'purpose', 'sessionId'] })
export class EmailCode {
  [OptionalProps]?: 'id' | 'failures' | 'usedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Account, { deleteRule: 'cascade' })
  account!: Rel<Account>;

  @Enum({ items: () => EmailCodePurpose })
  purpose!: EmailCodePurpose;

  @Property({ type: 'uuid' })
  sessionId!: string;

  @Property({ type: 'string', length: 64, hidden: true })
  codeHash!: string;

  @Property({ type: 'datetime' })
  sentAt!: Date;

  @Property({ type: 'datetime' })
  expiresAt!: Date;

  @Property({ type: 'integer' })
  failures: number = 0;

  @Property({ type: 'datetime', nullable: true })
  usedAt: Date | null = null;
}

/** Single-use recovery codes, stored as HMACs (the codes carry 50 random bits each). */
@Entity({ tableName: 'recovery_code' })
@Index({ properties: ['account', 'usedAt'] })
export class RecoveryCode {
  [OptionalProps]?: 'id' | 'createdAt' | 'usedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Account, { deleteRule: 'cascade' })
  account!: Rel<Account>;

  @Property({ type: 'string', length: 64, hidden: true })
  codeHash!: string;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  usedAt: Date | null = null;
}

/** A registered security key or passkey. */
@Entity({ tableName: 'webauthn_credential' })
export class WebauthnCredential {
  [OptionalProps]?: 'id' | 'createdAt' | 'lastUsedAt' | 'flaggedAt' | 'transports' | 'backedUp' | 'deviceType';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Account, { deleteRule: 'cascade' })
  @Index()
  account!: Rel<Account>;

  /** base64url credential id, unique across all accounts. */
  @Property({ type: 'string', length: 1400, unique: true })
  credentialId!: string;

  /** COSE public key, base64url. */
  @Property({ type: 'text' })
  publicKey!: string;

  @Property({ type: new BigIntType('number') })
  counter!: number;

  @Property({ type: 'json' })
  transports: string[] = [];

  @Property({ type: 'string', length: 64 })
  name!: string;

  @Property({ type: 'string', length: 32, nullable: true })
  deviceType: string | null = null;

  @Property({ type: 'boolean' })
  backedUp: boolean = false;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  lastUsedAt: Date | null = null;

  /** Set when the signature counter went backwards (a cloned authenticator?): refused until removed. */
  @Property({ type: 'datetime', nullable: true })
  flaggedAt: Date | null = null;
}

export enum WebauthnChallengePurpose {
  REGISTER = 'REGISTER',
  LOGIN = 'LOGIN',
}

/**
 * A WebAuthn challenge: bound to the account and session that asked, short-lived, deleted on use. One
 * per session and purpose: asking again replaces it, also when two requests ask at once.
 */
@Entity({ tableName: 'webauthn_challenge' })
@Unique({ properties: ['sessionId', 'purpose'] })
export class WebauthnChallenge {
  [OptionalProps]?: 'id';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Account, { deleteRule: 'cascade' })
  account!: Rel<Account>;

  @Property({ type: 'uuid' })
  sessionId!: string;

  @Enum({ items: () => WebauthnChallengePurpose })
  purpose!: WebauthnChallengePurpose;

  @Property({ type: 'string', length: 128 })
  challenge!: string;

  /** Friendly name chosen for the device (registration only). */
  @Property({ type: 'string', length: 64, nullable: true })
  deviceName: string | null = null;

  @Property({ type: 'datetime' })
  expiresAt!: Date;
}

/** Second-factor failure memory per account: consecutive failures and the NIST lockout. */
@Entity({ tableName: 'two_factor_state' })
export class TwoFactorState {
  [OptionalProps]?: 'consecutiveFailures' | 'lockedAt';

  @OneToOne(() => Account, { primary: true, owner: true, deleteRule: 'cascade', fieldName: 'account_id' })
  account!: Rel<Account>;

  @Property({ type: 'integer' })
  consecutiveFailures: number = 0;

  @Property({ type: 'datetime', nullable: true })
  lockedAt: Date | null = null;
}

/** An admin's request to reset another admin's 2FA, waiting for a second admin's approval. */
@Entity({ tableName: 'two_factor_reset_request' })
@Index({ name: 'two_factor_reset_request_target_idx', properties: ['target'] })
export class TwoFactorResetRequest {
  [OptionalProps]?: 'id' | 'createdAt' | 'approvedAt' | 'approvedBy';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Account, { deleteRule: 'cascade' })
  target!: Rel<Account>;

  @ManyToOne(() => Account, { deleteRule: 'cascade' })
  requestedBy!: Rel<Account>;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime' })
  expiresAt!: Date;

  /** Null until approved, and again once the approver's account is deleted (the audit log keeps who). */
  @ManyToOne(() => Account, { nullable: true, deleteRule: 'set null' })
  approvedBy: Rel<Account> | null = null;

  @Property({ type: 'datetime', nullable: true })
  approvedAt: Date | null = null;
}
