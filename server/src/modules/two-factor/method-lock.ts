import type { EntityManager } from '@mikro-orm/postgresql';
import type { Context } from '../../context.js';
import { unauthenticated } from '../../common/errors/errors.js';

/**
 * Serializes every change of one account's second factors — a reset, a new security key, a switched-on
 * app or address, a new set of recovery codes — for the rest of the transaction `tx`. Without it a
 * factor written while a reset runs could commit after the reset's delete of its table and survive,
 * and two regenerations of recovery codes could leave both sets valid.
 *
 * `ctx`: the request changing its own factors. Its session is checked again under the lock: a reset
 * (or anything else that signed the account out) committed while it waited ends it here, with nothing
 * written, however long ago the request's own session check ran.
 */
export async function lockSecondFactors(tx: EntityManager, accountId: string, ctx?: Context): Promise<void> {
  await tx.execute(`select pg_advisory_xact_lock(hashtext(?))`, [`two_factor_methods:${accountId}`]);
  const sessionId = ctx?.viewer?.session?.id;
  if (ctx === undefined || sessionId === undefined) return;
  const live = await tx.execute(`select 1 from session where id = ? and revoked_at is null and expires_at > now()`, [sessionId]);
  if (live.length === 0) throw unauthenticated();
}
