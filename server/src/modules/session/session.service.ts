import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { Config } from '../../config.js';
import type { Principal, Viewer } from '../../context.js';
import { wrap, type EntityClass } from '@mikro-orm/core';
import type { ApiToken } from './api-token.entity.js';
import { hashToken, randomToken } from '../../common/crypto/tokens.js';
import type { Account } from '../account/account.entity.js';
import { Session, SessionStage } from './session.entity.js';
import { Account as AccountEntity } from '../account/account.entity.js';
import { inPoolTransaction, type SqlPool } from '../../db/pool.js';
import type pg from 'pg';
import { sealedKey, sessionKey, type AuthCache } from './auth-cache.js';
import { loginEventCte, type PreparedLoginEvent, type RecordedLoginEvent } from '../login-event/login-event.service.js';
import type { TotpDecision, TotpRead } from '../two-factor/two-factor.service.js';
import { TOTP_ATTEMPT_ARITY } from '../two-factor/turn.js';
import { PendingSignIns, type SealedPending } from './pending-sign-in.js';

/**
 * How long past its absolute expiry a session is still revoked by a revocation of all of an account's
 * sessions: this instance's clock and the ones that judge expiry may differ.
 */
export const REVOKE_EXPIRED_MARGIN_MS = 5 * 60_000;

/** How often a busy session's `lastSeenAt` is written, at most (avoids a write per request). */
const TOUCH_INTERVAL_MS = 60_000;

/** What `SessionService.startFull` did. */
export interface FullStart {
  /** The session started; null when refused; 'RECOVERY_CODE_USED' when only the recovery code was missing. */
  outcome: NewSession | 'RECOVERY_CODE_USED' | null;
  /** The login recorded with it (only when asked to, and only when the session was created). */
  event: RecordedLoginEvent | null;
  /** The app code's decision (`totp_attempt`'s columns), when one was decided in the statement. */
  totp: TotpDecision | null;
}

/** One answer of the session-start statement. */
interface StartFullRow extends Record<string, unknown> {
  created: boolean;
  code_ok?: boolean;
  event_id?: string | null;
  event_recent?: RecordedLoginEvent['recent'];
  event_open_id?: string | null;
}

export interface NewSession {
  session: Session;
  /** The only copy of the raw token: goes into the cookie, never into the database. */
  token: string;
}

/** The account's columns in rows that `mapAccount` turns into a managed entity. */
export const ACCOUNT_COLUMNS = `a.id, a.email, a.name, a.role, a.permissions, a.api_only, a.ip_restricted, a.requires_two_factor,
  a.password_reset_required, a.password_version, a.session_epoch, a.disabled_at, a.last_login_at, a.created_at, a.updated_at`;

/** Their names, as a row read with them holds them. */
const ACCOUNT_COLUMN_NAMES = ACCOUNT_COLUMNS.split(',').map((c) => c.trim().slice('a.'.length));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw rows handed to em.map, which converts the columns
export type RawRow = Record<string, any>;

/**
 * A row as an entity managed by `em`. When `em` already holds that entity (a resolver loaded it
 * first) that one is returned as it is: a remembered row never overwrites what the operation read.
 */
export function mapOnce<T extends object>(em: EntityManager, entity: EntityClass<T>, id: string, data: RawRow): T {
  const existing = em.getUnitOfWork().getById<T>(entity.name, id as never);
  // A bare reference (another mapped row pointing at it) is filled in, not returned empty.
  return existing !== undefined && wrap(existing).isInitialized() ? existing : em.map(entity, data as never);
}

/** A viewer whose entities are built on first access (and then always the same objects). */
export function lazyViewer(
  principal: Principal,
  account: () => Account,
  session: () => Session | null,
  apiToken: () => ApiToken | null,
): Viewer {
  let a: Account | undefined;
  let s: Session | null | undefined;
  let t: ApiToken | null | undefined;
  return {
    principal,
    get account() {
      return (a ??= account());
    },
    get session() {
      return s === undefined ? (s = session()) : s;
    },
    get apiToken() {
      return t === undefined ? (t = apiToken()) : t;
    },
  };
}

/** What authorization reads from a row selected with `ACCOUNT_COLUMNS`. */
export function principalOf(r: RawRow, stage: SessionStage | null, apiTokenId: string | null): Principal {
  return {
    accountId: r['id'],
    role: r['role'],
    permissions: r['permissions'],
    ipRestricted: r['ip_restricted'],
    stage,
    apiTokenId,
  };
}

