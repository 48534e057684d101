import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, PrimaryKeyProp, Property, type Rel } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Account } from '../account/account.entity.js';
import { LoginEvent } from '../login-event/login-event.entity.js';
import { LikelyReason, Severity } from './incident-rules.js';

export { LikelyReason, Severity };

export enum IncidentStatus {
  OPEN = 'OPEN',
  RESOLVED = 'RESOLVED',
}

export enum IncidentResolution {
  MARKED_SAFE = 'MARKED_SAFE',
  DISMISSED = 'DISMISSED',
  COMPROMISED = 'COMPROMISED',
}

export enum HolderResponse {
  CONFIRMED = 'CONFIRMED',
  DENIED = 'DENIED',
}

registerEnumType(IncidentStatus, {
  name: 'IncidentStatus',
  description: 'Whether the incident still needs a decision.',
  valuesConfig: {
    OPEN: { description: 'Waiting for review; new locations of the account are added to it.' },
    RESOLVED: { description: 'An admin decided; the next unusual login opens a new incident.' },
  },
});
registerEnumType(IncidentResolution, {
  name: 'IncidentResolution',
  description: 'The decision that closed an incident.',
  valuesConfig: {
    MARKED_SAFE: { description: 'The chosen IPs were marked safe for the account; they never raise an incident again.' },
    DISMISSED: { description: 'Reviewed and dismissed with a note.' },
    COMPROMISED: {
      description: 'Treated as compromised: sessions and API tokens revoked, password reset forced or account locked.',
    },
  },
});
registerEnumType(HolderResponse, {
  name: 'HolderResponse',
  description: 'What the account holder answered through the links in the incident e-mail.',
  valuesConfig: {
    CONFIRMED: { description: '"It was me": the holder recognises the logins; dismissal is proposed.' },
    DENIED: { description: '"This wasn\'t me": severity raised to critical and admins alerted.' },
  },
});
registerEnumType(LikelyReason, {
  name: 'LikelyReason',
  description: 'The most likely explanation the evidence points at (a proposal; the admin decides).',
  valuesConfig: {
    COMPROMISED: {
      description:
        'Many failures before the success; otherwise impossible travel, unless a login came from a hosting/datacenter network (THIRD_PARTY_APPLICATION then); or, within one country, a network none of the account’s successful sign-ins used in the 90 days before (only for an account that signed in before).',
    },
    THIRD_PARTY_APPLICATION: {
      description:
        'A location is a hosting/datacenter network: an application or server. Takes precedence over impossible travel, which then only raises the severity to HIGH.',
    },
    MOBILE_CONNECTION: { description: 'One mobile carrier in one country: its gateways move the user around.' },
    TRAVELLING: { description: 'A new country at a speed a traveller can reach.' },
    UNKNOWN: { description: 'Nothing explains it.' },
  },
});
registerEnumType(Severity, {
  name: 'IncidentSeverity',
  description: 'How urgent the incident is.',
  valuesConfig: {
    LOW: { description: 'Most likely harmless (an application without impossible travel, a mobile network).' },
    MEDIUM: { description: 'Needs a look (travelling, unknown).' },
    HIGH: {
      description:
        'Likely an intruder (impossible travel, guessed password, a network unseen for 90 days), or an application (hosting network) with impossible travel among its logins.',
    },
    CRITICAL: { description: 'The account holder said it was not them.' },
  },
});

/**
 * Logins of one account from more than one location within the window. At most one OPEN incident per
 * account, enforced by a partial unique index, so two instances detecting at the same moment collect
 * into the same row.
 */
@ObjectType('SecurityIncident', { description: 'Logins of one account from several places, waiting for (or after) review.' })
@Entity({ tableName: 'security_incident' })
@Index({
  name: 'security_incident_one_open_per_account',
  expression:
    'create unique index "security_incident_one_open_per_account" on "security_incident" ("account_id") where "status" = \'OPEN\'',
})
@Index({ name: 'security_incident_status_opened_idx', properties: ['status', 'openedAt'] })
// An account's incidents, resolved ones too (its page, and the cascade when it is deleted).
@Index({ name: 'security_incident_account_idx', properties: ['account'] })
export class SecurityIncident {
  [OptionalProps]?:
    | 'id'
    | 'status'
    | 'openedAt'
    | 'updatedAt'
    | 'resolvedAt'
    | 'resolvedBy'
    | 'resolution'
    | 'resolutionNote'
    | 'holderResponse'
    | 'holderRespondedAt'
    | 'loginCount'
    | 'impossibleTravel'
    | 'evidence';

  @Field(() => ID, { description: 'Stable identifier.' })
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' })
  id: string = randomUUID();

  @ManyToOne(() => Account, { deleteRule: 'cascade' })
  account!: Rel<Account>;

  @Field(() => IncidentStatus, { description: 'Open or resolved.' })
  @Enum({ items: () => IncidentStatus })
  status: IncidentStatus = IncidentStatus.OPEN;

