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

/**
 * What type-graphql's `validate` option does (class-validator on every argument of an input type, or
 * a list of them; its errors as one ArgumentValidationError), with class-validator imported once:
 * type-graphql's own path imports it dynamically for every argument of every request, a cost on the
 * sign-in's hot path. Only arguments typed by a class are checked: a scalar's value (a JSON object
 * written in the query arrives without a prototype) has no rules, and type-graphql no longer reads an
 * argument's `validate: false` once a function is given. Anything but class-validator's list of
 * errors is thrown as it is.
 */
export async function validateArgument(value: unknown, type: unknown): Promise<void> {
  if (typeof type !== 'function' || value === null || typeof value !== 'object') return;
  try {
    if (Array.isArray(value)) {
      await Promise.all(
        value
          .filter((v: unknown) => v !== null && typeof v === 'object')
          .map((v: object) => validateOrReject(v, VALIDATOR_OPTIONS)),
      );
    } else await validateOrReject(value, VALIDATOR_OPTIONS);
  } catch (err) {
    if (Array.isArray(err)) throw new ArgumentValidationError(err as ValidationError[]);
    throw err;
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
