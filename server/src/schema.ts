import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { validateOrReject, type ValidationError, type ValidatorOptions } from 'class-validator';
import { ArgumentValidationError, buildSchema } from 'type-graphql';
import { authChecker } from './common/auth/auth-checker.js';
import { AccountResolver } from './modules/account/account.resolver.js';
import { SessionResolver } from './modules/session/session.resolver.js';
import { SignInGuardResolver } from './modules/session/sign-in-guard.resolver.js';
import { ApiTokenResolver } from './modules/session/api-token.resolver.js';
import { AuditResolver } from './modules/audit/audit.resolver.js';
import { AdminAccessResolver } from './modules/admin-access/admin-access.resolver.js';
import { AsnOverrideResolver, NamedLocationResolver } from './modules/geo/named-location.resolver.js';
import { IpBlockResolver } from './modules/ip-block/ip-block.resolver.js';
import { LoginEventResolver } from './modules/login-event/login-event.resolver.js';
import { TwoFactorResolver } from './modules/two-factor/two-factor.resolver.js';
import { MailResolver } from './modules/mail/mail.resolver.js';
import { IncidentResolver } from './modules/security-incident/incident.resolver.js';
import { TrustedIpResolver } from './modules/trusted-ip/trusted-ip.resolver.js';

export const resolvers = [
  AccountResolver,
  SessionResolver,
  SignInGuardResolver,
  IpBlockResolver,
  TrustedIpResolver,
  NamedLocationResolver,
  AsnOverrideResolver,
  LoginEventResolver,
  ApiTokenResolver,
  AuditResolver,
  AdminAccessResolver,
  TwoFactorResolver,
  IncidentResolver,
  MailResolver,
] as const;

/** class-validator's options for every input (type-graphql's defaults: missing properties skipped). */
const VALIDATOR_OPTIONS: ValidatorOptions = {
  forbidUnknownValues: false,
  stopAtFirstError: false,
  skipMissingProperties: true,
};

/** An input type's instance (or a list of them); a JSON scalar's plain object has no rules to check. */
const validatable = (v: unknown): v is object =>
  v !== null && typeof v === 'object' && (Array.isArray(v) || Object.getPrototypeOf(v) !== Object.prototype);

/**
 * What type-graphql's `validate` option does (class-validator on every object argument, its errors as
 * one ArgumentValidationError), with class-validator imported once: type-graphql's own path imports
 * it dynamically for every argument of every request, a cost on the sign-in's hot path. A JSON
 * scalar's plain object (the one argument marked `validate: false`, which type-graphql no longer
 * reads once a function is given) has no rules and is not walked.
 */
export async function validateArgument(value: unknown): Promise<void> {
  if (!validatable(value)) return;
  try {
    if (Array.isArray(value)) await Promise.all(value.filter(validatable).map((v) => validateOrReject(v, VALIDATOR_OPTIONS)));
    else await validateOrReject(value, VALIDATOR_OPTIONS);
  } catch (err) {
    throw new ArgumentValidationError(err as ValidationError[]);
  }
}

export async function createSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers,
    authChecker,
    authMode: 'error',
    validateFn: validateArgument,
    emitSchemaFile: false,
    // Every subscription brings its own `subscribe` (PostgreSQL LISTEN/NOTIFY fan-out, see
    // incident-events.ts); type-graphql still wants a PubSub, so it gets one that refuses use.
    pubSub: {
      publish: () => {
        throw new Error('topic-based pubSub is not used: subscriptions bring their own subscribe()');
      },
      subscribe: () => {
        throw new Error('topic-based pubSub is not used: subscriptions bring their own subscribe()');
      },
    },
  });
}

/** The schema as checked in at the repository root: sorted, so diffs show only real changes. */
export function printSortedSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