/** A row selected with `ACCOUNT_COLUMNS` as an entity managed by this request's EntityManager. */
export function mapAccount(em: EntityManager, r: RawRow): Account {
  return mapOnce(em, AccountEntity, r['id'], {
    id: r['id'],
    email: r['email'],
    name: r['name'],
    role: r['role'],
    permissions: r['permissions'],
    api_only: r['api_only'],
    ip_restricted: r['ip_restricted'],
    requires_two_factor: r['requires_two_factor'],
    password_reset_required: r['password_reset_required'],
    password_version: r['password_version'],
    session_epoch: r['session_epoch'],
    disabled_at: r['disabled_at'],
    last_login_at: r['last_login_at'],
    created_at: r['created_at'],
    updated_at: r['updated_at'],
  });
}

const RESOLVE_SQL = `
  select s.id as s_id, s.stage as s_stage, s.created_at as s_created_at, s.last_seen_at as s_last_seen_at,
         s.expires_at as s_expires_at, s.ip as s_ip, s.user_agent as s_user_agent, s.revoked_at as s_revoked_at,
         s.revoked_reason as s_revoked_reason, s.token_hash as s_token_hash, s.reauth_at as s_reauth_at,
         ${ACCOUNT_COLUMNS}
    from session s join account a on a.id = s.account_id
   where s.token_hash = $1`;

/** A new session and its account's row (`ACCOUNT_COLUMNS`) as `RESOLVE_SQL` would read them back. */
function resolvedRow(s: Session, account: RawRow): RawRow {
  const row: RawRow = {
    s_id: s.id,
    s_stage: s.stage,
    s_created_at: s.createdAt,
    s_last_seen_at: s.lastSeenAt,
    s_expires_at: s.expiresAt,
    s_ip: s.ip,
    s_user_agent: s.userAgent,
    s_revoked_at: null,
    s_revoked_reason: null,
    s_token_hash: s.tokenHash,
    s_reauth_at: null,
  };
  for (const c of ACCOUNT_COLUMN_NAMES) row[c] = account[c];
  return row;
}

/**
 * A sealed pending sign-in's row as `resolve` remembers it: `resolvedRow`'s columns (the session's
 * from the token) and what the token says besides (`p_*`), with, when the sign-in read it, the app's
 * secret and the budgets as they stood (`p_totp`, see `TotpRead`).
 */
function sealedRow(p: SealedPending, tokenHash: string, ip: string, account: RawRow, totp: TotpRead | null): RawRow {
  const row: RawRow = {
    s_id: p.id,
    s_stage: SessionStage.PENDING_SECOND_FACTOR,
    s_created_at: p.createdAt,
    s_last_seen_at: p.createdAt,
    s_expires_at: p.expiresAt,
    s_ip: ip,
    s_user_agent: null,
    s_revoked_at: null,
    s_revoked_reason: null,
    s_token_hash: tokenHash,
    s_reauth_at: null,
    p_sealed: true,
    p_password_version: p.passwordVersion,
    p_session_epoch: p.sessionEpoch,
    p_totp: totp,
  };
  for (const c of ACCOUNT_COLUMN_NAMES) row[c] = account[c];
  return row;
}

/** The account behind a sealed pending sign-in ($1), and whether a full session was started from it ($2). */
const SEALED_RESOLVE_SQL = `
  select ${ACCOUNT_COLUMNS}, exists (select 1 from session where pending_id = $2) as p_spent
    from account a where a.id = $1`;

/** What a sealed pending sign-in's `Session` (never stored) carries besides its columns. */
export interface SealedInfo {
  accountId: string;
  passwordVersion: number;
  sessionEpoch: number;
  /** The app's secret and budgets read at the sign-in, for its first app code (then read afresh). */
  totp: TotpRead | null;
  cacheKey: string;
}

const sealedSessions = new WeakMap<Session, SealedInfo>();

/** What a session built from a sealed pending sign-in carries (undefined: a stored session). */
export function sealedOf(session: Pick<Session, 'id'>): SealedInfo | undefined {
  return sealedSessions.get(session as Session);
}

/** The columns a new session row is written with, in the order of `insertValues` ($1–$9). */
const INSERT_COLUMNS = 'id, account_id, token_hash, stage, created_at, last_seen_at, expires_at, ip, user_agent';

function insertValues(s: Session): unknown[] {
  return [s.id, s.account.id, s.tokenHash, s.stage, s.createdAt, s.lastSeenAt, s.expiresAt, s.ip, s.userAgent];
}

