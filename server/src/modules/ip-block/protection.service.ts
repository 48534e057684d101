import type { EntityManager } from '@mikro-orm/postgresql';
import { registerEnumType } from 'type-graphql';
import type { Keys } from '../../common/crypto/keys.js';
import { hmacHex } from '../../common/crypto/tokens.js';
import { isUuid } from '../../common/graphql/ids.js';
import ipaddr from 'ipaddr.js';
import { formatIp, parseIp, type IpAddress } from '../../common/net/ip.js';
import type { SettingsService } from '../settings/settings.service.js';
import { BlockReason } from './ip-block.entity.js';
import type { SqlPool } from '../../db/pool.js';
import { bumpSql, liveCountSql } from '../../db/failure-counter.js';
import type { RangeIndex, RangeMatch } from './range-matcher.js';
import type { AuthCache } from '../session/auth-cache.js';
import type { RawRow } from '../session/session.service.js';
import { AuditAction, AuditEntry } from '../audit/audit.entity.js';

export enum DecisionReason {
  IP_BLOCKED = 'IP_BLOCKED',
  ACCOUNT_LOCKED = 'ACCOUNT_LOCKED',
  PASSWORD_RESET_REQUIRED = 'PASSWORD_RESET_REQUIRED',
}
registerEnumType(DecisionReason, {
  name: 'DecisionReason',
  description: 'Why a login is refused.',
  valuesConfig: {
    IP_BLOCKED: { description: 'The source IP (or its range) is blocked; see `until`.' },
    ACCOUNT_LOCKED: {
      description:
        'The account is disabled (by an administrator, or locked when an incident was treated as compromised); safe or trusted addresses do not lift it. A lock of second-step sign-in is not reported here.',
    },
    PASSWORD_RESET_REQUIRED: {
      description:
        'An administrator reset the account’s password (its sign-ins looked compromised): the old password must not be accepted anywhere until the holder sets a new one.',
    },
  },
});

export interface Decision {
  allowed: boolean;
  reason: DecisionReason | null;
  until: Date | null;
  /** True when the IP is on the global safe list or trusted for this account. */
  trusted: boolean;
}

export interface ActiveBlock {
  id: string;
  cidr: string;
  reason: BlockReason;
  expiresAt: Date | null;
  /** Which repeat block of the source this is (1 = first); absent where a block was just made. */
  strike?: number;
}

interface DecisionRow {
  trusted: boolean;
  block_expires_at: Date | null;
  block_id: string | null;
}

const TRUSTED = `exists(select 1 from trusted_ip t where t.cidr >>= $1::inet and (t.account_id is null or t.account_id = acc.id)
                                and (t.expires_at is null or t.expires_at > now()))`;
const BLOCK = `left join lateral (select id, expires_at from ip_block where cidr >>= $1::inet and lifted_at is null
                 and (expires_at is null or expires_at > now()) order by expires_at desc nulls first limit 1) b on true`;
/** The decision's ranges for an address and an account id (the matcher must agree with it exactly). */
export const DECIDE_SQL = `select ${TRUSTED} as trusted, b.id as block_id, b.expires_at as block_expires_at
  from (select $2::uuid as id) acc ${BLOCK}`;
const DECIDE_BY_NAME_SQL = `select ${TRUSTED} as trusted, b.id as block_id, b.expires_at as block_expires_at, acc.disabled_at,
    acc.password_reset_required
  from (select 1) one
  left join lateral (select id, disabled_at, password_reset_required from account where email = $2 or id = $3::uuid limit 1) acc on true
  ${BLOCK}`;

interface AccountByName {
  id: string;
  disabled_at: Date | null;
  password_reset_required: boolean;
}

function fromMatch(m: RangeMatch): DecisionRow {
  return { trusted: m.trusted, block_id: m.block?.id ?? null, block_expires_at: m.block?.expiresAt ?? null };
}

