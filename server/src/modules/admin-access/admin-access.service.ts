import type { EntityManager } from '@mikro-orm/postgresql';
import type { Context, Viewer } from '../../context.js';
import { hasPermission } from '../../common/auth/auth-checker.js';
import { Permission, Role } from '../../common/auth/roles.js';
import { ErrorCode } from '../../common/errors/codes.js';
import { appError, badInput, forbidden, notFound } from '../../common/errors/errors.js';
import { describeCidrProblem } from '../../common/net/cidr-input.js';
import { canonicalCidr, parseCidr } from '../../common/net/ip.js';
import type { SqlPool } from '../../db/pool.js';
import { Account } from '../account/account.entity.js';
import { LoginOutcome } from '../login-event/login-event.entity.js';
import type { LoginEventService } from '../login-event/login-event.service.js';
import { sourcePrefixOf } from '../ip-block/protection.service.js';
import { AdminAccessEntry } from './admin-access.entity.js';
import { OncePer } from '../../common/once-per.js';

export const MAX_LINES = 200;

/**
 * Admin IP access lists: per admin/sub-admin addresses and ranges; while restricted, sign-in and
 * every request (session or API token) from elsewhere is refused. Nobody locks themselves out by
 * accident: restricting, or removing an entry, is refused when the current request's address would
 * then be outside the list.
 */
export class AdminAccessService {
  constructor(
    private readonly pool: SqlPool,
    private readonly loginEvents: LoginEventService,
  ) {}

  private readonly refusalsRecorded = new OncePer(60_000);

  async ipAllowed(accountId: string, ip: string): Promise<boolean> {
    const { rows } = await this.pool.query({
      name: 'admin_access_allowed',
      text: 'select exists(select 1 from admin_access_entry where account_id = $1 and cidr >>= $2::inet) as ok',
      values: [accountId, ip],
    });
    return (rows[0] as { ok: boolean }).ok;
  }

  /**
   * Whether `ip` is on one of the account's narrow entries (IPv4 /24 or narrower, IPv6 /48 or
   * narrower): where it works, for the password guard and the pass through automatic blocks. A wide
   * entry (a carrier's or a cloud's range) lets the account in from there, but never exempts it.
   */
  async onNarrowEntry(accountId: string, ip: string): Promise<boolean> {
    const { rows } = await this.pool.query({
      name: 'admin_access_narrow',
      text: `select exists(select 1 from admin_access_entry where account_id = $1 and cidr >>= $2::inet
                             and masklen(cidr) >= case when family(cidr) = 4 then 24 else 48 end) as ok`,
      values: [accountId, ip],
    });
    return (rows[0] as { ok: boolean }).ok;
  }

  /** Restricted staff accounts outside their list lose the viewer for this request; the attempt is recorded. */
  async enforce(
    em: EntityManager | (() => EntityManager),
    viewer: Viewer | null,
    ip: string,
    userAgent: string | null,
  ): Promise<{ viewer: Viewer | null; refused: boolean }> {
    if (viewer === null || !viewer.principal.ipRestricted || viewer.principal.role === Role.USER)
      return { viewer, refused: false };
    if (await this.ipAllowed(viewer.principal.accountId, ip)) return { viewer, refused: false };
    const service = viewer.principal.apiTokenId ? 'api' : 'panel-session';
    // Recorded for the first refusal of a minute from a source (per account and way in): a dashboard
    // left polling from outside the list, or a token used in a loop, writes no row per request.
    if (this.refusalsRecorded.take(`${viewer.principal.accountId}|${service}|${sourcePrefixOf(ip)}`)) {
      await this.loginEvents.record(typeof em === 'function' ? em() : em, {
        account: viewer.account,
        attemptedName: viewer.account.email,
        ip,
        userAgent,
        outcome: LoginOutcome.IP_NOT_ALLOWED,
        service,
      });
    }
    return { viewer: null, refused: true };
  }