/**
 * The statement that starts a full session. The account row is written first, as every other writer
 * of both tables does (disable, password reset: account, then its sessions), so the upgrade cannot
 * deadlock with them. It is touched exactly once: locking it and then updating it in two steps made
 * concurrent sign-ins of one account deadlock (the update went back to the version this statement's
 * snapshot saw, whose tuple lock a waiting sign-in held while it waited for this one). A second step
 * that loses the race for its pending session still sets `last_login_at` (to the same moment, give or
 * take) but creates nothing.
 *
 * `recovery`: a recovery code ($11) is used up between the account and the session (the order
 * a 2FA reset takes them in too: recovery codes, then sessions), and `code_ok` is false when only the
 * code was missing (used, or reset away, meanwhile). Run in a transaction rolled back unless the session
 * was created.
 *
 * `totp` (`totp_attempt`'s arguments, next): the app code that finishes this sign-in is decided
 * first, in this statement, and the account is touched only when it was accepted; the decision's
 * columns come first in the answer. Its advisory locks are then held until this statement commits.
 *
 * `event` (the login's values, last): the login is recorded in this statement once the session is
 * created, and not at all otherwise (`loginEventCte`); `event_id`, `event_recent` and `event_open_id` answer it.
 *
 * One statement and one commit instead of three: a sign-in waits for each round trip, and each commit
 * flushes the write-ahead log.
 */
function startFullSql({
  recovery,
  totp,
  event,
  sealed,
}: {
  recovery: boolean;
  totp: boolean;
  event: PreparedLoginEvent | null;
  sealed: boolean;
}): string {
  const gate = recovery ? 'claimed' : 'acct';
  // The password version the sign-in read with the hash it checked (null: a stored pending session's
  // upgrade, which a password change revokes). Compared on the account row this statement updates, so
  // a change committed while this statement waited for that row is seen too.
  const version = recovery ? '$12' : '$11';
  // The session epoch the sign-in read (after the version; null: a stored pending session's upgrade),
  // compared on that row too: the account's sessions ended meanwhile (a policy that now requires an
  // enrollment of it, say) end this one before it starts. A sealed pending sign-in's expiry follows,
  // compared with this statement's time.
  const epoch = `$${recovery ? 13 : 12}`;
  const expiry = sealed ? `$${recovery ? 14 : 13}` : null;
  const totpFirst = (recovery ? 13 : 12) + (sealed ? 2 : 1);
  const eventFirst = totp ? totpFirst + TOTP_ATTEMPT_ARITY : totpFirst;
  const totpArgs = Array.from({ length: TOTP_ATTEMPT_ARITY }, (_, i) => `$${totpFirst + i}`).join(', ');
  // $10: the stored pending session to upgrade, or the sealed pending sign-in the session starts from.
  const pendingLive = sealed
    ? `\n       and session_epoch = ${epoch}::int and $5 < ${expiry}::timestamptz`
    : `\n       and (${epoch}::int is null or session_epoch = ${epoch}::int)
       and ($10::uuid is null or exists (select 1 from session where id = $10 and revoked_at is null and expires_at > $5))`;
  return `with ${totp ? `t as (select * from totp_attempt(${totpArgs})),\n  ` : ''}acct as (
    update account set last_login_at = $5
     where id = $2 and disabled_at is null and not password_reset_required
       and (${version}::int is null or password_version = ${version}::int)${pendingLive}${
         totp ? `\n       and exists (select 1 from t where t.outcome = 'ACCEPTED')` : ''
       }
    returning id),${
      recovery
        ? `
  claimed as (
    update recovery_code set used_at = $5
     where id = $11 and account_id = $2 and used_at is null and exists (select 1 from acct)
    returning id),`
        : ''
    }${
      sealed
        ? `
  ins as (
    insert into session (${INSERT_COLUMNS}, pending_id)
    select $1, $2, $3, $4, $5, $6, $7, $8, $9, $10
     where exists (select 1 from ${gate})
    on conflict (pending_id) do nothing
    returning account_id)`
        : `
  upgraded as (
    update session set revoked_at = $5, revoked_reason = 'UPGRADED'
     where $10::uuid is not null and id = $10 and revoked_at is null and expires_at > $5 and exists (select 1 from ${gate})
    returning id),
  ins as (
    insert into session (${INSERT_COLUMNS})
    select $1, $2, $3, $4, $5, $6, $7, $8, $9
     where exists (select 1 from ${gate}) and ($10::uuid is null or exists (select 1 from upgraded))
    returning account_id)`
    }${event ? `,\n  ev as (${loginEventCte(event, eventFirst, 'ins')})` : ''}
  select ${totp ? 't.*, ' : ''}exists (select 1 from ins) as created${
    recovery
      ? `,
         (not exists (select 1 from acct)) or exists (select 1 from claimed) as code_ok`
      : ''
  }${
    event
      ? ', (select id from ev) as event_id, (select recent from ev) as event_recent, (select open_id from ev) as event_open_id'
      : ''
  }${totp ? ' from t' : ''}`;
}