/** What about the account itself refuses its logins: a lock, or a password reset still pending. */
interface AccountState {
  disabledAt: Date | null;
  resetPending: boolean;
}

function toDecision(row: DecisionRow, account: AccountState | null): Decision {
  const trusted = row.trusted;
  // Trust lifts IP blocks and failure counting, never the account's own state: a locked account, or
  // one whose password an admin reset, stays refused from a safe or trusted address too.
  if (!trusted && row.block_id)
    return { allowed: false, reason: DecisionReason.IP_BLOCKED, until: row.block_expires_at, trusted };
  if (account?.disabledAt) return { allowed: false, reason: DecisionReason.ACCOUNT_LOCKED, until: null, trusted };
  if (account?.resetPending) return { allowed: false, reason: DecisionReason.PASSWORD_RESET_REQUIRED, until: null, trusted };
  return { allowed: true, reason: null, until: null, trusted };
}

const stateOf = (a: { disabledAt: Date | null; passwordResetRequired?: boolean } | null): AccountState | null =>
  a ? { disabledAt: a.disabledAt, resetPending: a.passwordResetRequired === true } : null;

/** The /`bits` network holding an IPv6 address, as canonical CIDR text (`2001:db8:1::/48`). */
function v6Network(ip: IpAddress, bits: 48 | 64): string {
  return `${formatIp(ipaddr.IPv6.networkAddressFromCIDR(`${ip.toString()}/${bits}`))}/${bits}`;
}

/** A source as it is counted and blocked: the address for IPv4, its /64 for IPv6. */
export function sourcePrefixOf(ipText: string): string {
  const ip = parseIp(ipText);
  if (ip === undefined) return `${ipText}/32`;
  return ip.kind() === 'ipv4' ? `${formatIp(ip)}/32` : v6Network(ip, 64);
}

/**
 * An IPv6 /48 is blocked whole once its /64s together fail this many times the per-source threshold
 * within the window (a site is many sources; a routed /48 is free to anyone with a tunnel).
 */
export const SITE_THRESHOLD_FACTOR = 5;

/** How long a source's past blocks count towards escalation. */
const STRIKE_MEMORY_SECONDS = 7 * 24 * 3600;

/**
 * Brute-force protection (cPHulk / Keycloak style). Failures are counted per source and per
 * account+source in PostgreSQL with atomic upserts, so every instance shares them; IPv6 sources count
 * per /64. Crossing a threshold blocks the source for a period that grows with each repeat, up to a
 * maximum. Trusted and globally safe addresses are never counted nor blocked.
 */
/**
 * A source's counts cleared (a block or unblock): its `ip:` row first, then every account's from it, the
 * order counting bumps them in. In one statement PostgreSQL would lock them in the table's order, and
 * a counting transaction holding the `ip:` row while it bumps an account's could close a cycle with it.
 */
async function clearSourceCounts(em: EntityManager, prefix: string): Promise<void> {
  await em.execute(`delete from failure_counter where key = ?`, [`ip:${prefix}`]);
  await em.execute(`delete from failure_counter where key like ?`, [`acct:${prefix}|%`]);
}

/** A failed login to count (see `ProtectionService.recordFailure`). */
export interface FailureInput {
  ip: string;
  accountName: string;
  /**
   * Identifies the secret tried (the password itself on the panel, an integrator's fingerprint): the
   * same wrong one again within the window counts once, so a client retrying a stale saved password
   * does not get its network blocked.
   */
  secretFingerprint?: string | null;
  /**
   * Such repeats still count toward the source's threshold: the panel's, where each one costs a hash.
   */
  repeatsCountForSource?: boolean;
  /**
   * Also count the failure toward the account name's total from every source (the dashboard's password
   * guard, see `Config.passwordGuard`), in a window of this many seconds; `counted` gets the new total.
   * A repeat of a recent wrong secret is not counted there either.
   */
  nameGuard?: { windowSeconds: number; counted: (total: number) => void };
  /**
   * Count toward the source (its address or /64, and its /48) only: an attempt refused unchecked that
   * still costs this server work (a paused name's), so a source sending them in a loop gets blocked.
   */
  sourceOnly?: boolean;
  /** A staff account let through a block at an address on its list: also taken from its budget there (every try, repeats too). */
  staffPassedBlock?: boolean;
}

