import type { ChangeFeed } from '../../db/change-feed.js';

/** Tables whose changes can change who a presented session or API token belongs to, or whether it is live. */
export const AUTH_TABLES = new Set(['account', 'session', 'api_token']);

/**
 * What the change feed hears when rows of those tables were updated or deleted (one per transaction,
 * see migration 20261130140000); a truncate still names its table.
 */
export const AUTH_CHANGE = 'auth';

/**
 * What the change feed hears when a session row's announced columns were updated (one per row,
 * naming its token hash; migration 20261203010000): only that session's remembered row is forgotten.
 */
export const SESSION_CHANGE_PREFIX = 'auth:s:';

/** Where the cache keeps a session's row: under its token hash, which an update of that row announces. */
export const sessionKey = (tokenHash: string): string => `s:${tokenHash}`;

/**
 * Where it keeps a sealed pending sign-in's row (which has no session row of its own): under its id,
 * which a session row naming it announces as `auth:s:p:<id>` (migration 20261203100000).
 */
export const sealedKey = (pendingId: string): string => sessionKey(`p:${pendingId}`);

/** Whether a change-feed payload may change who a presented session or token belongs to, or whether it is live. */
export function isAuthChange(payload: string): boolean {
  return payload === '*' || payload === AUTH_CHANGE || AUTH_TABLES.has(payload) || payload.startsWith(SESSION_CHANGE_PREFIX);
}

/** Applies a change-feed payload to the cache: one session forgotten, or everything (any other auth change). */
export function applyAuthChange<T>(cache: AuthCache<T>, payload: string): void {
  if (payload.startsWith(SESSION_CHANGE_PREFIX)) cache.forget(sessionKey(payload.slice(SESSION_CHANGE_PREFIX.length)));
  else if (isAuthChange(payload)) cache.clear();
}

/**
 * The rows behind presented session cookies and API tokens, kept between requests so that a busy
 * caller (an integrator asking for a decision per login) costs no database round trip to authenticate.
 *
 * It converges within a NOTIFY's latency, on this instance as on the others (a row read on this
 * instance after a write cleared the cache but before that write's transaction committed is the old
 * row, and stays until the commit's announcement arrives):
 * - any UPDATE/DELETE on `account`, `session` or `api_token` issued by this process (MikroORM's
 *   `onQuery` hook sees every statement) clears the cache before the statement runs; the statements
 *   that end a pending sign-in forget only that session's row (`forget`);
 * - every instance's commit to those tables reaches every instance through the change feed (a
 *   trigger's NOTIFY), which clears it again, or for an update of a session row forgets that session;
 * - a row read before a clear, or before its own key was forgotten, is never stored after it (the
 *   generation check);
 * - while the feed's connection is down nothing is served from memory;
 * - entries also age out after `ttlMs`, and the cache holds at most `maxEntries`.
 * Liveness (expiry, idle timeout, revocation) is still judged on every request from the row.
 */
export class AuthCache<T> {
  private readonly entries = new Map<string, { value: T; storedAt: number }>();
  /** Counts clears and forgets: what `generation` answers. */
  private gen = 0;
  /** The generation of the last clear. */
  private clearedAt = 0;
  /** Keys forgotten since the last clear, with the generation each was last forgotten at. */
  private readonly forgotten = new Map<string, number>();

  constructor(
    private readonly feed: Pick<ChangeFeed, 'live'>,
    private readonly ttlMs = 30_000,
    private readonly maxEntries = 10_000,
  ) {}

  /** Read before the database lookup; pass to `set` so a row read before a clear is not kept. */
  get generation(): number {
    return this.gen;
  }

  get(key: string): T | undefined {
    if (!this.feed.live) return undefined;
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    if (Date.now() - e.storedAt > this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  set(key: string, value: T, generation: number): void {
    if (!this.feed.live || generation < this.clearedAt) return;
    const forgottenAt = this.forgotten.get(key);
    if (forgottenAt !== undefined && generation < forgottenAt) return;
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, storedAt: Date.now() });
  }

  /**
   * Writes fields no decision reads (a session's last-seen time, a token's last use) into a remembered
   * row, keeping its age; nothing when not held. Only those fields: the row held may be newer than the
   * caller's copy (revoked meanwhile), and must stay so.
   */
  patch(key: string, fields: Partial<T>): void {
    const e = this.entries.get(key);
    if (e !== undefined) e.value = { ...(e.value as object), ...fields } as T;
  }

  clear(): void {
    this.clearedAt = ++this.gen;
    this.entries.clear();
    this.forgotten.clear();
  }

  /**
   * Forgets one row (a session whose row changed), keeping the rest: a read of that key begun before
   * is not stored after. Past `maxEntries` such keys between two clears, it clears instead.
   */
  forget(key: string): void {
    if (this.forgotten.size >= this.maxEntries) {
      this.clear();
      return;
    }
    this.forgotten.set(key, ++this.gen);
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