/** The statement for these options, under a name of its own (prepared once per connection); built once. */
const startFullStatements = new Map<string, string>();
function startFullStatement(o: { recovery: boolean; totp: boolean; event: PreparedLoginEvent | null; sealed: boolean }): {
  name: string;
  text: string;
} {
  const name = `session_start_full${o.sealed ? '_sealed' : ''}${o.recovery ? '_recovery' : ''}${o.totp ? '_totp' : ''}${o.event ? (o.event.located ? '_located' : '_event') : ''}`;
  let text = startFullStatements.get(name);
  if (text === undefined) startFullStatements.set(name, (text = startFullSql(o)));
  return { name, text };
}

export class SessionService {
  constructor(
    private readonly config: Config,
    readonly pool: SqlPool,
    /** Rows behind presented tokens (sessions and API tokens alike, keyed by token hash). */
    readonly cache: AuthCache<RawRow>,
    /** Seals and opens the tokens of pending second steps. */
    readonly pendingSignIns: PendingSignIns,
  ) {}

  /**
   * A pending second step, as a sealed token (`PendingSignIns`): nothing is written. It is good while
   * the password version and session epoch the sign-in read (`seen.row`, before its hash) are the
   * account's, which `startFull` checks on the account row it updates, so that a password change or
   * a revocation of every session since (even one committed while the hash ran) leaves it unable to
   * start a session. The row is remembered under the token, as `resolve` would build it, so the second
   * step, which comes next, reads nothing back (unless an auth change since says otherwise); `totp`:
   * the app's secret and budgets read with the account, for the first app code.
   */
  issuePending(
    meta: { ip: string; ttlSeconds: number },
    seen: { row: RawRow; generation: number },
    totp: TotpRead | null,
  ): NewSession {
    const now = new Date();
    const sealed: SealedPending = {
      id: randomUUID(),
      accountId: seen.row['id'] as string,
      passwordVersion: seen.row['password_version'] as number,
      sessionEpoch: seen.row['session_epoch'] as number,
      createdAt: now,
      expiresAt: new Date(now.getTime() + meta.ttlSeconds * 1000),
    };
    const token = this.pendingSignIns.seal(sealed);
    const tokenHash = hashToken(token);
    const row = sealedRow(sealed, tokenHash, meta.ip, seen.row, totp?.totp_id ? totp : null);
    this.cache.set(sealedKey(sealed.id), row, seen.generation);
    return { token, session: this.sealedSession(row) };
  }

  /**
   * The live row behind a sealed pending sign-in's token (from memory, else one read of its account),
   * or undefined: expired, cancelled, superseded (password version or session epoch moved on),
   * account disabled or gone, or a full session started from it already.
   */
  private async liveSealedRow(token: string, ip: string): Promise<RawRow | undefined> {
    const sealed = this.pendingSignIns.open(token);
    if (sealed === null || sealed.expiresAt.getTime() <= Date.now()) return undefined;
    // Remembered by its id: a session started from it, or its cancellation (a row naming it either
    // way), is announced under that name to every instance (migration 20261203100000).
    const key = sealedKey(sealed.id);
    let r = this.cache.get(key);
    if (r === undefined) {
      const generation = this.cache.generation;
      const { rows } = await this.pool.query<RawRow>({
        name: 'session_resolve_sealed',
        text: SEALED_RESOLVE_SQL,
        values: [sealed.accountId, sealed.id],
      });
      const a = rows[0];
      if (a === undefined || a['p_spent'] === true) return undefined;
      r = sealedRow(sealed, hashToken(token), ip, a, null);
      this.cache.set(key, r, generation);
    }
    if (
      r['disabled_at'] !== null ||
      r['password_reset_required'] === true ||
      r['password_version'] !== sealed.passwordVersion ||
      r['session_epoch'] !== sealed.sessionEpoch
    ) {
      return undefined;
    }
    return r;
  }

  /** The (never stored) `Session` of a sealed pending sign-in's row, marked as such (`sealedOf`). */
  private sealedSession(row: RawRow): Session {
    const session = Object.assign(new Session(), {
      id: row['s_id'],
      tokenHash: row['s_token_hash'],
      stage: row['s_stage'],
      createdAt: row['s_created_at'],
      lastSeenAt: row['s_last_seen_at'],
      expiresAt: row['s_expires_at'],
      ip: row['s_ip'],
      userAgent: null,
      revokedAt: null,
      revokedReason: null,
      reauthAt: null,
    });
    sealedSessions.set(session, {
      accountId: row['id'],
      passwordVersion: row['p_password_version'],
      sessionEpoch: row['p_session_epoch'],
      totp: row['p_totp'] ?? null,
      cacheKey: sealedKey(row['s_id'] as string),
    });
    return session;
  }