/** A failure count that reached a threshold: the source to block. */
export interface ThresholdCrossed {
  prefix: string;
  failures: number;
  settings: { blockSeconds: number; maxBlockSeconds: number; escalationFactor: number };
  ip: string;
}

/** An account name as the counters key it: trimmed, lower case, at most 254 characters. */
const accountNameOf = (name: string): string => name.trim().toLowerCase().slice(0, 254);

/** One step of the windowed counter `key` (see `bumpSql`): its count after it. */
function bumpCounter(em: EntityManager, key: string, windowSeconds: number): Promise<{ count: number }[]> {
  return em.execute<{ count: number }[]>(`${bumpSql('values (?, 1, now())', '?')} returning count`, [
    key,
    windowSeconds,
    windowSeconds,
  ]);
}

export class ProtectionService {
  constructor(
    private readonly keys: Keys,
    private readonly settings: SettingsService,
    private readonly pool: SqlPool,
    /** Blocked and trusted ranges in memory; asked first, PostgreSQL when it cannot answer. */
    readonly ranges: RangeIndex,
    private readonly accounts: AuthCache<RawRow>,
  ) {}

  /** The unit that is counted and blocked: the address for IPv4, its /64 for IPv6. */
  sourcePrefix(ipText: string): string {
    return sourcePrefixOf(ipText);
  }

  /**
   * The IPv6 site a source belongs to (its /48), counted beside the /64: anyone can get a routed /48
   * (a free tunnel), and 65 536 sources of `IP_THRESHOLD` guesses each would be no limit at all. None
   * for IPv4.
   */
  sitePrefix(ipText: string): string | null {
    const ip = parseIp(ipText);
    return ip === undefined || ip.kind() === 'ipv4' ? null : v6Network(ip, 48);
  }

  /**
   * Lifts every block in force that covers `cidr` (an address or a blocked range) and lets the source's
   * counting start afresh. `liftedBy`: the admin, or null from the server's shell. The lifted blocks.
   */
  async liftBlocks(
    em: EntityManager,
    cidr: string,
    liftedBy: string | null,
  ): Promise<{ id: string; cidr: string; reason: BlockReason }[]> {
    const lifted = await em.execute<{ id: string; cidr: string; reason: BlockReason }[]>(
      `update ip_block set lifted_at = now(), lifted_by_id = ?
        where (cidr >>= ?::cidr) and lifted_at is null and (expires_at is null or expires_at > now())
        returning id, cidr::text as cidr, reason`,
      [liftedBy, cidr],
    );
    const [address, bits] = cidr.split('/');
    await clearSourceCounts(em, this.sourcePrefix(address!));
    // Lifting a block over a whole IPv6 site lets the site's own count start afresh too.
    const site = this.sitePrefix(address!);
    if (site !== null && Number(bits ?? 128) <= 48) await clearSourceCounts(em, site);
    return lifted;
  }

  /** The block in force over `ip`: an address, or a whole range (`2001:db8:1:2::/64`). */
  async activeBlock(em: EntityManager, ip: string): Promise<ActiveBlock | null> {
    const rows = await em.execute<{ id: string; cidr: string; reason: BlockReason; expires_at: Date | null; strike: number }[]>(
      `select id, cidr::text as cidr, reason, expires_at, strike from ip_block
        where cidr >>= ?::inet and lifted_at is null and (expires_at is null or expires_at > now())
        order by (reason = 'MANUAL') desc, expires_at desc nulls first limit 1`,
      [ip],
    );
    const r = rows[0];
    return r
      ? { id: r.id, cidr: r.cidr, reason: r.reason, expiresAt: r.expires_at ? new Date(r.expires_at) : null, strike: r.strike }
      : null;
  }

