import type { EntityManager } from '@mikro-orm/postgresql';
import { LockMode } from '@mikro-orm/core';
import type { Viewer } from '../../context.js';
import { hashToken, randomToken } from '../../common/crypto/tokens.js';
import { Role } from '../../common/auth/roles.js';
import { appError, badInput, notFound } from '../../common/errors/errors.js';
import { ErrorCode } from '../../common/errors/codes.js';
import { Account } from '../account/account.entity.js';
import { ApiToken } from './api-token.entity.js';
import { ACCOUNT_COLUMNS, lazyViewer, mapAccount, mapOnce, principalOf, type SessionService } from './session.service.js';

/**
 * Whether the account acting in `tx` still stands behind what it does: enabled, owing no forced
 * password reset, and (with `sessionId`) acting from a session that is still live. Its row is read
 * `for share`: a disable, deletion or "treat as compromised" of it in progress (each locks its row,
 * then revokes and closes what it made) is waited for, and what follows it is refused rather than
 * left behind it.
 */
export async function actorStands(tx: EntityManager, accountId: string, sessionId: string | null): Promise<boolean> {
  const [ok] = await tx.execute<{ id: string }[]>(
    `select a.id from account a
      where a.id = ? and a.disabled_at is null and not a.password_reset_required
        and (?::uuid is null or exists (select 1 from session s where s.id = ? and s.account_id = a.id
                                         and s.revoked_at is null and s.expires_at > now()))
      for share of a`,
    [accountId, sessionId, sessionId],
  );
  return ok !== undefined;
}

export const API_TOKEN_PREFIX = 'sct_';
const TOUCH_INTERVAL_MS = 60_000;

const RESOLVE_SQL = `
  select t.id as t_id, t.name as t_name, t.token_hash as t_token_hash, t.prefix as t_prefix, t.created_at as t_created_at,
         t.expires_at as t_expires_at, t.last_used_at as t_last_used_at, t.last_used_ip as t_last_used_ip,
         t.revoked_at as t_revoked_at, ${ACCOUNT_COLUMNS}
    from api_token t join account a on a.id = t.account_id
   where t.token_hash = $1`;

export class ApiTokenService {
  constructor(private readonly sessions: SessionService) {}

  /** Resolves `Authorization: Bearer sct_…`; revoked, expired, unknown or disabled → null. */
  async resolve(
    em: EntityManager | (() => EntityManager),
    authorization: string | undefined,
    ip: string,
  ): Promise<Viewer | null> {
    if (!authorization) return null;
    const m = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    const token = m?.[1];
    if (!token || !token.startsWith(API_TOKEN_PREFIX) || token.length > 128) return null;
    const hash = hashToken(token);
    let r = await this.sessions.tokenRow('t', 'api_token_resolve', RESOLVE_SQL, hash);
    if (r === undefined) return null;
    const now = Date.now();
    if (r['t_revoked_at'] !== null || r['disabled_at'] !== null) return null;
    if (r['t_expires_at'] !== null && (r['t_expires_at'] as Date).getTime() <= now) return null;
    const lastUsed = r['t_last_used_at'] as Date | null;
    if (lastUsed === null || now - lastUsed.getTime() > TOUCH_INTERVAL_MS || r['t_last_used_ip'] !== ip) {
      const at = new Date(now);
      await this.sessions.pool.query({
        name: 'api_token_touch',
        text: 'update api_token set last_used_at = $2, last_used_ip = $3 where id = $1',
        values: [r['t_id'], at, ip],
      });
      // Nothing any decision reads changed: the remembered row just learns the new use.
      r = { ...r, t_last_used_at: at, t_last_used_ip: ip };
      this.sessions.cache.patch(`t:${hash}`, { t_last_used_at: at, t_last_used_ip: ip });
    }
    const row = r;
    const getEm = typeof em === 'function' ? em : () => em;
    return lazyViewer(
      principalOf(row, null, row['t_id']),
      () => mapAccount(getEm(), row),
      () => null,
      () =>
        mapOnce(getEm(), ApiToken, row['t_id'], {
          id: row['t_id'],
          account_id: row['id'],
          name: row['t_name'],
          token_hash: row['t_token_hash'],
          prefix: row['t_prefix'],
          created_at: row['t_created_at'],
          expires_at: row['t_expires_at'],
          last_used_at: row['t_last_used_at'],
          last_used_ip: row['t_last_used_ip'],
          revoked_at: row['t_revoked_at'],
        }),
    );
  }

