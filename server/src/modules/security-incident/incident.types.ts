import { ArrayMaxSize, IsInt, IsOptional, Max, MaxLength, Min, MinLength } from 'class-validator';
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { IncidentEventKind } from './incident-events.js';
import { HolderResponse, IncidentStatus, LikelyReason, SecurityIncident, Severity } from './incident.entity.js';

registerEnumType(IncidentEventKind, {
  name: 'IncidentEventKind',
  description: 'What happened to an incident.',
  valuesConfig: {
    OPENED: { description: 'A new incident was raised.' },
    UPDATED: { description: 'An open incident collected another login, or the account holder answered.' },
    RESOLVED: { description: 'An admin resolved it.' },
    DELETED: {
      description:
        'It was deleted, open, with its account: it no longer exists, and `openIncidents` no longer counts it (its other fields are as they were).',
    },
  },
});

@ObjectType('IncidentLeg', { description: 'Two consecutive logins of an incident: how far apart, how fast.' })
export class IncidentLeg {
  @Field(() => ID, { description: 'Login event it starts at.' })
  fromLoginId!: string;

  @Field(() => ID, { description: 'Login event it ends at.' })
  toLoginId!: string;

  @Field(() => Int, { description: 'Great-circle distance in km.' })
  distanceKm!: number;

  @Field(() => Float, { description: 'Hours between the two logins.' })
  hours!: number;

  @Field(() => Float, {
    nullable: true,
    description:
      'Implied speed in km/h after allowing for the uncertainty of both places; null when they coincide; a very large number (1e9) for far-apart logins at the same instant.',
  })
  speedKmh!: number | null;

  @Field(() => Boolean, { description: 'Faster than anyone can travel (above the configured speed).' })
  impossible!: boolean;
}

@ObjectType('SecurityIncidentPage', { description: 'One page of incidents: open first, then most recently changed.' })
export class SecurityIncidentPage {
  @Field(() => [SecurityIncident], { description: 'Incidents on this page.' })
  nodes!: SecurityIncident[];

  @Field(() => Int, { description: 'Incidents matching, over all pages.' })
  totalCount!: number;
}

@InputType('IncidentFilterInput', { description: 'Filters for the incidents list; all optional.' })
export class IncidentFilterInput {
  @Field(() => IncidentStatus, { nullable: true, description: 'Only open or only resolved.' })
  @IsOptional()
  status?: IncidentStatus;

  @Field(() => Severity, { nullable: true, description: 'Only this severity.' })
  @IsOptional()
  severity?: Severity;

  @Field(() => ID, { nullable: true, description: 'Only this account’s incidents.' })
  @IsOptional()
  accountId?: string;

  @Field(() => String, { nullable: true, description: 'Only accounts whose e-mail starts with this (case-insensitive).' })
  @IsOptional()
  @MaxLength(254)
  accountEmail?: string;

  @Field(() => Date, { nullable: true, description: 'Opened at or after.' })
  @IsOptional()
  from?: Date;

  @Field(() => Date, { nullable: true, description: 'Opened at or before.' })
  @IsOptional()
  to?: Date;
}

@InputType('MarkIncidentIpsSafeInput', { description: 'Resolve an incident by trusting some of its addresses.' })
export class MarkIncidentIpsSafeInput {
  @Field(() => ID, { description: 'The incident.' })
  id!: string;

  @Field(() => [String], { description: 'Addresses of the incident to trust for its account (1–50).' })
  @ArrayMaxSize(50)
  @MaxLength(64, { each: true })
  ips!: string[];

  @Field(() => String, { nullable: true, description: 'Why (kept with the decision and on the trusted entries).' })
  @IsOptional()
  @MaxLength(1000)
  note?: string;
}

@InputType('DismissIncidentInput', { description: 'Resolve an incident as reviewed and harmless.' })
export class DismissIncidentInput {
  @Field(() => ID, { description: 'The incident.' })
  id!: string;

  @Field(() => String, { description: 'Why it is harmless (required, 1–1000 characters).' })
  @MinLength(1)
  @MaxLength(1000)
  note!: string;
}