  /** The decision alone: trusted → allowed; blocked → refused until; disabled account → locked. */
  async decide(
    _em: EntityManager,
    ip: string,
    account: { id: string; disabledAt: Date | null; passwordResetRequired?: boolean } | null,
  ): Promise<Decision> {
    const m = this.ranges.match(ip, account?.id ?? null);
    if (m) return toDecision(fromMatch(m), stateOf(account));
    const { rows } = await this.pool.query({ name: 'decide', text: DECIDE_SQL, values: [ip, account?.id ?? null] });
    return toDecision(rows[0] as DecisionRow, stateOf(account));
  }

  /**
   * Whether `ip` is on the global safe list or trusted for the account, read from PostgreSQL with the
   * decision's own statement: a trust committed a moment ago counts, which the in-memory ranges may not
   * have heard of yet.
   */
  async trustedInDatabase(ip: string, accountId: string): Promise<boolean> {
    const { rows } = await this.pool.query({ name: 'decide', text: DECIDE_SQL, values: [ip, accountId] });
    return (rows[0] as DecisionRow).trusted;
  }

  /**
   * The integrator's decision by account name (e-mail or id) in one round trip: account, trusted
   * ranges and active block in a single statement. Unknown names are decided like known ones.
   */
  async decideByName(ip: string, name: string): Promise<Decision> {
    const n = name.trim().toLowerCase();
    const id = isUuid(n) ? n : null;
    if (this.ranges.usable) {
      const account = await this.accountByName(n, id);
      const m = this.ranges.match(ip, account?.id ?? null);
      if (m)
        return toDecision(
          fromMatch(m),
          account && { disabledAt: account.disabled_at, resetPending: account.password_reset_required },
        );
    }
    const { rows } = await this.pool.query({ name: 'decide_by_name', text: DECIDE_BY_NAME_SQL, values: [ip, n, id] });
    const row = rows[0] as DecisionRow & { disabled_at: Date | null; password_reset_required: boolean | null };
    return toDecision(row, { disabledAt: row.disabled_at, resetPending: row.password_reset_required === true });
  }

  /** An account by e-mail or id, remembered in the auth cache (cleared by any account write). */
  private async accountByName(name: string, id: string | null): Promise<AccountByName | null> {
    const key = `n:${name}`;
    const cached = this.accounts.get(key);
    if (cached !== undefined) return cached as AccountByName;
    const generation = this.accounts.generation;
    const { rows } = await this.pool.query({
      name: 'account_by_name',
      text: 'select id, disabled_at, password_reset_required from account where email = $1 or id = $2::uuid limit 1',
      values: [name, id],
    });
    const r = (rows[0] as AccountByName | undefined) ?? null;
    // Unknown names are not remembered: an account created elsewhere must be found at once.
    if (r !== null) this.accounts.set(key, r, generation);
    return r;
  }

  /**
   * Counts one failure (unless it repeats a recent wrong secret for the same account) and blocks the
   * source when a threshold is crossed. Returns the new block, if one was set.
   */
  async recordFailure(em: EntityManager, input: FailureInput): Promise<ActiveBlock | null> {
    const source = this.sourcePrefix(input.ip);
    const work = (async () => {
      const crossed = await this.countFailure(em, input);
      return crossed ? this.blockCrossed(em, crossed) : null;
    })();
    let pending = this.failuresInFlight.get(source);
    if (!pending) this.failuresInFlight.set(source, (pending = new Set()));
    pending.add(work);
    try {
      return await work;
    } finally {
      pending.delete(work);
      if (pending.size === 0 && this.failuresInFlight.get(source) === pending) this.failuresInFlight.delete(source);
    }
  }

