import type ipaddr from 'ipaddr.js';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import { TABLE_CHANGE_CHANNEL, type ChangeFeed } from '../../db/change-feed.js';
import type { SqlPool } from '../../db/pool.js';
import { parseCidr, parseIp } from '../../common/net/ip.js';

/** The tables whose rows the matcher holds; every write to them is announced per row. */
export const RANGE_TABLES = new Set(['ip_block', 'trusted_ip']);

interface Bucket {
  /** Active blocks: id → expiry in ms (null: until lifted). */
  blocks?: Map<string, number | null>;
  /** Trusted ranges: id → account (null: global) and expiry. */
  trusts?: Map<string, { account: string | null; expires: number | null }>;
}

type Key = number | bigint;

/** One address family: for each prefix length present, the ranges of that length by masked address. */
class Family {
  readonly byLength = new Map<number, Map<Key, Bucket>>();
  lengths: number[] = [];

  constructor(private readonly bits: 32 | 128) {}

  key(addr: Key, length: number): Key {
    if (this.bits === 32) return length === 0 ? 0 : (addr as number) >>> (32 - length);
    return (addr as bigint) >> BigInt(128 - length);
  }

  bucket(key: Key, length: number, create: boolean): Bucket | undefined {
    let m = this.byLength.get(length);
    if (m === undefined) {
      if (!create) return undefined;
      m = new Map();
      this.byLength.set(length, m);
      this.lengths = [...this.byLength.keys()].sort((a, b) => a - b);
    }
    let b = m.get(key);
    if (b === undefined && create) {
      b = {};
      m.set(key, b);
    }
    return b;
  }

  drop(key: Key, length: number): void {
    const m = this.byLength.get(length);
    const b = m?.get(key);
    if (!m || !b || (b.blocks?.size ?? 0) > 0 || (b.trusts?.size ?? 0) > 0) return;
    m.delete(key);
    if (m.size === 0) {
      this.byLength.delete(length);
      this.lengths = [...this.byLength.keys()].sort((a, b) => a - b);
    }
  }
}

function toKey(ip: ipaddr.IPv4 | ipaddr.IPv6): { family: 'v4' | 'v6'; addr: Key } {
  const bytes = ip.toByteArray();
  if (ip.kind() === 'ipv4')
    return { family: 'v4', addr: ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0 };
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return { family: 'v6', addr: v };
}

export interface RangeMatch {
  trusted: boolean;
  /** The block that decides (permanent first, else the latest expiry), if any. */
  block: { id: string; expiresAt: Date | null } | null;
}

/**
 * Blocked and trusted ranges in memory, answering the same question as the decision's SQL
 * (`cidr >>= ip`, not lifted, not expired; trusted globally or for this account): per address
 * family, one hash map per prefix length present, so a lookup costs one map probe per length.
 */
export class RangeMatcher {
  private readonly v4 = new Family(32);
  private readonly v6 = new Family(128);
  private readonly where = new Map<
    string,
    { family: Family; key: Key; length: number; kind: 'block' | 'trust'; expires: number | null }
  >();

  get size(): number {
    return this.where.size;
  }

  private place(cidr: string): { family: Family; key: Key; length: number } | undefined {
    // Read as the rest of the server reads ranges (PostgreSQL prints `::102:304/128` as `::1.2.3.4/128`).
    const parsed = parseCidr(cidr);
    if ('error' in parsed) return undefined;
    const k = toKey(parsed.address);
    const family = k.family === 'v4' ? this.v4 : this.v6;
    return { family, key: family.key(k.addr, parsed.prefix), length: parsed.prefix };
  }

  remove(id: string): void {
    const w = this.where.get(id);
    if (!w) return;
    this.where.delete(id);
    const b = w.family.bucket(w.key, w.length, false);
    if (w.kind === 'block') b?.blocks?.delete(id);
    else b?.trusts?.delete(id);
    w.family.drop(w.key, w.length);
  }

  setBlock(id: string, cidr: string, expiresAt: Date | null): void {
    this.remove(id);
    const p = this.place(cidr);
    if (!p) return;
    const b = p.family.bucket(p.key, p.length, true)!;
    const expires = expiresAt === null ? null : expiresAt.getTime();
    (b.blocks ??= new Map()).set(id, expires);
    this.where.set(id, { ...p, kind: 'block', expires });
  }

  setTrust(id: string, cidr: string, accountId: string | null, expiresAt: Date | null): void {
    this.remove(id);
    const p = this.place(cidr);
    if (!p) return;
    const b = p.family.bucket(p.key, p.length, true)!;
    const expires = expiresAt === null ? null : expiresAt.getTime();
    (b.trusts ??= new Map()).set(id, { account: accountId, expires });
    this.where.set(id, { ...p, kind: 'trust', expires });
  }

