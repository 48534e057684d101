import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { registerEnumType } from 'type-graphql';
import { Account } from '../account/account.entity.js';

export enum SessionStage {
  /** Password passed, second factor still owed: may only finish the second step. */
  PENDING_SECOND_FACTOR = 'PENDING_SECOND_FACTOR',
  /** Password passed, a 2FA policy applies and no method is set up: may only enroll one. */
  ENROLLMENT_REQUIRED = 'ENROLLMENT_REQUIRED',
  FULL = 'FULL',
}
registerEnumType(SessionStage, {
  name: 'SessionStage',
  description: 'How far the sign-in has got.',
  valuesConfig: {
    PENDING_SECOND_FACTOR: { description: 'Password accepted; only the second step may be completed.' },
    ENROLLMENT_REQUIRED: { description: 'Password accepted; a policy requires 2FA, so only enrollment is possible.' },
    FULL: { description: 'Fully signed in.' },
  },
});

/** Server-side session. The browser holds only an opaque random token; we keep its SHA-256. */
@Entity({ tableName: 'session' })
@Index({ properties: ['account', 'revokedAt'] })
export class Session {
  [OptionalProps]?:
    'id' | 'stage' | 'createdAt' | 'lastSeenAt' | 'userAgent' | 'revokedAt' | 'revokedReason' | 'reauthAt' | 'pendingId';

  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' })
  id: string = randomUUID();

  @ManyToOne(() => Account, { deleteRule: 'cascade' })
  account!: Rel<Account>;

  @Property({ type: 'string', length: 64, unique: true, hidden: true })
  tokenHash!: string;

  @Enum({ items: () => SessionStage })
  stage: SessionStage = SessionStage.FULL;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime' })
  lastSeenAt: Date = new Date();

  /** Absolute end of life, whatever the activity. */
  @Property({ type: 'datetime' })
  expiresAt!: Date;

  @Property({ type: 'string', length: 45 })
  ip!: string;

  @Property({ type: 'string', length: 512, nullable: true })
  userAgent: string | null = null;

  @Property({ type: 'datetime', nullable: true })
  revokedAt: Date | null = null;

  @Property({ type: 'string', length: 32, nullable: true })
  revokedReason: string | null = null;

  /**
   * The pending sign-in (a sealed second-step token, see `PendingSignIns`) this full session was
   * started from: unique, so one pending sign-in yields at most one full session.
   */
  @Property({ type: 'uuid', nullable: true, unique: true, hidden: true })
  pendingId: string | null = null;

  /** Last re-authentication ("sudo mode"): sensitive changes need it within the last few minutes. */
  @Property({ type: 'datetime', nullable: true })
  reauthAt: Date | null = null;
}
