import { IsIn, IsInt, IsOptional, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { Field, InputType, Int } from 'type-graphql';

export const REPORT_OUTCOMES = ['SUCCESS', 'FAILURE'] as const;

@InputType('LoginReportInput', {
  description:
    'One login attempt an integrator saw. A value outside its limits is rejected with BAD_USER_INPUT, never truncated; in `reportLogins` one bad report rejects the whole batch.',
})
export class LoginReportInput {
  @Field(() => String, {
    description: 'Account name (e-mail) or id as the user typed it, 1–254 characters; unknown names are fine.',
  })
  @MinLength(1)
  @MaxLength(254)
  account!: string;

  @Field(() => String, { description: 'Client IP address (IPv4 or IPv6), at most 64 characters.' })
  @MaxLength(64)
  ip!: string;

  @Field(() => String, { description: 'SUCCESS (credentials accepted) or FAILURE (rejected).' })
  @IsIn(REPORT_OUTCOMES, { message: 'outcome must be SUCCESS or FAILURE' })
  outcome!: (typeof REPORT_OUTCOMES)[number];

  @Field(() => String, { description: 'Service: imap, pop3, smtp, webmail, panel, api, … (lower case, 1–32 of a-z 0-9 _ -).' })
  @Matches(/^[a-z0-9_-]{1,32}$/, { message: 'service must be 1–32 characters of a-z, 0-9, _ and -' })
  service!: string;

  @Field(() => String, { nullable: true, description: 'User agent or client name, at most 512 characters.' })
  @IsOptional()
  @MaxLength(512)
  userAgent?: string;

  @Field(() => Date, {
    nullable: true,
    description:
      'When it happened (default: now); at most 30 days old and not in the future, allowing for up to 5 minutes of clock skew.',
  })
  @IsOptional()
  occurredAt?: Date;

  @Field(() => String, {
    nullable: true,
    description:
      'Unique per report, 1–100 characters: a retried report with the same key is recorded and counted once. Keys are scoped to the reporting account, shared by all its API tokens.',
  })
  @IsOptional()
  @MinLength(1)
  @MaxLength(100)
  idempotencyKey?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'For failures: a stable fingerprint of the wrong secret (e.g. your own HMAC of it), at most 128 characters. The same wrong secret retried by a device counts once. Never send the password itself.',
  })
  @IsOptional()
  @MaxLength(128)
  secretFingerprint?: string;
}

@InputType('LoginDecisionInput', { description: 'Ask for a decision without recording anything.' })
export class LoginDecisionInput {
  @Field(() => String, { description: 'Account name (e-mail) or id.' })
  @MinLength(1)
  @MaxLength(254)
  account!: string;

  @Field(() => String, { description: 'Client IP address.' })
  @MaxLength(64)
  ip!: string;
}

@InputType('BlockIpInput', { description: 'Block an address or range by hand.' })
export class BlockIpInput {
  @Field(() => String, { description: 'IP address or CIDR range (host bits zero).' })
  @MaxLength(64)
  cidr!: string;

  @Field(() => String, { description: 'Why (shown to other admins).' })
  @MinLength(1)
  @MaxLength(500)
  note!: string;

  @Field(() => Date, { nullable: true, description: 'When the block ends; null = until lifted.' })
  @IsOptional()
  expiresAt?: Date;
}

@InputType('BruteForceSettingsInput', {
  description: 'Change brute-force thresholds and durations; omitted fields keep their value.',
})
export class BruteForceSettingsInput {
  @Field(() => Int, { nullable: true, description: 'Failures from one source (any account) within the window that block it.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  ipThreshold?: number;

  @Field(() => Int, {
    nullable: true,
    description: 'Failures for one account from one source within the window that block the source.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  accountIpThreshold?: number;

  @Field(() => Int, { nullable: true, description: 'Counting window in seconds.' })
  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(7 * 24 * 3600)
  windowSeconds?: number;

  @Field(() => Int, { nullable: true, description: 'First block length in seconds.' })
  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(30 * 24 * 3600)
  blockSeconds?: number;

  @Field(() => Int, { nullable: true, description: 'Longest block in seconds (escalation stops there).' })
  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(365 * 24 * 3600)
  maxBlockSeconds?: number;

  @Field(() => Int, { nullable: true, description: 'Each repeat block lasts this many times longer (1 = no escalation).' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  escalationFactor?: number;
}
