import { DriverException } from '@mikro-orm/core';
import { GraphQLError } from 'graphql';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createFormatError } from './format-error.js';

const format = createFormatError(pino({ level: 'silent' }));
const asResolverError = (original: Error) =>
  format(
    { message: original.message, path: ['x'] },
    new GraphQLError(original.message, { originalError: original, path: ['x'] }),
  );

describe('database timeouts in GraphQL answers', () => {
  it('answers DATABASE_TIMEOUT for a cancelled statement and for every pool that ran out of time', () => {
    const cancelled = Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
    // MikroORM rewraps knex's KnexTimeoutError, keeping only its message.
    const knex = new DriverException(
      Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), { name: 'KnexTimeoutError' }),
    );
    const pgPool = new Error('timeout exceeded when trying to connect');
    for (const err of [cancelled, knex, pgPool]) {
      expect(asResolverError(err)).toEqual({
        message: 'The database did not answer in time. Try again in a moment.',
        path: ['x'],
        locations: undefined,
        extensions: { code: 'DATABASE_TIMEOUT' },
      });
    }
  });

  it('still masks any other database error as INTERNAL_SERVER_ERROR, a statement an administrator cancelled too', () => {
    const other = new DriverException(Object.assign(new Error('relation "x" does not exist'), { code: '42P01' }));
    const cancelledByHand = Object.assign(new Error('canceling statement due to user request'), { code: '57014' });
    for (const err of [other, cancelledByHand]) {
      expect(asResolverError(err)).toMatchObject({
        message: 'Internal server error',
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      });
    }
  });
});
