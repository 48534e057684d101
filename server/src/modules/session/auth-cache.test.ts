import { describe, expect, it } from 'vitest';
import { writesTo } from '../../db/change-feed.js';
import { applyAuthChange, AUTH_TABLES, AuthCache, isAuthChange } from './auth-cache.js';

describe('AuthCache', () => {
  it('serves a stored row until cleared', () => {
    const cache = new AuthCache<string>({ live: true });
    const g = cache.generation;
    cache.set('k', 'row', g);
    expect(cache.get('k')).toBe('row');
    cache.clear();
    expect(cache.get('k')).toBeUndefined();
  });

  it('a touch writes only its own fields into the remembered row, which may be newer than the toucher’s copy', () => {
    const cache = new AuthCache<{ revoked: boolean; seen: number }>({ live: true });
    // A request read the row (live) and is writing its last-seen time; meanwhile the session was
    // revoked and another request remembered the revoked row.
    cache.clear();
    cache.set('k', { revoked: true, seen: 1 }, cache.generation);
    cache.patch('k', { seen: 2 });
    expect(cache.get('k')).toEqual({ revoked: true, seen: 2 });
    // Nothing held: nothing stored.
    cache.patch('j', { seen: 2 });
    expect(cache.get('j')).toBeUndefined();
  });

  it('never stores a row read before a clear', () => {
    const cache = new AuthCache<string>({ live: true });
    const readAt = cache.generation;
    cache.clear(); // a write happened while the row was being read
    cache.set('k', 'stale', readAt);
    expect(cache.get('k')).toBeUndefined();
  });

  it('forgets one row and keeps the rest; a read of that row begun before is not stored, others are', () => {
    const cache = new AuthCache<string>({ live: true });
    cache.set('s:a', 'a', cache.generation);
    cache.set('s:b', 'b', cache.generation);
    const readAt = cache.generation;
    cache.forget('s:a'); // that session's row changed while both were being read again
    expect(cache.get('s:a')).toBeUndefined();
    expect(cache.get('s:b')).toBe('b');
    cache.set('s:a', 'stale', readAt);
    expect(cache.get('s:a')).toBeUndefined();
    cache.set('s:c', 'c', readAt);
    expect(cache.get('s:c')).toBe('c');
    // Read after the forget: stored.
    cache.set('s:a', 'fresh', cache.generation);
    expect(cache.get('s:a')).toBe('fresh');
    // A clear still drops everything, and what was read before it.
    const beforeClear = cache.generation;
    cache.clear();
    cache.set('s:b', 'stale', beforeClear);
    expect(cache.size).toBe(0);
  });

  it('clears instead once more keys were forgotten than it holds entries', () => {
    const cache = new AuthCache<string>({ live: true }, 30_000, 2);
    cache.set('k', 'kept', cache.generation);
    cache.forget('s:1');
    cache.forget('s:2');
    expect(cache.get('k')).toBe('kept');
    const readAt = cache.generation;
    cache.forget('s:3'); // a third: the keys are not tracked one by one any more
    expect(cache.get('k')).toBeUndefined();
    cache.set('k', 'stale', readAt);
    expect(cache.get('k')).toBeUndefined();
  });

  it('takes a session change from the feed as news of that session only, any other auth change as news of all', () => {
    const cache = new AuthCache<string>({ live: true });
    const fill = () => ['s:h1', 's:h2', 't:h3', 'n:x@example.test'].forEach((k) => cache.set(k, k, cache.generation));
    fill();
    applyAuthChange(cache, 'auth:s:h1');
    expect(['s:h1', 's:h2', 't:h3', 'n:x@example.test'].map((k) => cache.get(k))).toEqual([
      undefined,
      's:h2',
      't:h3',
      'n:x@example.test',
    ]);
    applyAuthChange(cache, 'ip_block:42');
    expect(cache.size).toBe(3);
    for (const payload of ['auth', '*', 'account', 'session', 'api_token']) {
      fill();
      applyAuthChange(cache, payload);
      expect(cache.size, payload).toBe(0);
    }
    expect(['auth:s:h1', 'auth', '*', 'session'].every(isAuthChange)).toBe(true);
    expect(['ip_block', 'ip_block:42', 'trusted_ip', 'sync:x:1'].some(isAuthChange)).toBe(false);
  });

  it('serves and stores nothing while the change feed is down', () => {
    const feed = { live: true };
    const cache = new AuthCache<string>(feed);
    cache.set('k', 'row', cache.generation);
    feed.live = false;
    expect(cache.get('k')).toBeUndefined();
    cache.set('j', 'row', cache.generation);
    feed.live = true;
    expect(cache.get('j')).toBeUndefined();
  });

  it('forgets entries after the TTL and holds at most maxEntries', async () => {
    const cache = new AuthCache<number>({ live: true }, 20, 2);
    cache.set('a', 1, cache.generation);
    cache.set('b', 2, cache.generation);
    cache.set('c', 3, cache.generation);
    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBeUndefined();
    await new Promise((r) => setTimeout(r, 40));
    expect(cache.get('c')).toBeUndefined();
  });
});

describe('writesTo', () => {
  it('sees updates, deletes and truncates of the auth tables, quoted or not, CTEs too', () => {
    expect(writesTo('update "session" set "revoked_at" = $1 where "id" = $2', AUTH_TABLES)).toBe(true);
    expect(writesTo('delete from "account" where "id" in ($1)', AUTH_TABLES)).toBe(true);
    expect(writesTo('UPDATE api_token SET revoked_at = now()', AUTH_TABLES)).toBe(true);
    expect(writesTo('truncate table session cascade', AUTH_TABLES)).toBe(true);
    expect(writesTo('with x as (update account set disabled_at = now() where id = $1) select 1', AUTH_TABLES)).toBe(true);
  });

  it('ignores reads, inserts and other tables', () => {
    expect(writesTo('select * from "session" where "token_hash" = $1 for update', AUTH_TABLES)).toBe(false);
    expect(writesTo('insert into "session" ("id") values ($1)', AUTH_TABLES)).toBe(false);
    expect(writesTo('update "two_factor_state" set "consecutive_failures" = 0', AUTH_TABLES)).toBe(false);
    expect(writesTo('insert into failure_counter (key) values ($1) on conflict (key) do update set count = 1', AUTH_TABLES)).toBe(
      false,
    );
    expect(writesTo('update "session_log" set x = 1', AUTH_TABLES)).toBe(false);
  });
});