  /**
   * Forgets the ranges that expired by `now`. Nothing announces an expiry (no row changes), so without
   * this an attacker's stream of short blocks (one per IPv6 /64 of a /48, say) would stay in memory for
   * good. Returns how many went.
   */
  prune(now = Date.now()): number {
    let n = 0;
    for (const [id, w] of [...this.where]) {
      if (w.expires !== null && w.expires <= now) {
        this.remove(id);
        n++;
      }
    }
    return n;
  }

  clear(kind: 'block' | 'trust'): void {
    for (const [id, w] of [...this.where]) if (w.kind === kind) this.remove(id);
  }

  match(ipText: string, accountId: string | null, now = Date.now()): RangeMatch {
    const ip = parseIp(ipText);
    const out: RangeMatch = { trusted: false, block: null };
    if (ip === undefined) return out;
    const k = toKey(ip);
    const family = k.family === 'v4' ? this.v4 : this.v6;
    let best: { id: string; expires: number | null } | null = null;
    for (const length of family.lengths) {
      const b = family.byLength.get(length)!.get(family.key(k.addr, length));
      if (b === undefined) continue;
      if (b.trusts)
        for (const t of b.trusts.values()) {
          if ((t.expires === null || t.expires > now) && (t.account === null || t.account === accountId)) out.trusted = true;
        }
      if (b.blocks)
        for (const [id, expires] of b.blocks) {
          if (expires !== null && expires <= now) continue;
          if (best === null || (best.expires !== null && (expires === null || expires > best.expires))) best = { id, expires };
        }
    }
    if (best) out.block = { id: best.id, expiresAt: best.expires === null ? null : new Date(best.expires) };
    return out;
  }
}

const LOAD_BLOCKS = `select id, cidr::text as cidr, expires_at, lifted_at from ip_block`;
const LOAD_TRUSTS = `select id, cidr::text as cidr, account_id, expires_at from trusted_ip`;
/** A whole table: only what can still match (the history of lifted and expired blocks stays on disk). */
const LOAD_ALL = {
  ip_block: `${LOAD_BLOCKS} where lifted_at is null and (expires_at is null or expires_at > now())`,
  trusted_ip: `${LOAD_TRUSTS} where expires_at is null or expires_at > now()`,
};
/** Above this many changed rows at once, reading the whole table is cheaper than reading them by id. */
const RELOAD_OVER = 2000;

/**
 * The matcher kept in step with PostgreSQL for every instance. Each row written to `ip_block` or
 * `trusted_ip` is announced (`<table>:<id>`, a row trigger's NOTIFY at commit) and read back by id.
 * It answers only while `usable`: the change feed is connected, everything announced has been applied,
 * and every write this process sent to those tables has been confirmed by a `sync()` — a NOTIFY of our
 * own sent after the write committed, which arrives after the write's announcements (PostgreSQL
 * delivers notifications in commit order). Otherwise callers ask PostgreSQL, so an answer from memory
 * is never older than what this process itself wrote, and other instances' writes arrive within a
 * NOTIFY's latency.
 */
export class RangeIndex {
  readonly matcher = new RangeMatcher();
  private readonly instance = randomUUID();
  private loaded = false;
  private failures = 0;
  /** Tables read whole since the last failure. */
  private readonly read = new Set<'ip_block' | 'trusted_ip'>();
  private localWrites = 0;
  private confirmedWrites = 0;
  private readonly pending = { ip_block: new Set<string>(), trusted_ip: new Set<string>() };
  private readonly reload = new Set<'ip_block' | 'trusted_ip'>();
  private applying: Promise<void> | undefined;
  private marker = 0;
  private readonly waiting = new Map<number, () => void>();

  constructor(
    private readonly pool: SqlPool,
    private readonly feed: Pick<ChangeFeed, 'live' | 'on'>,
    private readonly logger: Logger,
  ) {
    feed.on((payload) => this.onChange(payload));
  }

  get usable(): boolean {
    return (
      this.loaded &&
      this.feed.live &&
      this.applying === undefined &&
      this.confirmedWrites === this.localWrites &&
      this.reload.size === 0 &&
      this.pending.ip_block.size === 0 &&
      this.pending.trusted_ip.size === 0
    );
  }

  /** The match from memory, or undefined when PostgreSQL must be asked (see `usable`). */
  match(ip: string, accountId: string | null): RangeMatch | undefined {
    return this.usable ? this.matcher.match(ip, accountId) : undefined;
  }

  /** Reads both tables (call after the change feed is listening, so nothing falls between). */
  async start(): Promise<void> {
    const failures = this.failures;
    // The feed's first connection already asked for both tables ('*'); read only what is missing.
    await this.settled();
    for (const table of ['ip_block', 'trusted_ip'] as const) if (!this.read.has(table)) this.reload.add(table);
    this.schedule();
    await this.settled();
    this.loaded = this.failures === failures && this.read.size === 2;
  }