@InputType('TreatIncidentAsCompromisedInput', {
  description: 'Resolve an incident as an intrusion: all sessions and API tokens of the account are revoked.',
})
export class TreatIncidentAsCompromisedInput {
  @Field(() => ID, { description: 'The incident.' })
  id!: string;

  @Field(() => Boolean, {
    defaultValue: true,
    description: 'The old password stops working now; the holder is e-mailed a single-use link to set a new one.',
  })
  requirePasswordReset: boolean = true;

  @Field(() => Boolean, { defaultValue: false, description: 'Disable the account until an admin enables it.' })
  lockAccount: boolean = false;

  @Field(() => String, { nullable: true, description: 'Note kept with the decision.' })
  @IsOptional()
  @MaxLength(1000)
  note?: string;
}

@ObjectType('CompromisedResolution', { description: 'What treating the account as compromised did.' })
export class CompromisedResolution {
  @Field(() => SecurityIncident, { description: 'The resolved incident.' })
  incident!: SecurityIncident;

  @Field(() => Int, { description: 'Sessions revoked.' })
  sessionsRevoked!: number;

  @Field(() => Int, { description: 'API tokens revoked.' })
  tokensRevoked!: number;
}

@ObjectType('IncidentEvent', {
  description: 'A change to a security incident, pushed live. Plain values: resolved once per event, not per subscriber.',
})
export class IncidentEvent {
  @Field(() => IncidentEventKind, { description: 'Opened, updated, resolved or deleted.' })
  kind!: IncidentEventKind;

  @Field(() => ID, { description: 'The incident.' })
  incidentId!: string;

  @Field(() => ID, { description: 'Its account.' })
  accountId!: string;

  @Field(() => String, { description: 'Its account’s e-mail address.' })
  accountEmail!: string;

  @Field(() => Severity, { description: 'Severity now.' })
  severity!: Severity;

  @Field(() => LikelyReason, { description: 'Proposed reason now.' })
  reason!: LikelyReason;

  @Field(() => IncidentStatus, { description: 'Status now.' })
  status!: IncidentStatus;

  @Field(() => Boolean, { description: 'Impossible travel among its logins.' })
  impossibleTravel!: boolean;

  @Field(() => Int, { description: 'Open incidents the subscriber may see after this change (for the navigation badge).' })
  openIncidents!: number;

  @Field(() => Date, { description: 'When the change happened.' })
  occurredAt!: Date;
}

@ObjectType('IncidentHolderAnswer', { description: 'The account holder’s answer was recorded.' })
export class IncidentHolderAnswer {
  @Field(() => HolderResponse, { description: 'What was answered.' })
  answer!: HolderResponse;
}

@ObjectType('IncidentSettings', { description: 'When logins raise a security incident.' })
export class IncidentSettingsType {
  @Field(() => Boolean, { description: 'Detection on or off.' })
  enabled!: boolean;

  @Field(() => Int, { description: 'Successful logins this many seconds apart are compared (default 86400 = 24 h).' })
  windowSeconds!: number;

  @Field(() => Int, { description: 'Places farther apart than this (km) count as different locations within a country.' })
  distanceKm!: number;

  @Field(() => Int, { description: 'Faster than this (km/h) between consecutive logins is impossible travel.' })
  maxSpeedKmh!: number;

  @Field(() => Int, { description: 'Failed attempts before a success that point at a guessed password.' })
  failuresBeforeSuccess!: number;
}

@InputType('IncidentSettingsInput', { description: 'Incident settings to change; omitted fields stay.' })
export class IncidentSettingsInput {
  @Field(() => Boolean, { nullable: true, description: 'Detection on or off.' })
  @IsOptional()
  enabled?: boolean;

  @Field(() => Int, { nullable: true, description: 'Window in seconds, 60–2592000.' })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(30 * 24 * 3600)
  windowSeconds?: number;

  @Field(() => Int, { nullable: true, description: 'Distance in km, 1–20000.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(20_000)
  distanceKm?: number;

  @Field(() => Int, { nullable: true, description: 'Speed limit in km/h, 10–100000.' })
  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(100_000)
  maxSpeedKmh?: number;

  @Field(() => Int, { nullable: true, description: 'Failures before a success, 1–100000.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  failuresBeforeSuccess?: number;
}
