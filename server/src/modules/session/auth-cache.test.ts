import { describe, expect, it } from 'vitest';
import { writesTo } from '../../db/change-feed.js';
import { AUTH_TABLES, AuthCache } from './auth-cache.js';

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