  /** Your own list: any admin or sub-admin. Someone else's: an admin, or a sub-admin with MANAGE_SUB_ADMINS for sub-admins. */
  async target(em: EntityManager, viewer: Viewer, accountId: string | undefined | null): Promise<Account> {
    const account = accountId != null ? await em.findOne(Account, { id: accountId }) : viewer.account;
    if (!account) throw notFound('Account');
    if (account.role === Role.USER)
      throw badInput([{ field: 'accountId', reason: 'NOT_STAFF', message: 'Access lists are for admins and sub-admins.' }]);
    if (account.id === viewer.account.id) return account;
    const allowed =
      viewer.account.role === Role.ADMIN ||
      (account.role === Role.SUB_ADMIN && hasPermission(viewer, Permission.MANAGE_SUB_ADMINS));
    if (!allowed) throw forbidden();
    return account;
  }

  async entries(em: EntityManager, account: Account): Promise<AdminAccessEntry[]> {
    return em.find(AdminAccessEntry, { account }, { orderBy: { createdAt: 'asc' } });
  }

  /** Lines of "address-or-range [label]"; every bad line is reported by number and nothing is written. */
  parseLines(text: string, defaultLabel: string | null): { cidr: string; label: string | null }[] {
    const lines = text.split(/\r?\n/);
    if (lines.length > MAX_LINES)
      throw badInput([{ field: 'lines', reason: 'TOO_MANY', message: `At most ${MAX_LINES} lines at once.` }]);
    const problems = [];
    const out: { cidr: string; label: string | null }[] = [];
    for (const [i, raw] of lines.entries()) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      const [addr = '', ...rest] = line.split(/\s+/);
      const parsed = parseCidr(addr);
      if ('error' in parsed) {
        problems.push({
          field: `lines[${i + 1}]`,
          reason: parsed.error,
          message: `Line ${i + 1}: ${describeCidrProblem(addr, parsed.error)}.`,
        });
        continue;
      }
      const label = rest.join(' ') || defaultLabel || null;
      if (label !== null && label.length > 100) {
        problems.push({
          field: `lines[${i + 1}]`,
          reason: 'TOO_LONG',
          message: `Line ${i + 1}: a label has at most 100 characters.`,
        });
        continue;
      }
      out.push({ cidr: parsed.text, label });
    }
    if (problems.length > 0) throw badInput(problems);
    if (out.length === 0)
      throw badInput([{ field: 'lines', reason: 'REQUIRED', message: 'Enter at least one address or range.' }]);
    return out;
  }

  /**
   * Serializes the changes to one account's list and restriction until the caller's transaction ends,
   * so two changes at once cannot each pass the lock-out check against the state the other is changing.
   */
  async lock(em: EntityManager, accountId: string): Promise<void> {
    await em.execute(`select pg_advisory_xact_lock(hashtext(?))`, [`admin_access:${accountId}`]);
  }

  /** Adds what the list lacks. Call inside a transaction (it takes the list's lock). */
  async add(em: EntityManager, account: Account, entries: { cidr: string; label: string | null }[]): Promise<AdminAccessEntry[]> {
    await this.lock(em, account.id);
    // PostgreSQL's text of a range is not always ours (`::1.2.3.4/128` for `::102:304/128`): compare ours.
    const existing = new Set((await this.entries(em, account)).map((e) => canonicalCidr(e.cidr)));
    const seen = new Set<string>();
    const added = entries
      .filter((e) => !existing.has(e.cidr) && !seen.has(e.cidr) && seen.add(e.cidr))
      .map((e) => em.create(AdminAccessEntry, { account: em.getReference(Account, account.id), cidr: e.cidr, label: e.label }));
    await em.flush();
    return added;
  }

  private async wouldContain(em: EntityManager, accountId: string, ip: string, withoutId: string | null): Promise<boolean> {
    const rows = await em.execute<{ ok: boolean }[]>(
      `select exists(select 1 from admin_access_entry where account_id = ? and cidr >>= ?::inet and id is distinct from ?::uuid) as ok`,
      [accountId, ip, withoutId],
    );
    return rows[0]!.ok;
  }

  private async restricted(em: EntityManager, accountId: string): Promise<boolean> {
    const rows = await em.execute<{ ip_restricted: boolean }[]>(`select ip_restricted from account where id = ?`, [accountId]);
    return rows[0]?.ip_restricted ?? false;
  }

  /** Removes an entry unless that locks the caller out. Call inside a transaction (`ctx.em`). */
  async remove(ctx: Context, entryId: string): Promise<AdminAccessEntry> {
    const entry = await ctx.em.findOne(AdminAccessEntry, { id: entryId }, { populate: ['account'] });
    if (!entry) throw notFound('Access list entry');
    await this.target(ctx.em, ctx.viewer!, entry.account.id);
    await this.lock(ctx.em, entry.account.id);
    if (
      entry.account.id === ctx.viewer!.account.id &&
      (await this.restricted(ctx.em, entry.account.id)) &&
      !(await this.wouldContain(ctx.em, entry.account.id, ctx.clientIp, entry.id))
    ) {
      throw appError(
        ErrorCode.WOULD_LOCK_YOU_OUT,
        `Removing ${entry.cidr} would leave your current IP (${ctx.clientIp}) outside your access list. Add it first, or allow unrestricted access.`,
      );
    }
    // Anyone's list, not only one's own: an empty restricted list refuses the account everywhere.
    if (
      (await this.restricted(ctx.em, entry.account.id)) &&
      (await this.entriesBesides(ctx.em, entry.account.id, entry.id)) === 0
    ) {
      throw appError(
        ErrorCode.ACCESS_LIST_EMPTY,
        `${entry.cidr} is the last entry of a restricted list: without it the account would be refused from everywhere. Allow unrestricted access first.`,
      );
    }
    const deleted = await ctx.em.nativeDelete(AdminAccessEntry, { id: entry.id });
    if (deleted === 0) throw notFound('Access list entry');
    return entry;
  }

  /**
   * Restricts or frees the account; restricting yourself needs your current IP listed. Call inside a
   * transaction. Returns what the restriction was before.
   */
  async setRestricted(ctx: Context, account: Account, restricted: boolean): Promise<boolean> {
    await this.lock(ctx.em, account.id);
    const before = await this.restricted(ctx.em, account.id);
    if (
      restricted &&
      account.id === ctx.viewer!.account.id &&
      !(await this.wouldContain(ctx.em, account.id, ctx.clientIp, null))
    ) {
      throw appError(
        ErrorCode.WOULD_LOCK_YOU_OUT,
        `Your current IP (${ctx.clientIp}) is not in your access list: add it first, or you would be locked out.`,
      );
    }
    if (restricted && !before && (await this.entriesBesides(ctx.em, account.id, null)) === 0) {
      throw appError(
        ErrorCode.ACCESS_LIST_EMPTY,
        'The access list is empty: restricting it would refuse the account from everywhere. Add the addresses it signs in from first.',
      );
    }
    if (before !== restricted) await ctx.em.nativeUpdate(Account, { id: account.id }, { ipRestricted: restricted });
    return before;
  }

  /** How many entries the account's list holds, `except` one. */
  private async entriesBesides(em: EntityManager, accountId: string, except: string | null): Promise<number> {
    const [row] = await em.execute<{ n: number }[]>(
      `select count(*)::int as n from admin_access_entry where account_id = ? and (?::uuid is null or id <> ?::uuid)`,
      [accountId, except, except],
    );
    return row?.n ?? 0;
  }

  /** What restricting would have refused in the last 30 days: sign-ins and API-token use from addresses outside the list. */
  async preview(em: EntityManager, account: Account): Promise<{ ip: string; count: number; lastAt: Date; services: string[] }[]> {
    const rows = await em.execute<{ ip: string; count: string; last_at: Date; services: string[] }[]>(
      `select host(l.ip) as ip, count(*) as count, max(l.occurred_at) as last_at, array_agg(distinct l.service) as services
         from login_event l
        where l.account_id = ? and l.occurred_at > now() - interval '30 days' and l.outcome = 'SUCCESS'
          and not exists (select 1 from admin_access_entry e where e.account_id = l.account_id and e.cidr >>= l.ip)
        group by l.ip
       union all
       select t.last_used_ip, 1, t.last_used_at, array['api'] from api_token t
        where t.account_id = ? and t.last_used_at > now() - interval '30 days' and t.last_used_ip is not null
          and not exists (select 1 from admin_access_entry e where e.account_id = t.account_id and e.cidr >>= t.last_used_ip::inet)
        order by 3 desc`,
      [account.id, account.id],
    );
    return rows.map((r) => ({ ip: r.ip, count: Number(r.count), lastAt: new Date(r.last_at), services: r.services }));
  }
}