  /**
   * The app's secret and budgets read at the sign-in, for the first app code of a sealed pending
   * sign-in (`totp_attempt` decides on what stands when the code comes, so an old read is safe; later
   * codes read afresh, the app may have been replaced meanwhile). Undefined when there is none left.
   */
  takePrefetchedTotp(session: Session): TotpRead | undefined {
    const info = sealedOf(session);
    if (!info?.totp) return undefined;
    const read = info.totp;
    info.totp = null;
    this.cache.patch(info.cacheKey, { p_totp: null });
    return read;
  }

  /**
   * A pending sign-in's session (an enrollment owed), created only while the account is as the sign-in
   * read it with the hash it checked: the same password version and session epoch, not disabled, under
   * no forced password reset (what `startFull` checks too); null, with nothing written, otherwise. The
   * account row is read `for share`: a change in progress (a password change, a disable, a revocation
   * of all its sessions: each updates that row first) is waited for and then seen, so that its
   * revocation of the account's sessions cannot miss this one, nor a re-enable bring it back.
   * `event`: the sign-in, recorded in the same statement when (and only when) the session
   * is created (one round trip and one commit; never a located success, so nothing follows it).
   * `seen`: the account's row as the sign-in read it (`ACCOUNT_COLUMNS`) and the cache generation
   * before that read; the new session is remembered with it, so that the second step, which comes
   * next, is not read back (unless an auth change since, or one of this session, says otherwise).
   */
  async createPending(
    account: Account,
    /** The password version and session epoch read with the account's row, before the hash. */
    read: { passwordVersion: number; sessionEpoch: number },
    meta: { ip: string; userAgent: string | null; stage: SessionStage; ttlSeconds: number },
    event: PreparedLoginEvent,
    seen?: { row: RawRow; generation: number },
  ): Promise<NewSession | null> {
    const started = this.newSession(account, meta);
    if (event.located) throw new Error('A pending sign-in is not a success.');
    const { rows } = await this.pool.query<{ created: boolean }>({
      name: 'session_insert_pending',
      text: `with ins as (
               insert into session (${INSERT_COLUMNS}) select $1, $2, $3, $4, $5, $6, $7, $8, $9
                where exists (select 1 from account where id = $2 and password_version = $10
                                 and session_epoch = $11 and disabled_at is null and not password_reset_required for share)
               returning id),
             ev as (${loginEventCte(event, 12, 'ins')})
             select exists (select 1 from ins) as created`,
      values: [...insertValues(started.session), read.passwordVersion, read.sessionEpoch, ...event.values],
    });
    if (!rows[0]?.created) return null;
    if (seen) this.cache.set(sessionKey(started.session.tokenHash), resolvedRow(started.session, seen.row), seen.generation);
    return started;
  }