  /** This process is about to write to a range table (MikroORM's `onQuery` sees every statement). */
  noteLocalWrite(): void {
    this.localWrites++;
  }

  /**
   * How many writes to the range tables this process has sent so far. A request that saw it grow
   * must `sync()` before answering, even when `unconfirmed` is false: another request's sync may have
   * counted its write as confirmed before it committed (a NOTIFY sent then arrives before the write's).
   */
  get writes(): number {
    return this.localWrites;
  }

  /** Whether a local write has not been confirmed yet (see `sync`). */
  get unconfirmed(): boolean {
    return this.confirmedWrites !== this.localWrites;
  }

  /**
   * Call after this process's writes committed: resolves once every change committed before it is in
   * memory. One round trip plus the reads of the changed rows.
   */
  async sync(): Promise<void> {
    const upTo = this.localWrites;
    const n = ++this.marker;
    const arrived = new Promise<void>((resolve) => this.waiting.set(n, resolve));
    try {
      await this.pool.query('select pg_notify($1, $2)', [TABLE_CHANGE_CHANNEL, `sync:${this.instance}:${n}`]);
      // Without the feed the marker never comes back; PostgreSQL answers meanwhile anyway.
      await Promise.race([arrived, new Promise((r) => setTimeout(r, 2000).unref())]);
    } finally {
      this.waiting.delete(n);
    }
    this.confirmedWrites = Math.max(this.confirmedWrites, upTo);
  }

  private onChange(payload: string): void {
    if (payload === '*') {
      this.reload.add('ip_block');
      this.reload.add('trusted_ip');
    } else if (payload.startsWith('sync:')) {
      const [, instance, n] = payload.split(':');
      if (instance !== this.instance) return;
      const done = this.waiting.get(Number(n));
      if (done) void this.settled().then(done);
      return;
    } else {
      const [table, id] = payload.split(':') as [string, string | undefined];
      if (table !== 'ip_block' && table !== 'trusted_ip') return;
      if (id === undefined) this.reload.add(table);
      else this.pending[table].add(id);
    }
    this.schedule();
  }

  /** Resolves when nothing announced so far remains to be applied. */
  private async settled(): Promise<void> {
    while (this.applying) await this.applying;
  }

  private schedule(): void {
    if (this.applying) return;
    this.applying = (async () => {
      // Let a burst of announcements (one per row of a statement) arrive before reading.
      await new Promise((r) => setImmediate(r));
      while (this.reload.size > 0 || this.pending.ip_block.size > 0 || this.pending.trusted_ip.size > 0) {
        for (const table of ['ip_block', 'trusted_ip'] as const) {
          const ids = [...this.pending[table]];
          this.pending[table].clear();
          if (this.reload.delete(table) || ids.length > RELOAD_OVER) await this.loadTable(table);
          else if (ids.length > 0) await this.loadRows(table, ids);
        }
      }
    })()
      .catch((err: unknown) => {
        // Unknown state: answer from PostgreSQL until a full read succeeds.
        this.logger.warn({ err }, 'could not read changed IP ranges; reloading');
        this.failures++;
        this.read.clear();
        this.loaded = false;
        setTimeout(() => void this.start().catch(() => undefined), 1000).unref();
      })
      .finally(() => {
        this.applying = undefined;
      });
  }

  private async loadTable(table: 'ip_block' | 'trusted_ip'): Promise<void> {
    const { rows } = await this.pool.query(LOAD_ALL[table]);
    this.matcher.clear(table === 'ip_block' ? 'block' : 'trust');
    this.apply(table, rows, []);
    this.read.add(table);
  }

  private async loadRows(table: 'ip_block' | 'trusted_ip', ids: string[]): Promise<void> {
    const { rows } = await this.pool.query(`${table === 'ip_block' ? LOAD_BLOCKS : LOAD_TRUSTS} where id = any($1::uuid[])`, [
      ids,
    ]);
    this.apply(table, rows, ids);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows of the two LOAD statements
  private apply(table: 'ip_block' | 'trusted_ip', rows: any[], ids: string[]): void {
    const seen = new Set<string>();
    const now = Date.now();
    for (const r of rows) {
      seen.add(r.id);
      const expires = r.expires_at === null ? null : new Date(r.expires_at);
      const gone = expires !== null && expires.getTime() <= now;
      if (table === 'ip_block') {
        if (r.lifted_at !== null || gone) this.matcher.remove(r.id);
        else this.matcher.setBlock(r.id, r.cidr, expires);
      } else if (gone) this.matcher.remove(r.id);
      else this.matcher.setTrust(r.id, r.cidr, r.account_id, expires);
    }
    // Announced but no longer there: deleted.
    for (const id of ids) if (!seen.has(id)) this.matcher.remove(id);
  }
}
