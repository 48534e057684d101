import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../../context.js';
import { hashToken, randomToken } from '../../common/crypto/tokens.js';
import { Role } from '../../common/auth/roles.js';
import { badInput, notFound } from '../../common/errors/errors.js';
import { Account } from '../account/account.entity.js';
import { ApiToken } from './api-token.entity.js';

export const API_TOKEN_PREFIX = 'sct_';
const TOUCH_INTERVAL_MS = 60_000;

export class ApiTokenService {
  /** Resolves `Authorization: Bearer sct_…`; revoked, expired, unknown or disabled → null. */
  async resolve(em: EntityManager, authorization: string | undefined, ip: string): Promise<Viewer | null> {
    if (!authorization) return null;
    const m = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    const token = m?.[1];
    if (!token || !token.startsWith(API_TOKEN_PREFIX) || token.length > 128) return null;
    const apiToken = await em.findOne(ApiToken, { tokenHash: hashToken(token) }, { populate: ['account'] });
    if (!apiToken || apiToken.revokedAt !== null) return null;
    if (apiToken.expiresAt !== null && apiToken.expiresAt.getTime() <= Date.now()) return null;
    if (apiToken.account.disabledAt !== null) return null;
    if (
      apiToken.lastUsedAt === null ||
      Date.now() - apiToken.lastUsedAt.getTime() > TOUCH_INTERVAL_MS ||
      apiToken.lastUsedIp !== ip
    ) {
      apiToken.lastUsedAt = new Date();
      apiToken.lastUsedIp = ip;
      await em.flush();
    }
    return { account: apiToken.account, session: null, apiToken };
  }

  /** Tokens belong to API-only sub-admins; the raw token is returned once and never stored. */
  async create(
    em: EntityManager,
    accountId: string,
    name: string,
    expiresAt: Date | null,
  ): Promise<{ token: string; apiToken: ApiToken }> {
    const account = await em.findOne(Account, { id: accountId });
    if (!account) throw notFound('Account');
    if (account.role !== Role.SUB_ADMIN || !account.apiOnly) {
      throw badInput([{ field: 'accountId', reason: 'NOT_API_ONLY', message: 'API tokens are only for API-only sub-admins.' }]);
    }
    const trimmed = name.trim();
    if (!trimmed) throw badInput([{ field: 'name', reason: 'REQUIRED', message: 'Name the token after what uses it.' }]);
    if (expiresAt && expiresAt.getTime() <= Date.now()) {
      throw badInput([{ field: 'expiresAt', reason: 'IN_THE_PAST', message: 'The expiry must be in the future.' }]);
    }
    const token = `${API_TOKEN_PREFIX}${randomToken()}`;
    const apiToken = em.create(ApiToken, {
      account,
      name: trimmed,
      tokenHash: hashToken(token),
      prefix: token.slice(0, 10),
      expiresAt,
    });
    await em.flush();
    return { token, apiToken };
  }

  async revoke(em: EntityManager, id: string): Promise<ApiToken> {
    const apiToken = await em.findOne(ApiToken, { id });
    if (!apiToken) throw notFound('API token');
    apiToken.revokedAt ??= new Date();
    await em.flush();
    return apiToken;
  }

  async list(em: EntityManager, accountId: string): Promise<ApiToken[]> {
    return em.find(ApiToken, { account: accountId }, { orderBy: { createdAt: 'desc' } });
  }
}