  /**
   * A FULL session for a completed sign-in, in one statement: the pending session (when the sign-in had
   * a second step) is revoked as UPGRADED, the new session inserted and the account's last sign-in
   * time set. With a pending session that is no longer live-unrevoked (a concurrent second step
   * upgraded it first), an account disabled or put under a forced password reset meanwhile, or (with
   * `passwordVersion`, the version read with the hash the sign-in checked) a password changed since,
   * nothing is written and null is returned: one pending sign-in yields at most one full session, and
   * a sign-in with the old password ends in no session once a change has revoked the others.
   *
   * `recoveryCodeId`: the recovery code that proved the second step, used up in the same transaction,
   * so that a sign-in refused here costs no code (recovery codes are few), and a code taken by another
   * request meanwhile starts nothing ('RECOVERY_CODE_USED'). `onClaimed` runs in that transaction once
   * the code is used up and the session made (the use's audit entry: both or neither are kept).
   *
   * `with.event`: the login, recorded in the same statement when the session is created (`event`
   * answers it; null when nothing was created, and the caller records what happened instead).
   * `with.totp`: `totp_attempt`'s arguments — the app code is decided in the same statement, first, and
   * the session started only when it was accepted (`totp` answers the decision; never with a recovery code).
   */
  async startFull(
    account: Account,
    meta: { ip: string; userAgent: string | null },
    pending: Pick<Session, 'id' | 'tokenHash' | 'expiresAt'> | null,
    recoveryCodeId: string | null = null,
    passwordVersion: number | null = null,
    onClaimed?: (client: pg.ClientBase) => Promise<void>,
    /** `epoch`: the session epoch a sign-in of its own (no `pending`) read with the account's row. */
    with_: { event?: PreparedLoginEvent; totp?: unknown[]; epoch?: number } = {},
  ): Promise<FullStart> {
    const started = this.newSession(account, meta);
    // Upgrading a pending session changes a row the cache may hold: forgotten before, as for every such
    // statement (and again when the change is announced at commit); a sealed one is spent once a
    // session starts from it, which its row read afresh says. The account's `last_login_at` alone is
    // nothing any cached decision reads.
    const pendingId = pending?.id ?? null;
    const sealed = pending !== null ? sealedOf(pending) : undefined;
    if (pending !== null) this.cache.forget(sealed?.cacheKey ?? sessionKey(pending.tokenHash));
    // A sealed one's password version, epoch and expiry are compared in the statement (it has no row).
    if (sealed !== undefined) passwordVersion = sealed.passwordVersion;
    // A sign-in's own (no pending session): the epoch read with its account's row, when given.
    const epoch =
      sealed !== undefined ? [sealed.sessionEpoch, pending!.expiresAt] : [pending === null ? (with_.epoch ?? null) : null];
    const event = with_.event ?? null;
    const values = [...insertValues(started.session), pendingId];
    const eventOf = (row: StartFullRow | undefined): RecordedLoginEvent | null =>
      row?.event_id ? { id: String(row.event_id), recent: row.event_recent ?? null, open_id: row.event_open_id ?? null } : null;
    if (recoveryCodeId !== null) {
      if (with_.totp) throw new Error('A sign-in is proven by a recovery code or by an app code, not both.');
      return inPoolTransaction(this.pool, async (client) => {
        const { rows } = await client.query<StartFullRow>({
          ...startFullStatement({ recovery: true, totp: false, event, sealed: sealed !== undefined }),
          values: [...values, recoveryCodeId, passwordVersion, ...epoch, ...(event?.values ?? [])],
        });
        const { created = false, code_ok: codeOk = false } = rows[0] ?? {};
        // Nothing is kept unless the session was created: the code stays unused.
        if (created) await onClaimed?.(client);
        const outcome = created ? started : codeOk ? null : ('RECOVERY_CODE_USED' as const);
        return { keep: created, value: { outcome, event: created ? eventOf(rows[0]) : null, totp: null } };
      });
    }
    const { rows } = await this.pool.query<StartFullRow>({
      ...startFullStatement({ recovery: false, totp: with_.totp !== undefined, event, sealed: sealed !== undefined }),
      values: [...values, passwordVersion, ...epoch, ...(with_.totp ?? []), ...(event?.values ?? [])],
    });
    const row = rows[0];
    return {
      outcome: row?.created ? started : null,
      event: eventOf(row),
      totp: with_.totp && row ? (row as unknown as TotpDecision) : null,
    };
  }