  /**
   * Failures of this source being counted by this instance now (their writes, and the block a threshold
   * crossing makes): `failuresSettled` waits for them.
   */
  private readonly failuresInFlight = new Map<string, Set<Promise<unknown>>>();

  /**
   * Waits until the failures of `ip`'s source that this instance is counting now are counted (and any
   * block they make is set). A sign-in asks after its hash, before its second look at the block: the
   * guesses of a burst answered before it are then counted, so a burst is worth the threshold plus the
   * hashes in flight even when the counting's writes are slow (a loaded machine), not every hash that
   * finished while they waited. Waits for nothing of its own caller, which holds no lock here.
   */
  async failuresSettled(ip: string): Promise<void> {
    const pending = this.failuresInFlight.get(this.sourcePrefix(ip));
    if (pending && pending.size > 0) await Promise.allSettled([...pending]);
  }

  /**
   * `recordFailure`'s counting alone: the threshold crossing it makes, if any, for `blockCrossed`. A
   * caller that counts inside its own transaction blocks only after committing it: the block takes its
   * source's lock and clears its counts, and a transaction holding those count rows while it waited for
   * that lock could deadlock with another block of the same source.
   */
  async countFailure(em: EntityManager, input: FailureInput): Promise<ThresholdCrossed | null> {
    const s = await this.settings.bruteForce(em);
    const name = accountNameOf(input.accountName);
    const prefix = this.sourcePrefix(input.ip);
    const bump = (key: string, windowSeconds = s.windowSeconds) => bumpCounter(em, key, windowSeconds);
    // A staff account let through a block at an address on its list: every try from its budget there.
    if (input.staffPassedBlock) await bump(this.staffPassKey(name), s.maxBlockSeconds);
    // An IPv6 source's /48 is counted too, and blocked whole at SITE_THRESHOLD_FACTOR times the
    // per-source threshold.
    const site = this.sitePrefix(input.ip);
    const bumpSite = async (): Promise<ThresholdCrossed | null> => {
      if (site === null) return null;
      const [siteCount] = await bump(`ip:${site}`);
      const n = siteCount?.count ?? 0;
      return n < s.ipThreshold * SITE_THRESHOLD_FACTOR ? null : { prefix: site, failures: n, settings: s, ip: input.ip };
    };
    /** Toward the source (and its /48) only. */
    const bumpSource = async (): Promise<ThresholdCrossed | null> => {
      const [ipCount] = await bump(`ip:${prefix}`);
      const siteCrossed = await bumpSite();
      if (siteCrossed) return siteCrossed;
      const n = ipCount?.count ?? 0;
      return n < s.ipThreshold ? null : { prefix, failures: n, settings: s, ip: input.ip };
    };
    if (input.sourceOnly) return bumpSource();
    if (input.secretFingerprint) {
      // Per channel: a fingerprint an integrator reports must not make the panel's guesses of that
      // password count as repeats (which neither the account's nor the name's count would take).
      const channel = input.repeatsCountForSource ? 'panel' : 'report';
      const hmac = hmacHex(this.keys.sessionSecret, `${channel}\u0000${name}\u0000${input.secretFingerprint}`);
      const prev = await em.execute<{ previous: Date | null }[]>(
        `with prev as (select last_at from recent_wrong_password where account_name = ? and secret_hmac = ?)
         insert into recent_wrong_password (account_name, secret_hmac, last_at) values (?, ?, now())
         on conflict (account_name, secret_hmac) do update set last_at = now()
         returning (select last_at from prev) as previous`,
        [name, hmac, name, hmac],
      );
      const previous = prev[0]?.previous;
      if (previous && new Date(previous).getTime() > Date.now() - s.windowSeconds * 1000) {
        if (!input.repeatsCountForSource) return null;
        // A repeat still costs this server a hash: it counts toward the source's threshold (a flood of
        // one wrong password would otherwise never be blocked), not toward the account's.
        return bumpSource();
      }
    }
    // Bumped in one order everywhere (the /64, its /48, the account from it), as blocks clear them.
    const [ipCount] = await bump(`ip:${prefix}`);
    const siteCrossed = await bumpSite();
    const [acctCount] = await bump(this.accountFailureKey(input.ip, name));
    if (input.nameGuard) {
      const [total] = await bump(this.nameFailureKey(name), input.nameGuard.windowSeconds);
      input.nameGuard.counted(total?.count ?? 0);
    }
    if (siteCrossed) return siteCrossed;
    const failures = Math.max(ipCount?.count ?? 0, acctCount?.count ?? 0);
    if ((ipCount?.count ?? 0) < s.ipThreshold && (acctCount?.count ?? 0) < s.accountIpThreshold) return null;
    return { prefix, failures, settings: s, ip: input.ip };
  }

