import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { escapeLike } from '../../db/like.js';
import type { Context } from '../../context.js';
import { AuditAction, AuditEntry } from './audit.entity.js';

export interface AuditTarget {
  type: string;
  id?: string | null;
  label?: string | null;
}

export interface AuditFilter {
  actorId?: string;
  action?: AuditAction;
  targetId?: string;
  /** Actor's e-mail, prefix, any case. */
  actorEmail?: string;
  /** Target's label (e-mail, CIDR, name…), prefix, any case. */
  target?: string;
  from?: Date;
  to?: Date;
}

/**
 * The columns of one entry: the request's actor and IP, the action, its target and details. An action
 * taken with an API token names the token too (`details.apiToken`: its id and name): an integration
 * holds several, and after a leak the entries must say which one to revoke.
 */
function entry(
  ctx: Pick<Context, 'viewer' | 'clientIp'>,
  action: AuditAction,
  target: AuditTarget | null,
  given: Record<string, unknown>,
) {
  const actor = ctx.viewer?.account ?? null;
  const token = ctx.viewer?.principal.apiTokenId ? ctx.viewer.apiToken : null;
  const details = token ? { ...given, apiToken: { id: token.id, name: token.name } } : given;
  return {
    actorId: actor?.id ?? null,
    actorEmail: actor?.email ?? null,
    action,
    targetType: target?.type ?? null,
    targetId: target?.id ?? null,
    targetLabel: target?.label?.slice(0, 254) ?? null,
    details,
    ip: ctx.clientIp,
  };
}

export class AuditService {
  /** Appends an entry for the current request's actor and IP. */
  async record(
    ctx: Pick<Context, 'em' | 'viewer' | 'clientIp'>,
    action: AuditAction,
    target: AuditTarget | null,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    const { actorId, ...rest } = entry(ctx, action, target, details);
    await ctx.em.insert(AuditEntry, { occurredAt: new Date(), actor: actorId, ...rest });
  }

  /**
   * The same entry as `record`, written through a plain `pg` client: part of the transaction that
   * client has open (the sign-in statements that bypass the ORM).
   */
  async recordWith(
    client: pg.ClientBase,
    ctx: Pick<Context, 'viewer' | 'clientIp'>,
    action: AuditAction,
    target: AuditTarget | null,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    const e = entry(ctx, action, target, details);
    await client.query({
      name: 'audit_insert',
      text: `insert into audit_log (occurred_at, actor_id, actor_email, action, target_type, target_id, target_label, details, ip)
             values (now(), $1, $2, $3, $4, $5, $6, $7, $8)`,
      values: [e.actorId, e.actorEmail, e.action, e.targetType, e.targetId, e.targetLabel, JSON.stringify(e.details), e.ip],
    });
  }

  /**
   * The audit step of a settings change (`SettingsService.update*`): SETTINGS_CHANGED with the values
   * before and after, written in the change's own transaction.
   */
  settingsChanged<T>(
    ctx: Pick<Context, 'em' | 'viewer' | 'clientIp'>,
    target: AuditTarget,
  ): (tx: EntityManager, before: T, after: T) => Promise<void> {
    return (tx, before, after) => this.record({ ...ctx, em: tx }, AuditAction.SETTINGS_CHANGED, target, { before, after });
  }

  where(filter: AuditFilter | undefined): Record<string, unknown> {
    const where: Record<string, unknown> = {};
    if (filter?.actorId) where['actor'] = filter.actorId;
    if (filter?.action) where['action'] = filter.action;
    if (filter?.targetId) where['targetId'] = filter.targetId;
    const prefix = (v: string) => `${escapeLike(v.trim())}%`;
    if (filter?.actorEmail?.trim()) where['actorEmail'] = { $ilike: prefix(filter.actorEmail) };
    if (filter?.target?.trim()) where['targetLabel'] = { $ilike: prefix(filter.target) };
    if (filter?.from || filter?.to) {
      where['occurredAt'] = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lt: filter.to } : {}) };
    }
    return where;
  }

  /**
   * One page of an export, newest first by id, from below `beforeId` (keyset: no count, no offset, so
   * a long export costs each page the same, and entries appended meanwhile neither shift the pages nor
   * appear: the export ends where it began).
   */
  async exportPage(
    em: EntityManager,
    filter: AuditFilter | undefined,
    limit: number,
    beforeId: string | null,
  ): Promise<AuditEntry[]> {
    const where = this.where(filter);
    if (beforeId !== null) where['id'] = { $lt: beforeId };
    return em.find(AuditEntry, where, { orderBy: { id: 'desc' }, limit });
  }

  async list(em: EntityManager, filter: AuditFilter | undefined, limit: number, offset: number): Promise<[AuditEntry[], number]> {
    return em.findAndCount(AuditEntry, this.where(filter), { orderBy: { occurredAt: 'desc', id: 'desc' }, limit, offset });
  }
}

export { AuditAction };