  /** A session not yet stored (FULL unless `meta.stage` says otherwise) and its raw token. */
  private newSession(
    account: Account,
    meta: { ip: string; userAgent: string | null; stage?: SessionStage; ttlSeconds?: number },
  ): NewSession {
    const token = randomToken();
    const now = new Date();
    const session = Object.assign(new Session(), {
      account,
      tokenHash: hashToken(token),
      stage: meta.stage ?? SessionStage.FULL,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + (meta.ttlSeconds ?? this.config.sessionAbsoluteTimeoutSeconds) * 1000),
      ip: meta.ip,
      userAgent: meta.userAgent,
    });
    return { session, token };
  }

  /**
   * Finds the live session behind a presented token; expired (idle or absolute) or revoked → null.
   * `em` may be a function that makes the operation's EntityManager: it is called only when a
   * resolver reads `viewer.account` or `viewer.session`.
   */
  async resolve(em: EntityManager | (() => EntityManager), token: string | undefined, ip = ''): Promise<Viewer | null> {
    if (token === undefined || token.length === 0 || token.length > 160) return null;
    const getEm = typeof em === 'function' ? em : () => em;
    if (PendingSignIns.isPendingToken(token)) {
      // A sealed pending sign-in: never idle, never touched (nothing of it is stored).
      const row = await this.liveSealedRow(token, ip);
      if (row === undefined) return null;
      let session: Session | undefined;
      return lazyViewer(
        principalOf(row, SessionStage.PENDING_SECOND_FACTOR, null),
        () => mapAccount(getEm(), row),
        () => (session ??= this.sealedSession(row)),
        () => null,
      );
    }
    // From memory when this token was seen recently (see AuthCache), else one round trip on a plain
    // prepared statement.
    const hash = hashToken(token);
    let r = await this.tokenRow('s', 'session_resolve', RESOLVE_SQL, hash);
    if (r === undefined) return null;
    const now = Date.now();
    const idle = (row: RawRow) => (row['s_last_seen_at'] as Date).getTime() + this.config.sessionIdleTimeoutSeconds * 1000 <= now;
    // Other instances' touches are announced to nobody (they change only `last_seen_at`): a remembered
    // row that looks idle is read again before the session is refused as idle.
    if (idle(r)) {
      r = await this.tokenRow('s', 'session_resolve', RESOLVE_SQL, hash, true);
      if (r === undefined || idle(r)) return null;
    }
    if (r['s_revoked_at'] !== null || r['disabled_at'] !== null) return null;
    if ((r['s_expires_at'] as Date).getTime() <= now) return null;
    if (now - (r['s_last_seen_at'] as Date).getTime() > TOUCH_INTERVAL_MS) {
      const seen = new Date(now);
      await this.pool.query({
        name: 'session_touch',
        text: 'update session set last_seen_at = $2 where id = $1',
        values: [r['s_id'], seen],
      });
      // Nothing any decision reads changed: the remembered row just learns the new time.
      r = { ...r, s_last_seen_at: seen };
      this.cache.patch(sessionKey(hash), { s_last_seen_at: seen });
    }
    const row = r;
    return lazyViewer(
      principalOf(row, row['s_stage'], null),
      () => mapAccount(getEm(), row),
      () =>
        mapOnce(getEm(), Session, row['s_id'], {
          id: row['s_id'],
          account_id: row['id'],
          token_hash: row['s_token_hash'],
          stage: row['s_stage'],
          created_at: row['s_created_at'],
          last_seen_at: row['s_last_seen_at'],
          expires_at: row['s_expires_at'],
          ip: row['s_ip'],
          user_agent: row['s_user_agent'],
          revoked_at: row['s_revoked_at'],
          revoked_reason: row['s_revoked_reason'],
          reauth_at: row['s_reauth_at'],
        }),
      () => null,
    );
  }

  /**
   * The row behind a token hash (sessions: `s`, API tokens: `t`): from the AuthCache, else one round
   * trip on a named prepared statement, remembered unless a write cleared the cache meanwhile.
   */
  async tokenRow(kind: 's' | 't', name: string, text: string, hash: string, fresh = false): Promise<RawRow | undefined> {
    const key = `${kind}:${hash}`;
    const cached = fresh ? undefined : this.cache.get(key);
    if (cached !== undefined) return cached;
    const generation = this.cache.generation;
    const { rows } = await this.pool.query({ name, text, values: [hash] });
    const r = rows[0] as RawRow | undefined;
    if (r !== undefined) this.cache.set(key, r, generation);
    return r;
  }

  isLive(session: Session, now = Date.now()): boolean {
    if (session.revokedAt !== null) return false;
    if (session.expiresAt.getTime() <= now) return false;
    return session.lastSeenAt.getTime() + this.config.sessionIdleTimeoutSeconds * 1000 > now;
  }

  async revoke(em: EntityManager, session: Session, reason: string): Promise<void> {
    const sealed = sealedOf(session);
    if (sealed !== undefined) {
      // A sealed pending sign-in has no row to revoke: a revoked one naming it is written (`cancelSealed`).
      await this.cancelSealed(
        { id: session.id, accountId: sealed.accountId, createdAt: session.createdAt, expiresAt: session.expiresAt },
        session.tokenHash,
        session.ip,
        reason,
      );
      return;
    }
    if (session.revokedAt !== null) return;
    session.revokedAt = new Date();
    session.revokedReason = reason;
    await em.flush();
  }

  /**
   * Ends a sealed pending sign-in (it has no row to revoke): one row is written, revoked, naming it as
   * the sign-in it ends (`pending_id`), which no session can then be started from (unique) and which
   * every instance hears of (`auth:s:p:<id>`: that sign-in alone is forgotten). Nothing if a session
   * was started from it already, or its account is gone (deleted meanwhile: nothing is left to end).
   * The account's other pending sign-ins go on: cancelling one moves no epoch.
   */
  private async cancelSealed(
    p: Pick<SealedPending, 'id' | 'accountId' | 'createdAt' | 'expiresAt'>,
    tokenHash: string,
    ip: string,
    reason: string,
  ): Promise<void> {
    this.cache.forget(sealedKey(p.id));
    await this.pool.query({
      name: 'session_cancel_pending',
      text: `insert into session (${INSERT_COLUMNS}, revoked_at, revoked_reason, pending_id)
             select $1, $2, $3, $4, $5, $5, $6, $7, null, now(), $8, $1
              where exists (select 1 from account where id = $2 for key share)
             on conflict do nothing`,
      values: [p.id, p.accountId, tokenHash, SessionStage.PENDING_SECOND_FACTOR, p.createdAt, p.expiresAt, ip || '-', reason],
    });
  }

  /**
   * Revokes by raw token (the one an earlier sign-in left in the cookie), whichever state it is in.
   * On the plain pool, forgetting that session alone: through MikroORM it would empty this instance's
   * auth cache (the pending sign-in just remembered included) on every sign-in over an old cookie.
   * `ip`: the address of the request that ends it (written on a sealed pending sign-in's row).
   */
  async revokeToken(token: string | undefined, reason: string, ip = ''): Promise<void> {
    if (token === undefined || token.length === 0 || token.length > 128) return;
    if (PendingSignIns.isPendingToken(token)) {
      // A sealed pending sign-in (the browser's own unfinished one, replaced in the cookie by a new
      // sign-in) is cancelled as `revoke` cancels it. The new sign-in, pending too, has an id of its
      // own and is not touched. One sealed by other keys is nothing; one long expired is dead already.
      const sealed = this.pendingSignIns.open(token);
      if (sealed === null || sealed.expiresAt.getTime() <= Date.now() - REVOKE_EXPIRED_MARGIN_MS) return;
      await this.cancelSealed(sealed, hashToken(token), ip, reason);
      return;
    }
    const hash = hashToken(token);
    this.cache.forget(sessionKey(hash));
    await this.pool.query({
      name: 'session_revoke_token',
      text: 'update session set revoked_at = $2, revoked_reason = $3 where token_hash = $1 and revoked_at is null',
      values: [hash, new Date(), reason],
    });
  }

  /**
   * Revokes the account's sessions that could still be used: one past its absolute expiry (by more than
   * `REVOKE_EXPIRED_MARGIN_MS`, for clocks that differ) is dead for good and left as it is (each revoked
   * row is announced to every instance by name).
   */
  async revokeAllForAccount(em: EntityManager, account: Account, reason: string): Promise<number> {
    const now = new Date();
    await SessionService.endPendingSignIns(em, account.id);
    return em.nativeUpdate(
      Session,
      { account, revokedAt: null, expiresAt: { $gt: new Date(now.getTime() - REVOKE_EXPIRED_MARGIN_MS) } },
      { revokedAt: now, revokedReason: reason },
    );
  }

  /**
   * Ends the account's enrollment-only sessions but `exceptId`: once the account holds a factor, a
   * session that only its password opened must sign in again with it (each revoked row is announced to
   * every instance by name). The number ended.
   */
  async endEnrollmentSessions(em: EntityManager, accountId: string, exceptId: string, reason: string): Promise<number> {
    return em.nativeUpdate(
      Session,
      { account: accountId, stage: SessionStage.ENROLLMENT_REQUIRED, revokedAt: null, id: { $ne: exceptId } },
      { revokedAt: new Date(), revokedReason: reason },
    );
  }

  /**
   * Ends every account's enrollment-only sessions (2FA switched off: nothing can be set up), their
   * accounts' rows taken first, in id order, as every change of an account and its sessions takes them.
   * The number ended.
   */
  async endAllEnrollmentSessions(em: EntityManager, reason: string): Promise<number> {
    await em.execute(
      `select a.id from account a where exists (select 1 from session s where s.account_id = a.id and s.stage = ?
          and s.revoked_at is null and s.expires_at > now()) order by a.id for no key update`,
      [SessionStage.ENROLLMENT_REQUIRED],
    );
    const [row] = await em.execute<{ n: number }[]>(
      `with ended as (
         update session set revoked_at = now(), revoked_reason = ?
          where stage = ? and revoked_at is null and expires_at > now() returning 1)
       select count(*)::int as n from ended`,
      [reason, SessionStage.ENROLLMENT_REQUIRED],
    );
    return row?.n ?? 0;
  }

  /**
   * Ends the account's sealed pending sign-ins (they have no rows to revoke): its session epoch moves
   * on, in `em`'s transaction. Every revocation of all of an account's sessions does this.
   */
  static async endPendingSignIns(em: EntityManager, accountId: string): Promise<void> {
    await em.execute('update "account" set "session_epoch" = "session_epoch" + 1 where "id" = ?', [accountId]);
  }

  async listLive(em: EntityManager, account: Account): Promise<Session[]> {
    const now = new Date();
    const idleCutoff = new Date(now.getTime() - this.config.sessionIdleTimeoutSeconds * 1000);
    return em.find(
      Session,
      { account, revokedAt: null, expiresAt: { $gt: now }, lastSeenAt: { $gt: idleCutoff } },
      { orderBy: { lastSeenAt: 'desc' } },
    );
  }
}
