import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../../config.js';
import type { Viewer } from '../../context.js';
import { hashToken, randomToken } from '../../common/crypto/tokens.js';
import type { Account } from '../account/account.entity.js';
import { Session, SessionStage } from './session.entity.js';

/** How often a busy session's `lastSeenAt` is written, at most (avoids a write per request). */
const TOUCH_INTERVAL_MS = 60_000;

export interface NewSession {
  session: Session;
  /** The only copy of the raw token: goes into the cookie, never into the database. */
  token: string;
}

export class SessionService {
  constructor(private readonly config: Config) {}

  async create(
    em: EntityManager,
    account: Account,
    meta: { ip: string; userAgent: string | null; stage?: SessionStage },
  ): Promise<NewSession> {
    const token = randomToken();
    const now = new Date();
    const session = em.create(Session, {
      account,
      tokenHash: hashToken(token),
      stage: meta.stage ?? SessionStage.FULL,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + this.config.sessionAbsoluteTimeoutSeconds * 1000),
      ip: meta.ip,
      userAgent: meta.userAgent,
    });
    em.persist(session);
    await em.flush();
    return { session, token };
  }

  /** Finds the live session behind a presented token; expired (idle or absolute) or revoked → null. */
  async resolve(em: EntityManager, token: string | undefined): Promise<Viewer | null> {
    if (token === undefined || token.length === 0 || token.length > 128) return null;
    const session = await em.findOne(Session, { tokenHash: hashToken(token) }, { populate: ['account'] });
    if (session === null || !this.isLive(session)) return null;
    if (session.account.disabledAt !== null) return null;
    const now = Date.now();
    if (now - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
      session.lastSeenAt = new Date(now);
      await em.flush();
    }
    return { account: session.account, session, apiToken: null };
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
