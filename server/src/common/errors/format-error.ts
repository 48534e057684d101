import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import type { Logger } from 'pino';
import { ErrorCode } from './codes.js';
import type { FieldProblem } from './errors.js';

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));

/**
 * Turns every error into `{ message, locations, path, extensions: { code, … } }` with a code from the
 * catalog. Unknown errors are logged and masked: no stack trace or database message ever leaves.
 */
export function createFormatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };

    if (original instanceof ArgumentValidationError) {
      const fields: FieldProblem[] = original.extensions.validationErrors.flatMap((ve) =>
        flattenValidation(ve as unknown as ValidationLike, ''),
      );
      return {
        ...base,
        message: fields[0]?.message ?? 'Invalid input',
        extensions: { code: ErrorCode.BAD_USER_INPUT, fields },
      };
    }

    const code = formatted.extensions?.['code'];
    if (typeof code === 'string') {
      if (code === 'UNAUTHORIZED') return { ...base, extensions: { code: ErrorCode.FORBIDDEN } };
      // Apollo's own sentence tells how to switch it on in production: said plainly instead.
      if (formatted.extensions?.['validationErrorCode'] === 'INTROSPECTION_DISABLED') {
        return { ...base, message: 'Introspection is disabled on this server.', extensions: { code } };
      }
      if (KNOWN_CODES.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
        const { stacktrace: _drop, ...rest } = formatted.extensions ?? {};
        void _drop;
        return { ...base, extensions: { ...rest, code } };
      }
      if (code === 'BAD_REQUEST' || code === 'PERSISTED_QUERY_NOT_FOUND' || code === 'OPERATION_RESOLUTION_FAILURE') {
        return { ...base, extensions: { code: ErrorCode.BAD_USER_INPUT } };
      }
    }
    // Text PostgreSQL cannot store (a NUL character; requests holding one are refused before they run,
    // so this is a backstop for any other way in): the input's fault, not the server's.
    const state = sqlState(original);
    if (state === '22021' || state === '22P05') {
      logger.warn({ err: original, path: formatted.path }, 'text the database cannot store reached it');
      return {
        ...base,
        message: 'Text may not contain the NUL character (U+0000).',
        extensions: { code: ErrorCode.BAD_USER_INPUT },
      };
    }
    // A statement PostgreSQL cancelled at DB_STATEMENT_TIMEOUT_MS, or no pooled connection within it.
    if (isDatabaseTimeout(original)) {
      logger.warn({ err: original, path: formatted.path }, 'database timeout in GraphQL operation');
      return {
        ...base,
        message: DATABASE_TIMEOUT_MESSAGE,
        extensions: { code: ErrorCode.DATABASE_TIMEOUT },
      };
    }
    logger.error({ err: original, path: formatted.path }, 'unexpected error in GraphQL operation');
    return {
      message: 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}

/** The text every database timeout is answered with (GraphQL here, the other HTTP routes in app.ts). */
export const DATABASE_TIMEOUT_MESSAGE = 'The database did not answer in time. Try again in a moment.';

/** An error and the errors it wraps (`cause`), up to three deep: pg's, MikroORM's wrapping of it. */
function* causes(err: unknown): Generator<{ name?: unknown; message?: unknown; code?: unknown; sqlState?: unknown }> {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    yield e as { name?: unknown; message?: unknown; code?: unknown; sqlState?: unknown };
  }
}

/**
 * The database ran out of time: a statement PostgreSQL cancelled at DB_STATEMENT_TIMEOUT_MS (SQLSTATE
 * 57014 says "due to statement timeout"; the same state for an administrator's `pg_cancel_backend` is
 * no timeout and stays an internal error), or no connection in time (`isPoolTimeout`).
 */
export function isDatabaseTimeout(err: unknown): boolean {
  if (isPoolTimeout(err)) return true;
  if (sqlState(err) !== '57014') return false;
  for (const e of causes(err)) if (typeof e.message === 'string' && /statement timeout/.test(e.message)) return true;
  return false;
}

const POOL_TIMEOUT =
  /^timeout exceeded when trying to connect$|^Connection terminated due to connection timeout$|^Knex: Timeout acquiring a connection|^Query read timeout$/;

/**
 * No connection in time: node-postgres's pool or connect timeout, or MikroORM's pool (knex's
 * `KnexTimeoutError`, which MikroORM rewraps as a `DriverException` keeping only its message); or no
 * answer in time on a connection of the plain pool (`readTimeoutMs`: PostgreSQL could not answer at all).
 */
function isPoolTimeout(err: unknown): boolean {
  for (const e of causes(err)) {
    if (e.name === 'KnexTimeoutError' || (typeof e.message === 'string' && POOL_TIMEOUT.test(e.message))) return true;
  }
  return false;
}

/** The SQLSTATE of a database error (pg's, or MikroORM's wrapping of it), if it is one. */
function sqlState(err: unknown): string | undefined {
  for (const e of causes(err)) {
    const code = e.sqlState ?? e.code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

interface ValidationLike {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationLike[];
}

function flattenValidation(ve: ValidationLike, prefix: string): FieldProblem[] {
  const field = prefix ? `${prefix}.${ve.property}` : ve.property;
  const own = Object.entries(ve.constraints ?? {}).map(([reason, message]) => ({ field, reason, message }));
  return [...own, ...(ve.children ?? []).flatMap((c) => flattenValidation(c, field))];
}