  /** Blocks the source whose counting crossed a threshold (see `countFailure`). */
  blockCrossed(em: EntityManager, c: ThresholdCrossed): Promise<ActiveBlock | null> {
    return this.blockSource(em, c.prefix, c.failures, c.settings, c.ip);
  }

  /** The failure count of one account name from every source together (the password guard's). */
  nameFailureKey(accountName: string): string {
    return `name:${accountNameOf(accountName)}`;
  }

  /**
   * Whether a staff account may still sign in from `ip`, on its own IP access list, through the
   * automatic blocks that cover it: none made by hand covers it, and the account's own wrong passwords
   * at blocked addresses (`FailureInput.staffPassedBlock`: one budget per account, whatever the address or the
   * width of its list's ranges, kept for `maxBlockSeconds` and cleared neither by a success nor by a new
   * block) stay below the per-account+source threshold. Failures others make at a shared address (an
   * office's NAT, a mail client with a stale password reported by an integrator) then do not lock staff
   * out of where they work, and guessing a staff password there gets no more than that budget a day.
   */
  async staffMayPassBlock(em: EntityManager, ip: string, accountName: string): Promise<boolean> {
    const s = await this.settings.bruteForce(em);
    const { rows } = await this.pool.query<{ by_hand: boolean; failures: number }>({
      name: 'staff_pass_block',
      text: `select exists(select 1 from ip_block where cidr >>= $1::inet and reason = 'MANUAL' and lifted_at is null
                             and (expires_at is null or expires_at > now())) as by_hand,
                    coalesce((${liveCountSql('$2', '$3')}), 0) as failures`,
      values: [ip, this.staffPassKey(accountName), s.maxBlockSeconds],
    });
    const r = rows[0];
    return r !== undefined && !r.by_hand && r.failures < s.accountIpThreshold;
  }

  /** A staff account's budget of wrong passwords at blocked addresses on its list (`staffMayPassBlock`). */
  private staffPassKey(accountName: string): string {
    return `listed:${accountNameOf(accountName)}`;
  }

  /** The password guard's count for a name within its window (for a name that has no account row to read it with). */
  async nameFailures(accountName: string, windowSeconds: number): Promise<number> {
    const { rows } = await this.pool.query<{ count: number }>({
      name: 'name_failures',
      text: liveCountSql('$1', '$2'),
      values: [this.nameFailureKey(accountName), windowSeconds],
    });
    return rows[0]?.count ?? 0;
  }

  /**
   * Ends the password guard's run for a name, in the caller's transaction (with its audit entry):
   * the count of wrong passwords it had within the window.
   */
  async resumeSignIns(em: EntityManager, accountName: string, windowSeconds: number): Promise<number> {
    const [row] = await em.execute<{ count: number }[]>(
      `delete from failure_counter where key = ?
        returning case when window_start >= now() - make_interval(secs => ?) then count else 0 end as count`,
      [this.nameFailureKey(accountName), windowSeconds],
    );
    return row?.count ?? 0;
  }