  @Field(() => Severity, { description: 'How urgent it is.' })
  @Enum({ items: () => Severity })
  severity!: Severity;

  @Field(() => LikelyReason, { description: 'The proposed explanation; see `evidence`.' })
  @Enum({ items: () => LikelyReason })
  reason!: LikelyReason;

  @Field(() => Boolean, { description: 'Two consecutive logins were farther apart than anyone can travel in the time between.' })
  @Property({ type: 'boolean', default: false })
  impossibleTravel: boolean = false;

  @Field(() => [String], { description: 'Why the reason was proposed, in sentences.' })
  @Property({ type: 'json', default: '[]' })
  evidence: string[] = [];

  @Field(() => Int, { description: 'Logins collected in the incident.' })
  @Property({ type: 'integer', default: 0 })
  loginCount: number = 0;

  @Field(() => Date, { description: 'When it was raised.' })
  @Property({ type: 'datetime' })
  openedAt: Date = new Date();

  @Field(() => Date, { description: 'When a login was last added or its state changed.' })
  @Property({ type: 'datetime' })
  updatedAt: Date = new Date();

  @Field(() => Date, { nullable: true, description: 'When it was resolved.' })
  @Property({ type: 'datetime', nullable: true })
  resolvedAt: Date | null = null;

  @ManyToOne(() => Account, { nullable: true, deleteRule: 'set null' })
  resolvedBy: Rel<Account> | null = null;

  @Field(() => IncidentResolution, { nullable: true, description: 'The decision, once resolved.' })
  @Enum({ items: () => IncidentResolution, nullable: true })
  resolution: IncidentResolution | null = null;

  @Field(() => String, { nullable: true, description: 'The reviewer’s note.' })
  @Property({ type: 'string', length: 1000, nullable: true })
  resolutionNote: string | null = null;

  @Field(() => HolderResponse, { nullable: true, description: 'What the account holder answered by e-mail link, if anything.' })
  @Enum({ items: () => HolderResponse, nullable: true })
  holderResponse: HolderResponse | null = null;

  @Field(() => Date, { nullable: true, description: 'When the account holder answered.' })
  @Property({ type: 'datetime', nullable: true })
  holderRespondedAt: Date | null = null;
}

/** Which logins an incident collected. */
@Entity({ tableName: 'security_incident_login' })
@Index({ name: 'security_incident_login_event_idx', properties: ['loginEvent'] })
export class SecurityIncidentLogin {
  [PrimaryKeyProp]?: ['incident', 'loginEvent'];

  @ManyToOne(() => SecurityIncident, { primary: true, deleteRule: 'cascade' })
  incident!: Rel<SecurityIncident>;

  @ManyToOne(() => LoginEvent, { primary: true, deleteRule: 'cascade' })
  loginEvent!: Rel<LoginEvent>;
}

/** Per recipient: when the last incident e-mail went out, and incidents waiting for the next summary. */
@Entity({ tableName: 'incident_mail_throttle' })
export class IncidentMailThrottle {
  @ManyToOne(() => Account, { primary: true, deleteRule: 'cascade' })
  account!: Rel<Account>;

  @Property({ type: 'datetime' })
  lastSentAt!: Date;

  @Property({ type: 'uuid[]', columnType: 'uuid[]', default: '{}' })
  pending: string[] = [];
}

/** The single-use answer links e-mailed to the account holder. Only a hash of the token is kept. */
@Entity({ tableName: 'incident_holder_link' })
@Index({ name: 'incident_holder_link_incident_idx', properties: ['incident'] })
export class IncidentHolderLink {
  @PrimaryKey({ type: 'string', length: 64 })
  tokenHash!: string;

  @ManyToOne(() => SecurityIncident, { deleteRule: 'cascade' })
  incident!: Rel<SecurityIncident>;

  @Enum({ items: () => HolderResponse })
  answer!: HolderResponse;

  @Property({ type: 'datetime' })
  expiresAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  usedAt: Date | null = null;
}

/** Places the account holder confirmed through "It was me": pairs of them raise no incident again. */
@Entity({ tableName: 'familiar_location' })
@Index({ name: 'familiar_location_account_idx', properties: ['account'] })
export class FamiliarLocation {
  [OptionalProps]?: 'id' | 'confirmedAt';

  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' })
  id: string = randomUUID();

  @ManyToOne(() => Account, { deleteRule: 'cascade' })
  account!: Rel<Account>;

  @Property({ type: 'string', length: 2, nullable: true })
  countryCode: string | null = null;

  @Property({ type: 'string', length: 100, nullable: true })
  city: string | null = null;

  @Property({ type: 'double' })
  latitude!: number;

  @Property({ type: 'double' })
  longitude!: number;

  /** The incident whose e-mail the holder answered. */
  @ManyToOne(() => SecurityIncident, { nullable: true, deleteRule: 'set null' })
  incident: Rel<SecurityIncident> | null = null;

  @Property({ type: 'datetime' })
  confirmedAt: Date = new Date();
}
