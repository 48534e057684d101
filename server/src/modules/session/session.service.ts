import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../../config.js';
import type { Viewer } from '../../context.js';
import { hashToken, randomToken } from '../../common/crypto/tokens.js';
import type { Account } from '../account/account.entity.js';
import { Session, SessionStage } from './session.entity.js';
import { Account as AccountEntity } from '../account/account.entity.js';
import type { SqlPool } from '../../db/pool.js';

/** How often a busy session's `lastSeenAt` is written, at most (avoids a write per request). */
const TOUCH_INTERVAL_MS = 60_000;

export interface NewSession {
  session: Session;
  /** The only copy of the raw token: goes into the cookie, never into the database. */
  token: string;
}

const RESOLVE_SQL = `
  select s.id as s_id, s.stage as s_stage, s.created_at as s_created_at, s.last_seen_at as s_last_seen_at,
         s.expires_at as s_expires_at, s.ip as s_ip, s.user_agent as s_user_agent, s.revoked_at as s_revoked_at,
         s.revoked_reason as s_revoked_reason, s.token_hash as s_token_hash, s.reauth_at as s_reauth_at,
         a.id, a.email, a.name, a.role, a.permissions, a.api_only, a.ip_restricted, a.requires_two_factor, a.disabled_at, a.last_login_at, a.created_at, a.updated_at
    from session s join account a on a.id = s.account_id
   where s.token_hash = $1`;

export class SessionService {
  constructor(
    private readonly config: Config,
    readonly pool: SqlPool,
  ) {}

  async create(
    _em: EntityManager,
    account: Account,
    meta: { ip: string; userAgent: string | null; stage?: SessionStage; ttlSeconds?: number },
  ): Promise<NewSession> {
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
    // One prepared INSERT, no unit-of-work flush (BEGIN/INSERT/COMMIT): sign-in is a hot path.
    await this.pool.query({
      name: 'session_insert',
      text: `insert into session (id, account_id, token_hash, stage, created_at, last_seen_at, expires_at, ip, user_agent)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      values: [
        session.id,
        account.id,
        session.tokenHash,
        session.stage,
        session.createdAt,
        session.lastSeenAt,
        session.expiresAt,
        session.ip,
        session.userAgent,
      ],
    });
    return { session, token };
  }

  /** Finds the live session behind a presented token; expired (idle or absolute) or revoked → null. */
  async resolve(em: EntityManager, token: string | undefined): Promise<Viewer | null> {
    if (token === undefined || token.length === 0 || token.length > 128) return null;
    // One round trip on a plain prepared statement; the rows become managed entities of this request.
    const { rows } = await this.pool.query({ name: 'session_resolve', text: RESOLVE_SQL, values: [hashToken(token)] });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw row handed to em.map, which converts the columns
    const r = rows[0] as Record<string, any> | undefined;
    if (r === undefined) return null;
    const account = em.map(AccountEntity, {
      id: r['id'],
      email: r['email'],
      name: r['name'],
      role: r['role'],
      permissions: r['permissions'],
      api_only: r['api_only'],
      ip_restricted: r['ip_restricted'],
      requires_two_factor: r['requires_two_factor'],
      disabled_at: r['disabled_at'],
      last_login_at: r['last_login_at'],
      created_at: r['created_at'],
      updated_at: r['updated_at'],
    });
    const session = em.map(Session, {
      id: r['s_id'],
      account_id: r['id'],
      token_hash: r['s_token_hash'],
      stage: r['s_stage'],
      created_at: r['s_created_at'],
      last_seen_at: r['s_last_seen_at'],
      expires_at: r['s_expires_at'],
      ip: r['s_ip'],
      user_agent: r['s_user_agent'],
      revoked_at: r['s_revoked_at'],
      revoked_reason: r['s_revoked_reason'],
      reauth_at: r['s_reauth_at'],
    });
    if (!this.isLive(session)) return null;
    if (account.disabledAt !== null) return null;
    const now = Date.now();
    if (now - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
      session.lastSeenAt = new Date(now);
      await em.flush();
    }
    return { account, session, apiToken: null };
  }

  isLive(session: Session, now = Date.now()): boolean {
    if (session.revokedAt !== null) return false;
    if (session.expiresAt.getTime() <= now) return false;
    return session.lastSeenAt.getTime() + this.config.sessionIdleTimeoutSeconds * 1000 > now;
  }

  async revoke(em: EntityManager, session: Session, reason: string): Promise<void> {
    if (session.revokedAt !== null) return;
    session.revokedAt = new Date();
    session.revokedReason = reason;
    await em.flush();
  }

  /** Revokes by raw token (the one an earlier sign-in left in the cookie), whichever state it is in. */
  async revokeToken(em: EntityManager, token: string | undefined, reason: string): Promise<void> {
    if (token === undefined || token.length === 0 || token.length > 128) return;
    await em.nativeUpdate(
      Session,
      { tokenHash: hashToken(token), revokedAt: null },
      { revokedAt: new Date(), revokedReason: reason },
    );
  }

  async revokeAllForAccount(em: EntityManager, account: Account, reason: string): Promise<number> {
    return em.nativeUpdate(Session, { account, revokedAt: null }, { revokedAt: new Date(), revokedReason: reason });
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