  /** A right password ends the name's run of failures (the guard's count starts again). */
  async clearNameFailures(accountName: string): Promise<void> {
    await this.pool.query({
      name: 'name_failures_clear',
      text: 'delete from failure_counter where key = $1',
      values: [this.nameFailureKey(accountName)],
    });
  }

  /** The failure count of one account name from one source (the key `recordFailure` bumps). */
  accountFailureKey(ip: string, accountName: string): string {
    return `acct:${this.sourcePrefix(ip)}|${accountNameOf(accountName)}`;
  }

  /**
   * A successful login clears that account's count from that source. `counted: false` says the
   * caller read (in its own statement, keyed by `accountFailureKey`) that there is no count to clear:
   * no round trip then. A failure counted between that read and this success stays counted, which
   * errs on the side of protection.
   */
  async recordSuccess(_em: EntityManager, ip: string, accountName: string, counted = true): Promise<void> {
    if (!counted) return;
    await this.pool.query({
      name: 'failure_counter_clear',
      text: 'delete from failure_counter where key = $1',
      values: [this.accountFailureKey(ip, accountName)],
    });
  }

  private async blockSource(
    em: EntityManager,
    prefix: string,
    failures: number,
    s: { blockSeconds: number; maxBlockSeconds: number; escalationFactor: number },
    lastIp: string,
  ): Promise<ActiveBlock | null> {
    return em.transactional(async (tx) => {
      // One block per source even when instances cross the threshold at the same moment.
      await tx.execute(`select pg_advisory_xact_lock(hashtext(?))`, [`ip_block:${prefix}`]);
      // A block in force over the whole source (a manual block of a narrower range inside an IPv6 /64,
      // even one holding the /64's first address, leaves the rest of it to be blocked now).
      const existing = await this.activeBlock(tx, prefix);
      if (existing) return existing;
      const [strike] = await tx.execute<{ strikes: number }[]>(
        `insert into ip_strike (prefix, strikes, last_at) values (?::cidr, 1, now())
         on conflict (prefix) do update set
           strikes = case when ip_strike.last_at < now() - make_interval(secs => ?) then 1 else ip_strike.strikes + 1 end,
           last_at = now()
         returning strikes`,
        [prefix, STRIKE_MEMORY_SECONDS],
      );
      const n = strike?.strikes ?? 1;
      const seconds = Math.min(s.blockSeconds * s.escalationFactor ** (n - 1), s.maxBlockSeconds);
      const [row] = await tx.execute<{ id: string; expires_at: Date }[]>(
        `insert into ip_block (id, cidr, reason, note, failures, strike, created_at, expires_at)
         values (gen_random_uuid(), ?::cidr, ?, ?, ?, ?, now(), now() + make_interval(secs => ?)) returning id, expires_at`,
        [prefix, BlockReason.BRUTE_FORCE, `${failures} failed logins`, failures, n, seconds],
      );
      // The strike is remembered from the block's end, not its start: a block longer than the memory
      // (a week) must not make the next offence a first one again.
      await tx.execute(`update ip_strike set last_at = (select expires_at from ip_block where id = ?) where prefix = ?::cidr`, [
        row!.id,
        prefix,
      ]);
      // Counting starts afresh after a block; the strike remembers the offence.
      await clearSourceCounts(tx, prefix);
      // In the audit log beside the blocks made by hand, committed with the block: no actor.
      await tx.insert(AuditEntry, {
        occurredAt: new Date(),
        actor: null,
        actorEmail: null,
        action: AuditAction.IP_AUTO_BLOCKED,
        targetType: 'IpBlock',
        targetId: row!.id,
        targetLabel: prefix,
        details: { failures, strike: n, seconds },
        ip: lastIp,
      });
      return { id: row!.id, cidr: prefix, reason: BlockReason.BRUTE_FORCE, expiresAt: new Date(row!.expires_at) };
    });
  }
}