  /**
   * Tokens belong to API-only sub-admins; the raw token is returned once and never stored.
   * `mayHold(account)` throws when the caller may not hold what the token would carry (a sub-admin
   * minting a token with permissions it does not have itself).
   */
  async create(
    em: EntityManager,
    accountId: string,
    name: string,
    expiresAt: Date | null,
    mayHold: (account: Account) => void,
    audit: (tx: EntityManager, apiToken: ApiToken) => Promise<void>,
    minter: { accountId: string; sessionId: string | null } | null = null,
  ): Promise<{ token: string; apiToken: ApiToken }> {
    const createdById = minter?.accountId ?? null;
    const account = await em.findOne(Account, { id: accountId });
    if (!account) throw notFound('Account');
    if (account.role !== Role.SUB_ADMIN || !account.apiOnly) {
      throw badInput([{ field: 'accountId', reason: 'NOT_API_ONLY', message: 'API tokens are only for API-only sub-admins.' }]);
    }
    mayHold(account);
    const trimmed = name.trim();
    if (!trimmed) throw badInput([{ field: 'name', reason: 'REQUIRED', message: 'Name the token after what uses it.' }]);
    if (expiresAt && expiresAt.getTime() <= Date.now()) {
      throw badInput([{ field: 'expiresAt', reason: 'IN_THE_PAST', message: 'The expiry must be in the future.' }]);
    }
    const token = `${API_TOKEN_PREFIX}${randomToken()}`;
    // The token and its audit entry commit together: no standing credential without its record.
    const apiToken = await em.transactional(async (tx) => {
      // The minter read `for share`: a disable, deletion or "treat as compromised" of it in progress
      // (each locks its row, then revokes its sessions and the tokens it minted) is waited for, and then
      // this token is refused rather than left behind it: the minter must still be enabled, owe no forced
      // password reset, and mint from a session that is still live.
      if (minter !== null && !(await actorStands(tx, minter.accountId, minter.sessionId))) {
        throw appError(ErrorCode.UNAUTHENTICATED, 'Your session has ended or your account is no longer enabled.');
      }
      const created = tx.create(ApiToken, {
        account: tx.getReference(Account, account.id),
        name: trimmed,
        tokenHash: hashToken(token),
        prefix: token.slice(0, 10),
        expiresAt,
        createdBy: createdById === null ? null : tx.getReference(Account, createdById),
      });
      await tx.flush();
      await audit(tx, created);
      return created;
    });
    return { token, apiToken };
  }

  /**
   * Revokes at once; revoking a revoked token changes nothing. `audit` runs in the revocation's
   * transaction, only for the request that revoked it.
   */
  async revoke(
    em: EntityManager,
    id: string,
    audit: (tx: EntityManager, apiToken: ApiToken) => Promise<void>,
  ): Promise<ApiToken> {
    return em.transactional(async (tx) => {
      const apiToken = await tx.findOne(ApiToken, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!apiToken) throw notFound('API token');
      if (apiToken.revokedAt === null) {
        apiToken.revokedAt = new Date();
        await tx.flush();
        await audit(tx, apiToken);
      }
      return apiToken;
    });
  }

  async list(em: EntityManager, accountId: string): Promise<ApiToken[]> {
    return em.find(ApiToken, { account: accountId }, { orderBy: { createdAt: 'desc' }, populate: ['createdBy'] });
  }
}

/**
 * Revokes the API tokens of the account and those it minted for other accounts (whoever minted a token
 * saw its secret): a disabled, deleted or compromised account keeps no working credential through an
 * integration's token. Returns how many were revoked.
 */
export async function revokeApiTokensOf(em: EntityManager, accountId: string): Promise<number> {
  const revoked = await em.execute<{ id: string }[]>(
    `update api_token set revoked_at = now() where revoked_at is null and (account_id = ? or created_by_id = ?) returning id`,
    [accountId, accountId],
  );
  return revoked.length;
}
