import type { EntityManager } from '@mikro-orm/postgresql';
import { escapeLike } from '../../db/like.js';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { RecentLoginRow, SuccessfulLogin } from '../login-event/login-event.service.js';
import type { SqlPool } from '../../db/pool.js';
import type { Context } from '../../context.js';
import type { Keys } from '../../common/crypto/keys.js';
import { hashToken, randomToken } from '../../common/crypto/tokens.js';
import { revokeApiTokensOf } from '../session/api-token.service.js';
import { ErrorCode } from '../../common/errors/codes.js';
import { appError, badInput, forbidden, notFound } from '../../common/errors/errors.js';
import { Permission, Role } from '../../common/auth/roles.js';
import { normalizeIp } from '../../common/net/ip.js';
import { type Account, AccountPassword } from '../account/account.entity.js';
import { assertMayManageRole, lockEnabledAdmins, newResetLink, visibleRoles } from '../account/account.service.js';
import type { PasswordHasher } from '../account/password.js';
import { AuditAction } from '../audit/audit.entity.js';
import type { AuditService } from '../audit/audit.service.js';
import { LoginEvent } from '../login-event/login-event.entity.js';
import type { MailService } from '../mail/mail.service.js';
import { mails } from '../mail/templates.js';
import type { SessionService } from '../session/session.service.js';
import type { SettingsService } from '../settings/settings.service.js';
import { TrustedIp } from '../trusted-ip/trusted-ip.entity.js';
import { IncidentEventKind, OPEN_INCIDENTS_SQL, openByRoleOf, openOfRoles, type IncidentEventBus } from './incident-events.js';
import {
  assess,
  distanceKm,
  FAMILIAR_RADIUS_KM,
  spansSeveralPlaces,
  type FamiliarPlace,
  type Kind,
  type LocatedLogin,
  type Severity,
} from './incident-rules.js';
import { HolderResponse, IncidentResolution, IncidentStatus, SecurityIncident } from './incident.entity.js';

export interface IncidentFilter {
  status?: IncidentStatus;
  severity?: Severity;
  accountId?: string;
  accountEmail?: string;
  from?: Date;
  to?: Date;
}

const alreadyResolved = (i: SecurityIncident) =>
  appError(ErrorCode.ALREADY_RESOLVED, 'This incident was resolved already.', {
    resolvedAt: i.resolvedAt?.toISOString() ?? null,
    resolution: i.resolution,
  });

/** A condition on incidents keeping those of accounts of `roles`; none when every role is there. */
const ofRoles = (roles: readonly Role[]): { account?: { role: { $in: Role[] } } } =>
  roles.length < 3 ? { account: { role: { $in: [...roles] } } } : {};

/**
 * Whether the account `reader` (an SQL alias) is told of an incident of an account whose role is the
 * SQL expression `role` — the dashboard's rule (`visibleRoles`) in SQL: enabled, not API-only, and an
 * admin, or a sub-admin with READ_INCIDENTS for a user's incident (with MANAGE_SUB_ADMINS too for a
 * sub-admin's); nobody but admins for an admin's or an unknown role's.
 */
const readsIncidentsOf = (reader: string, role: string) => `(${reader}.disabled_at is null and not ${reader}.api_only
  and (${reader}.role = 'ADMIN' or (${reader}.role = 'SUB_ADMIN' and ${reader}.permissions @> '{${Permission.READ_INCIDENTS}}'
    and (${role} = 'USER' or (${role} = 'SUB_ADMIN' and ${reader}.permissions @> '{${Permission.MANAGE_SUB_ADMINS}}')))))`;

/**
 * Logins in one incident are capped: an account logging in all day must not grow one row forever.
 * Past `MAX_LOGINS_PER_INCIDENT`, a login still joins when its place (country and city) is new to the
 * incident — a busy mailbox, or an intruder padding the incident with repeats, must not hide the next
 * place — up to `MAX_LOGINS_PER_INCIDENT_NEW_PLACES` in all.
 */
const MAX_LOGINS_PER_INCIDENT = 200;
const MAX_LOGINS_PER_INCIDENT_NEW_PLACES = 2000;
const HOLDER_LINK_TTL_MS = 7 * 24 * 3600 * 1000;

/** The same row shape the login insert prefetches for detection. */
type LocatedRow = RecentLoginRow;

const toLocated = (r: LocatedRow): LocatedLogin => ({
  id: String(r.id),
  occurredAt: new Date(r.occurred_at),
  ip: r.ip,
  countryCode: r.country_code,
  city: r.city,
  latitude: Number(r.latitude),
  longitude: Number(r.longitude),
  asn: r.asn,
  asnOrg: r.asn_org,
  networkKind: r.network_kind as Kind,
  named: r.named_location !== null,
});

/** Successful, located logins of an account that no trust rule excludes. */
const UNTRUSTED_LOCATED = `
  e.account_id = ? and e.outcome = 'SUCCESS' and e.latitude is not null
  and not exists (select 1 from trusted_ip t where (t.account_id = e.account_id or t.account_id is null)
                  and (t.expires_at is null or t.expires_at > now()) and t.cidr >>= e.ip)
  and not exists (select 1 from named_location n where n.trusted and n.cidr >>= e.ip)`;
const LOCATED_COLS = `e.id, e.occurred_at, host(e.ip) as ip, e.country_code, e.city, e.latitude, e.longitude, e.asn, e.asn_org, e.network_kind, e.named_location`;

/**
 * Security incidents: detection on each successful login, the review actions, the account holder's
 * answer through e-mailed links, and the e-mails to admins (throttled into summaries).
 */
export class IncidentService {
  constructor(
    private readonly config: Config,
    private readonly keys: Keys,
    private readonly settings: SettingsService,
    private readonly mail: MailService,
    private readonly audit: AuditService,
    private readonly sessions: SessionService,
    private readonly hasher: PasswordHasher,
    private readonly pool: SqlPool,
    readonly events: IncidentEventBus,
    private readonly logger: Logger,
  ) {}

  /**
   * Called after every located, untrusted successful login is recorded (panel or integrator), with what
   * the login's own INSERT read: the account's located successes in the window and its open incident.
   * Nearly every login ends at the first check (one place, no open incident) without any further I/O.
   * At most one open incident per account is guaranteed by the database (partial unique index), so two
   * instances detecting at once collect into one row.
   */
  async detect(em: EntityManager, login: SuccessfulLogin): Promise<void> {
    const s = await this.settings.incidents(em);
    if (!s.enabled) return;
    const recent = login.prefetched.recent;
    let openId = login.prefetched.openIncidentId;
    const recentLocated = recent.map(toLocated);
    if (openId === null && !spansSeveralPlaces(recentLocated, s)) return;
    // Several places: pairs the holder confirmed ("It was me") do not count.
    const familiar = openId === null ? await this.familiarPlaces(login.accountId) : [];
    if (openId === null && familiar.length > 0 && !spansSeveralPlaces(recentLocated, s, familiar)) return;
    // Several places (or an open incident to add to): now leave out what trust rules exclude.
    const untrusted = () =>
      em.execute<LocatedRow[]>(
        `select ${LOCATED_COLS} from login_event e
         where ${UNTRUSTED_LOCATED} and e.id = any(?::bigint[])
         order by e.occurred_at desc, e.id desc`,
        [login.accountId, `{${recent.map((r) => r.id).join(',')}}`],
      );
    let rows = await untrusted();
    // This login itself was excluded (a trusted named location, say): nothing to add.
    if (!rows.some((r) => String(r.id) === login.eventId)) return;
    let incidentId: string;
    let created = false;
    // The open incident the insert saw may have been resolved since: then this login is judged afresh,
    // with the trust and familiar places that resolution may have just added.
    if (openId !== null && !(await this.addToOpen(em, openId, login.eventId))) {
      openId = null;
      familiar.push(...(await this.familiarPlaces(login.accountId)));
      rows = await untrusted();
      if (!rows.some((r) => String(r.id) === login.eventId)) return;
    }
    if (openId !== null) {
      incidentId = openId;
    } else {
      const located = rows.map(toLocated);
      if (!spansSeveralPlaces(located, s, familiar)) return;
      // The incident, its logins and (when new) its audit entry commit together: an incident outlives
      // nothing of its account's deletion but that entry, so its opening is on record for good.
      ({ incidentId, created } = await em.transactional(async (tx) => {
        const inserted = await tx.execute<{ id: string; created: boolean; email: string }[]>(
          `insert into security_incident (id, account_id, status, severity, reason, opened_at, updated_at)
           values (gen_random_uuid(), ?, 'OPEN', 'LOW', 'UNKNOWN', now(), now())
           on conflict (account_id) where status = 'OPEN' do update set updated_at = now()
           returning id, (xmax = 0) as created, (select email from account where id = security_incident.account_id) as email`,
          [login.accountId],
        );
        const row = inserted[0]!;
        await this.addLogins(
          tx,
          row.id,
          located.map((l) => l.id),
        );
        if (row.created) {
          await this.audit.record(
            { em: tx, viewer: null, clientIp: located.find((l) => String(l.id) === login.eventId)?.ip ?? '0.0.0.0' },
            AuditAction.INCIDENT_OPENED,
            { type: 'SecurityIncident', id: row.id, label: row.email },
            {
              accountId: login.accountId,
              places: [...new Set(located.map((l) => [l.city, l.countryCode].filter(Boolean).join(', ')))].slice(0, 10),
            },
          );
        }
        return { incidentId: row.id, created: row.created };
      }));
    }
    // The incident is committed: whatever fails from here on, its e-mails still go out (an incident
    // nobody hears of is the one outcome detection must not have). Each step's failure is logged.
    try {
      await this.reassess(em, incidentId, login.accountId);
    } catch (err) {
      this.logger.error({ err, incidentId }, 'incident assessment failed');
    }
    try {
      await this.events.publish(created ? IncidentEventKind.OPENED : IncidentEventKind.UPDATED, incidentId);
    } catch (err) {
      this.logger.error({ err, incidentId }, 'incident event failed');
    }
    if (created) {
      // E-mails never hold up the login decision or the live fan-out that the NOTIFY just started:
      // they are prepared a moment later, off the request (failures are logged).
      const mailEm = em.fork();
      this.later(async () => {
        const incident = await this.get(mailEm, incidentId);
        await this.notifyAdmins(mailEm, incident);
        await this.notifyHolder(mailEm, incident);
      }, incidentId);
    }
  }

  private readonly pendingJobs = new Map<NodeJS.Timeout, () => void>();
  private readonly runningJobs = new Set<Promise<void>>();

  private later(job: () => Promise<void>, incidentId: string): void {
    const run = () => {
      this.pendingJobs.delete(timer);
      const p = job()
        .catch((err: unknown) => this.logger.error({ err, incidentId }, 'incident e-mails failed'))
        .finally(() => this.runningJobs.delete(p));
      this.runningJobs.add(p);
    };
    const timer = setTimeout(run, 100);
    this.pendingJobs.set(timer, run);
  }

  /** Runs deferred incident e-mails now and waits for them (before the server stops). */
  async drain(): Promise<void> {
    for (const [timer, run] of [...this.pendingJobs]) {
      clearTimeout(timer);
      run();
    }
    while (this.runningJobs.size > 0) await Promise.all([...this.runningJobs]);
  }

  private async familiarPlaces(accountId: string): Promise<FamiliarPlace[]> {
    const { rows } = await this.pool.query<FamiliarPlace>({
      name: 'incident_familiar_places',
      text: 'select latitude, longitude from familiar_location where account_id = $1',
      values: [accountId],
    });
    return rows;
  }

  /**
   * Adds a login to an incident only while it is open: the row lock makes a resolution either wait for
   * the insert or be seen by it (then nothing is added and false is returned).
   */
  private async addToOpen(em: EntityManager, incidentId: string, eventId: string): Promise<boolean> {
    const [row] = await em.execute<{ open: boolean }[]>(
      `with still_open as (select id from security_incident where id = ? and status = 'OPEN' for share),
       held as (select count(*) as n from security_incident_login where incident_id = ?),
       this_login as (select country_code, city from login_event where id = ?::bigint),
       ins as (insert into security_incident_login (incident_id, login_event_id)
               select still_open.id, ?::bigint from still_open, held, this_login
               where held.n < ?
                  or (held.n < ? and not exists (
                        select 1 from security_incident_login l join login_event e on e.id = l.login_event_id
                         where l.incident_id = still_open.id
                           and e.country_code is not distinct from this_login.country_code
                           and e.city is not distinct from this_login.city))
               on conflict do nothing)
       select exists(select 1 from still_open) as open`,
      [incidentId, incidentId, eventId, eventId, MAX_LOGINS_PER_INCIDENT, MAX_LOGINS_PER_INCIDENT_NEW_PLACES],
    );
    return row?.open === true;
  }

  private async addLogins(em: EntityManager, incidentId: string, eventIds: string[]): Promise<void> {
    await em.execute(
      `insert into security_incident_login (incident_id, login_event_id)
       select ?, x from unnest(?::bigint[]) as x
       where (select count(*) from security_incident_login where incident_id = ?) < ?
       on conflict do nothing`,
      [incidentId, `{${eventIds.join(',')}}`, incidentId, MAX_LOGINS_PER_INCIDENT],
    );
  }

  /** `locatedLogins` for many incidents in one statement (a page of incidents selecting `legs`). */
  async locatedLoginsOf(em: EntityManager, incidentIds: readonly string[]): Promise<Map<string, LocatedLogin[]>> {
    const rows = await em.execute<(LocatedRow & { incident_id: string })[]>(
      `select l.incident_id, ${LOCATED_COLS} from security_incident_login l join login_event e on e.id = l.login_event_id
       where l.incident_id = any(?::uuid[]) and e.latitude is not null order by e.occurred_at, e.id`,
      // An array literal: knex would spread a JavaScript array into a list (ids are read from the database).
      [`{${incidentIds.join(',')}}`],
    );
    const byIncident = new Map<string, LocatedLogin[]>(incidentIds.map((id) => [id, []]));
    for (const r of rows) byIncident.get(String(r.incident_id))?.push(toLocated(r));
    return byIncident;
  }

  /** Logins of the incident (located ones), oldest first. */
  async locatedLogins(em: EntityManager, incidentId: string): Promise<LocatedLogin[]> {
    const rows = await em.execute<LocatedRow[]>(
      `select ${LOCATED_COLS} from security_incident_login l join login_event e on e.id = l.login_event_id
       where l.incident_id = ? and e.latitude is not null order by e.occurred_at, e.id`,
      [incidentId],
    );
    return rows.map(toLocated);
  }

  /** Detection window in seconds for the login insert to prefetch with; null when detection is off. */
  async detectionWindow(em: EntityManager): Promise<number | null> {
    const s = await this.settings.incidents(em);
    return s.enabled ? s.windowSeconds : null;
  }

  /**
   * The incident's reason, evidence, travel flag and severity from all of its logins, under its row's
   * lock and read afresh there: two logins joining one incident at once are assessed one after the
   * other, and the later assessment (which sees both) is the one kept, never an earlier one's view.
   */
  private async reassess(em: EntityManager, incidentId: string, accountId: string): Promise<void> {
    await em.transactional((tx) => this.reassessLocked(tx, incidentId, accountId));
  }

  private async reassessLocked(em: EntityManager, incidentId: string, accountId: string): Promise<void> {
    const s = await this.settings.incidents(em);
    const [held] = await em.execute(`select 1 from security_incident where id = ? for no key update`, [incidentId]);
    if (!held) return;
    const logins = await this.locatedLogins(em, incidentId);
    if (logins.length === 0) return;
    const first = logins[0]!.occurredAt;
    const last = logins[logins.length - 1]!.occurredAt;
    const windowStart = new Date(first.getTime() - s.windowSeconds * 1000);
    const asns = [...new Set(logins.map((l) => l.asn).filter((a): a is number => a !== null))];
    const [stats] = await em.execute<{ failures: string; seen: number[] | null; history: boolean }[]>(
      `select
         (select exists(select 1 from login_event where account_id = ? and outcome = 'SUCCESS' and occurred_at < ?)) as history,
         (select count(*) from login_event f where f.account_id = ? and f.outcome in ('INVALID_CREDENTIALS', 'SECOND_FACTOR_FAILED')
            and f.occurred_at between ? and ?) as failures,
         (select array_agg(distinct h.asn) from login_event h where h.account_id = ? and h.outcome = 'SUCCESS'
            and h.occurred_at < ? and h.occurred_at > ? and h.asn = any(?::int[])) as seen`,
      [
        accountId,
        windowStart,
        accountId,
        windowStart,
        last,
        accountId,
        windowStart,
        new Date(windowStart.getTime() - 90 * 86_400_000),
        `{${asns.join(',')}}`,
      ],
    );
    const seen = new Set(stats?.seen ?? []);
    const a = assess(
      {
        logins,
        failuresBefore: Number(stats?.failures ?? 0),
        // Only an account with some history can show a "never-seen" network.
        unseenAsns: stats?.history ? asns.filter((x) => !seen.has(x)) : [],
      },
      s,
    );
    await em.execute(
      `update security_incident set
         reason = ?, evidence = ?::jsonb, impossible_travel = ?,
         severity = case when severity = 'CRITICAL' then 'CRITICAL'
                         when ? = 'HIGH' or severity = 'HIGH' then 'HIGH'
                         when ? = 'MEDIUM' or severity = 'MEDIUM' then 'MEDIUM' else ? end,
         login_count = (select count(*) from security_incident_login where incident_id = ?),
         updated_at = now()
       where id = ?`,
      [a.reason, JSON.stringify(a.evidence), a.impossibleTravel, a.severity, a.severity, a.severity, incidentId, incidentId],
    );
  }

  /** Open incidents of accounts of `roles` (what the viewer may see: `visibleRoles`). */
  async openCount(em: EntityManager, roles: readonly Role[]): Promise<number> {
    const [row] = await em.execute<{ total: number; staff: Record<string, number> }[]>(OPEN_INCIDENTS_SQL);
    return openOfRoles(openByRoleOf(row), roles);
  }

  /** A page of the incidents of accounts of `roles` (what the viewer may see: `visibleRoles`). */
  async list(
    em: EntityManager,
    roles: readonly Role[],
    filter: IncidentFilter,
    limit: number,
    offset: number,
  ): Promise<[SecurityIncident[], number]> {
    const where: Record<string, unknown> = {};
    if (filter.status) where['status'] = filter.status;
    if (filter.severity) where['severity'] = filter.severity;
    const account: Record<string, unknown> = { ...ofRoles(roles)['account'] };
    if (filter.accountId) account['id'] = filter.accountId;
    const email = filter.accountEmail?.trim().toLowerCase();
    if (email) account['email'] = { $like: `${escapeLike(email)}%` };
    if (Object.keys(account).length > 0) where['account'] = account;
    if (filter.from || filter.to)
      where['openedAt'] = { ...(filter.from && { $gte: filter.from }), ...(filter.to && { $lte: filter.to }) };
    // Open first, then newest.
    return em.findAndCount(SecurityIncident, where, {
      orderBy: { status: 'asc', updatedAt: 'desc', id: 'desc' },
      populate: ['account', 'resolvedBy'],
      limit,
      offset,
    });
  }

  /** One incident; NOT_FOUND also when its account's role is not one of `roles` (when given). */
  async get(em: EntityManager, id: string, refresh = false, roles?: readonly Role[]): Promise<SecurityIncident> {
    const incident = await em.findOne(
      SecurityIncident,
      { id, ...(roles && ofRoles(roles)) },
      { populate: ['account', 'resolvedBy'], refresh },
    );
    if (!incident) throw notFound('Incident');
    return incident;
  }

  /** `loginEvents` for many incidents in two statements (a page of incidents selecting `logins`). */
  async loginEventsOf(em: EntityManager, incidentIds: readonly string[]): Promise<Map<string, LoginEvent[]>> {
    const byIncident = new Map<string, LoginEvent[]>(incidentIds.map((id) => [id, []]));
    const links = await em.execute<{ incident_id: string; login_event_id: string }[]>(
      'select incident_id, login_event_id from security_incident_login where incident_id = any(?::uuid[])',
      [`{${incidentIds.join(',')}}`],
    );
    if (links.length === 0) return byIncident;
    const events = await em.find(
      LoginEvent,
      { id: { $in: [...new Set(links.map((r) => String(r.login_event_id)))] } },
      { orderBy: { occurredAt: 'asc', id: 'asc' } },
    );
    const order = new Map(events.map((e, i) => [String(e.id), i]));
    for (const link of links) {
      const i = order.get(String(link.login_event_id));
      if (i !== undefined) byIncident.get(String(link.incident_id))?.push(events[i]!);
    }
    // Oldest first within each incident, as the events were read.
    for (const list of byIncident.values()) list.sort((a, b) => order.get(String(a.id))! - order.get(String(b.id))!);
    return byIncident;
  }

  async loginEvents(em: EntityManager, incidentId: string): Promise<LoginEvent[]> {
    const rows = await em.execute<{ login_event_id: string }[]>(
      'select login_event_id from security_incident_login where incident_id = ?',
      [incidentId],
    );
    if (rows.length === 0) return [];
    return em.find(
      LoginEvent,
      { id: { $in: rows.map((r) => String(r.login_event_id)) } },
      { orderBy: { occurredAt: 'asc', id: 'asc' } },
    );
  }

  /**
   * Claims the open incident for a decision: exactly one reviewer wins; a second gets ALREADY_RESOLVED.
   * Runs inside the caller's transaction, so the effects and the claim commit together.
   */
  private async claim(
    tx: EntityManager,
    ctx: Context,
    id: string,
    resolution: IncidentResolution,
    note: string | null,
  ): Promise<SecurityIncident> {
    // An incident resolved otherwise (dismissed, IPs marked safe) whose holder then answered "This
    // wasn't me" may still be treated as compromised: the answer came after the decision.
    const updated = await tx.execute<{ id: string }[]>(
      `update security_incident set status = 'RESOLVED', resolution = ?, resolution_note = ?, resolved_at = now(),
         resolved_by_id = ?, updated_at = now()
        where id = ? and (status = 'OPEN'
          or (?::text = 'COMPROMISED' and holder_response = 'DENIED' and resolution is distinct from 'COMPROMISED'))
        returning id`,
      [resolution, note, ctx.viewer!.account.id, id, resolution],
    );
    if (updated.length === 0) {
      const existing = await tx.findOne(SecurityIncident, { id });
      if (!existing) throw notFound('Incident');
      throw alreadyResolved(existing);
    }
    return this.get(tx, id, true);
  }

  /** One incident the viewer may see: one it may not is not there for it (as `securityIncident` answers). */
  private visibleTo(ctx: Context, id: string): Promise<SecurityIncident> {
    return this.get(ctx.em, id, false, visibleRoles(ctx.viewer!));
  }

  /** Marks chosen IPs of the incident safe for its account (they never raise again), and resolves it. */
  async markSafe(ctx: Context, id: string, ips: string[], note: string | null): Promise<SecurityIncident> {
    const incident = await this.visibleTo(ctx, id);
    assertMayResolve(ctx, incident.account);
    if (incident.status !== IncidentStatus.OPEN) throw alreadyResolved(incident);
    const logins = await this.loginEvents(ctx.em, id);
    const inIncident = new Set(logins.map((l) => normalizeIp(l.ip)));
    const problems = ips.flatMap((ip, i) => {
      const n = normalizeIp(ip);
      if (n === undefined) return [{ field: `ips.${i}`, reason: 'INVALID_IP', message: `"${ip}" is not an IP address.` }];
      if (!inIncident.has(n))
        return [{ field: `ips.${i}`, reason: 'NOT_IN_INCIDENT', message: `${n} is not one of this incident's addresses.` }];
      return [];
    });
    if (ips.length === 0) problems.push({ field: 'ips', reason: 'REQUIRED', message: 'Choose at least one address.' });
    if (problems.length > 0) throw badInput(problems);
    const unique = [...new Set(ips.map((ip) => normalizeIp(ip)!))];
    const resolved = await ctx.em.transactional(async (tx) => {
      const r = await this.claim(tx, ctx, id, IncidentResolution.MARKED_SAFE, note);
      for (const ip of unique) {
        tx.create(TrustedIp, {
          cidr: ip,
          account: incident.account,
          note: `Incident ${id.slice(0, 8)}${note ? `: ${note}` : ''}`.slice(0, 500),
          createdBy: ctx.viewer!.account,
        });
      }
      await tx.flush();
      await this.audit.record(
        { ...ctx, em: tx },
        AuditAction.INCIDENT_RESOLVED,
        { type: 'SecurityIncident', id, label: incident.account.email },
        { resolution: IncidentResolution.MARKED_SAFE, ips: unique, note },
      );
      await this.events.publishIn(tx, IncidentEventKind.RESOLVED, id);
      return r;
    });
    return resolved;
  }

  async dismiss(ctx: Context, id: string, note: string): Promise<SecurityIncident> {
    const incident = await this.visibleTo(ctx, id);
    assertMayResolve(ctx, incident.account);
    const resolved = await ctx.em.transactional(async (tx) => {
      const r = await this.claim(tx, ctx, id, IncidentResolution.DISMISSED, note);
      await this.audit.record(
        { ...ctx, em: tx },
        AuditAction.INCIDENT_RESOLVED,
        { type: 'SecurityIncident', id, label: incident.account.email },
        { resolution: IncidentResolution.DISMISSED, note },
      );
      await this.events.publishIn(tx, IncidentEventKind.RESOLVED, id);
      return r;
    });
    return resolved;
  }

  /**
   * Treats the account as compromised: every session and API token revoked, and the password reset
   * (the old one stops working at once; the holder gets a single-use link to set a new one) and/or the
   * account locked (disabled until an admin enables it). An admin's waiting requests to reset other
   * admins' 2FA are closed for good (`TwoFactorService.closeRequestsBy`: not by one of their targets).
   */
  async compromised(
    ctx: Context,
    id: string,
    opts: { requirePasswordReset: boolean; lockAccount: boolean; note: string | null },
  ): Promise<{ incident: SecurityIncident; sessionsRevoked: number; tokensRevoked: number }> {
    if (!opts.requirePasswordReset && !opts.lockAccount) {
      throw badInput([
        {
          field: 'requirePasswordReset',
          reason: 'REQUIRED',
          message: 'Choose at least one: force a password reset, or lock the account.',
        },
      ]);
    }
    const incident = await this.visibleTo(ctx, id);
    const account = incident.account;
    if (account.role === Role.ADMIN && opts.lockAccount && account.id === ctx.viewer!.account.id) {
      throw appError(ErrorCode.CANNOT_DISABLE_SELF, 'You cannot lock your own account.');
    }
    // Locking a staff account or forcing its password reset takes the rights to manage it, as
    // disabling does: RESOLVE_INCIDENTS alone acts on users only; and no sub-admin settles its own.
    assertMayResolve(ctx, account);
    let resetToken: string | null = null;
    // The old password is replaced by the hash of a secret nobody knows, computed before any row is locked.
    const unusable = opts.requirePasswordReset ? await this.hasher.hash(randomToken()) : null;
    const done = await ctx.em.transactional(async (tx) => {
      // The admins (when locking one), then the account's row, then its incident and sessions: the order
      // disabling and deleting the account take them in (a deletion reaches the incident by its cascade).
      if (opts.lockAccount && account.role === Role.ADMIN) {
        // As in disabling (the same locks, in the same order): two concurrent locks cannot both pass the count.
        const admins = await lockEnabledAdmins(tx);
        if (admins.filter((a) => a.id !== account.id).length === 0) {
          throw appError(ErrorCode.LAST_ADMIN, 'The last enabled admin cannot be locked.');
        }
      }
      await tx.execute(`select 1 from account where id = ? for no key update`, [account.id]);
      // The resets of admins' 2FA it asked for, still waiting, are closed for good, as
      // disabling it would: asked for from a session the intruder may have held, they must not be
      // approved while it is treated, nor once it is enabled again. First, as it may refuse the whole
      // treatment (RESET_TARGET) before anything is touched.
      const closing = await ctx.services.twoFactor.closeRequestsBy({ ...ctx, em: tx }, account, 'COMPROMISED');
      await this.claim(tx, ctx, id, IncidentResolution.COMPROMISED, opts.note);
      // Treated: the holder's links have nothing left to decide.
      await tx.execute(`update incident_holder_link set expires_at = now() where incident_id = ? and used_at is null`, [id]);
      const sessionsRevoked = await this.sessions.revokeAllForAccount(tx, account, 'COMPROMISED');
      // Places made familiar through "It was me" links may be the intruder's (who may hold the mailbox
      // too): all of the account's are forgotten, so those places raise incidents again.
      const forgotten = await tx.execute<{ id: string }[]>(`delete from familiar_location where account_id = ? returning id`, [
        account.id,
      ]);
      // Its own tokens, and those it minted for integrations (the intruder may have minted them).
      const tokensRevoked = await revokeApiTokensOf(tx, account.id);
      // The incident's addresses trusted for the account (marked safe from this incident before its
      // holder said "This wasn't me", say) may be the intruder's: no longer trusted.
      const untrusted = await tx.execute<{ id: string }[]>(
        `delete from trusted_ip t where t.account_id = ?
           and exists (select 1 from security_incident_login l join login_event e on e.id = l.login_event_id
                        where l.incident_id = ? and e.ip <<= t.cidr)
         returning t.id`,
        [account.id, id],
      );
      if (opts.lockAccount)
        await tx.execute(`update account set disabled_at = now() where id = ? and disabled_at is null`, [account.id]);
      if (unusable !== null) {
        // The old password dies now.
        await tx.nativeUpdate(AccountPassword, { account: account.id }, { hash: unusable, changedAt: new Date() });
        await tx.execute(
          `update account set password_reset_required = true, password_version = password_version + 1 where id = ?`,
          [account.id],
        );
        resetToken = (await newResetLink(tx, account.id)).token;
      }
      await this.audit.record(
        { ...ctx, em: tx },
        AuditAction.INCIDENT_RESOLVED,
        { type: 'SecurityIncident', id, label: account.email },
        {
          resolution: IncidentResolution.COMPROMISED,
          note: opts.note,
          sessionsRevoked,
          tokensRevoked,
          requirePasswordReset: opts.requirePasswordReset,
          lockAccount: opts.lockAccount,
          familiarPlacesForgotten: forgotten.length,
          trustedIpsRemoved: untrusted.length,
          ...(closing.closed > 0 ? { resetRequestsClosed: closing.closed } : {}),
        },
      );
      await this.events.publishIn(tx, IncidentEventKind.RESOLVED, id);
      return { incident: await this.get(tx, id, true), sessionsRevoked, tokensRevoked, tell: closing.tell };
    });
    const { tell, ...result } = done;
    tell();
    const url = this.config.publicUrl.origin;
    if (resetToken) this.mail.notify(mails.passwordResetRequired(account.email, `${url}/reset-password#token=${resetToken}`));
    else if (opts.lockAccount) this.mail.notify(mails.accountLocked(account.email, url));
    return result;
  }

  // ---- e-mails --------------------------------------------------------------------------------

  /** Who is e-mailed about `incident` (see `readsIncidentsOf`). */
  private async recipients(em: EntityManager, incident: SecurityIncident): Promise<{ id: string; email: string }[]> {
    return em.execute<{ id: string; email: string }[]>(
      `select a.id, a.email from account a, (select ?::text as role) incident where ${readsIncidentsOf('a', 'incident.role')}`,
      [incident.account.role],
    );
  }

  /**
   * One e-mail per new incident per recipient, unless the recipient got one within the throttle
   * period: then the incident waits for the next summary (`flushSummaries`). The decision is one
   * atomic upsert per recipient, so several instances never double-send.
   */
  private async notifyAdmins(em: EntityManager, incident: SecurityIncident): Promise<void> {
    const incidentId = incident.id;
    for (const r of await this.recipients(em, incident)) {
      const [row] = await em.execute<{ send_now: boolean }[]>(
        `insert into incident_mail_throttle as t (account_id, last_sent_at, pending) values (?, now(), '{}')
         on conflict (account_id) do update set
           pending = case when t.last_sent_at > now() - make_interval(secs => ?) then array_append(t.pending, ?::uuid) else t.pending end,
           last_sent_at = case when t.last_sent_at > now() - make_interval(secs => ?) then t.last_sent_at else now() end
         returning (last_sent_at = now()) as send_now`,
        [r.id, this.config.incidentMailThrottleSeconds, incidentId, this.config.incidentMailThrottleSeconds],
      );
      if (row?.send_now) {
        this.mail.notify(mails.incidentOpened(r.email, incident, `${this.config.publicUrl.origin}/incidents/${incidentId}`));
      }
    }
  }

  /** Sends one summary per recipient whose throttle period has passed with incidents waiting. */
  async flushSummaries(em: EntityManager): Promise<number> {
    const rows = await em.execute<{ email: string; visible: number }[]>(
      // What is summed up is the pending list as locked (FOR UPDATE returns the row's latest version),
      // and what is cleared is that same version: an incident appended meanwhile is in one or the other.
      `with due as (
         select account_id, pending from incident_mail_throttle
         where cardinality(pending) > 0 and last_sent_at <= now() - make_interval(secs => ?)
         for update skip locked)
       update incident_mail_throttle t set last_sent_at = now(), pending = '{}'
       from due, account a
       where t.account_id = due.account_id and a.id = t.account_id
       returning a.email,
                 -- The waiting incidents it may still be told of: none once it was disabled or lost the
                 -- permission meanwhile (cleared, not sent); one deleted meanwhile is gone.
                 (select count(*)::int from security_incident i join account ia on ia.id = i.account_id
                   where i.id = any(due.pending) and ${readsIncidentsOf('a', 'ia.role')}) as visible`,
      [this.config.incidentMailThrottleSeconds],
    );
    for (const r of rows) {
      if (r.visible === 0) continue;
      this.mail.notify(mails.incidentSummary(r.email, r.visible, `${this.config.publicUrl.origin}/security/incidents`));
    }
    return rows.length;
  }

  /**
   * Tells the account holder, with two single-use links: "It was me" and "This wasn't me". Not once the
   * incident was treated as compromised (which ends its links): the incident's row is read `for share`
   * with the links' insert, so a treatment in progress is waited for, and one that follows ends them.
   */
  private async notifyHolder(em: EntityManager, incident: SecurityIncident): Promise<void> {
    const incidentId = incident.id;
    const logins = await this.locatedLogins(em, incidentId);
    const links: Record<HolderResponse, string> = { CONFIRMED: randomToken(), DENIED: randomToken() };
    const expiresAt = new Date(Date.now() + HOLDER_LINK_TTL_MS);
    const made = await em.transactional(async (tx) => {
      const [open] = await tx.execute<{ id: string }[]>(
        `select id from security_incident where id = ? and resolution is distinct from 'COMPROMISED' for share`,
        [incidentId],
      );
      if (!open) return false;
      for (const answer of [HolderResponse.CONFIRMED, HolderResponse.DENIED]) {
        await tx.execute(`insert into incident_holder_link (token_hash, incident_id, answer, expires_at) values (?, ?, ?, ?)`, [
          hashToken(links[answer]),
          incidentId,
          answer,
          expiresAt,
        ]);
      }
      return true;
    });
    if (!made) return;
    // The answer named in the link tells the page what it sends (the token alone decides it).
    const link = (answer: HolderResponse) =>
      `${this.config.publicUrl.origin}/incident-response#token=${links[answer]}&answer=${answer.toLowerCase()}`;
    this.mail.notify(
      mails.incidentHolder(incident.account.email, logins, link(HolderResponse.CONFIRMED), link(HolderResponse.DENIED)),
    );
  }

  /**
   * The account holder's answer. Both links of an incident die when either is used, in one statement
   * (two clicks at once cannot both count). "It was me" proposes dismissal (the admin decides) and only
   * while the incident is open: after a resolution it would make an attacker's places familiar.
   * "This wasn't me" raises the incident to critical and alerts every recipient at once, past the
   * throttle, also after a dismissal. Treating an incident as compromised ends its links.
   */
  async respond(
    em: EntityManager,
    token: string,
    from: { clientIp: string; userAgent: string | null },
  ): Promise<{ answer: HolderResponse; incident: SecurityIncident }> {
    if (token.length === 0 || token.length > 128)
      throw appError(ErrorCode.LINK_INVALID, 'This link is invalid, used or expired.');
    // The links, the incident, the familiar places and the audit entry commit together.
    const hit = await em.transactional(async (tx) => {
      const applied = await this.applyResponse(tx, token, from);
      await this.events.publishIn(tx, IncidentEventKind.UPDATED, applied.incident_id);
      return applied;
    });
    const incident = await this.get(em.fork(), hit.incident_id);
    if (hit.answer === HolderResponse.DENIED) {
      for (const r of await this.recipients(em, incident)) {
        this.mail.notify(mails.incidentDenied(r.email, incident, `${this.config.publicUrl.origin}/incidents/${incident.id}`));
      }
    }
    return { answer: hit.answer, incident };
  }

  private async applyResponse(
    em: EntityManager,
    token: string,
    from: { clientIp: string; userAgent: string | null },
  ): Promise<{ incident_id: string; answer: HolderResponse }> {
    // The account's row (key share: what the familiar places' insert takes anyway), before the incident's:
    // a deletion of the account locks that row and then reaches the incident by cascade, so taking
    // them the other way round could deadlock with it.
    await em.execute(
      `select 1 from account where id = (select i.account_id from incident_holder_link t join security_incident i on i.id = t.incident_id
                                          where t.token_hash = ?) for key share`,
      [hashToken(token)],
    );
    // The incident's row next, locked: a resolution committing meanwhile is then seen (PostgreSQL
    // re-checks only the updated link rows after a wait, not a joined row), so an "It was me" can no
    // longer slip in after "treat as compromised" forgot the familiar places.
    await em.execute(
      `select 1 from security_incident where id = (select incident_id from incident_holder_link where token_hash = ?) for update`,
      [hashToken(token)],
    );
    const used = await em.execute<{ incident_id: string; answer: HolderResponse }[]>(
      `update incident_holder_link k set used_at = now()
         from incident_holder_link t join security_incident i on i.id = t.incident_id
        where t.token_hash = ? and t.used_at is null and t.expires_at > now()
          and (t.answer = 'DENIED' or i.status = 'OPEN')
          and k.incident_id = t.incident_id and k.used_at is null
       returning t.incident_id, t.answer`,
      [hashToken(token)],
    );
    const hit = used[0];
    if (!hit) throw appError(ErrorCode.LINK_INVALID, 'This link is invalid, used or expired.');
    const [answered] = await em.execute<{ account_id: string }[]>(
      `update security_incident set holder_response = ?, holder_responded_at = now(), updated_at = now()
         ${hit.answer === HolderResponse.DENIED ? `, severity = 'CRITICAL', reason = 'COMPROMISED'` : ''}
       where id = ? returning account_id`,
      [hit.answer, hit.incident_id],
    );
    if (hit.answer === HolderResponse.CONFIRMED) {
      // The holder's places become familiar for the account: the same pair of places raises nothing again.
      const places: LocatedLogin[] = [];
      for (const l of await this.locatedLogins(em, hit.incident_id)) {
        if (!places.some((p) => distanceKm(p, l) <= FAMILIAR_RADIUS_KM)) places.push(l);
      }
      for (const p of places) {
        await em.execute(
          `insert into familiar_location (id, account_id, country_code, city, latitude, longitude, incident_id, confirmed_at)
           values (gen_random_uuid(), ?, ?, ?, ?, ?, ?, now())`,
          [answered!.account_id, p.countryCode, p.city, p.latitude, p.longitude, hit.incident_id],
        );
      }
    }
    // Who clicked is not known (the link is the proof), but from where is: the holder, or an intruder
    // who holds the mailbox too.
    await this.audit.record(
      { em, viewer: null, clientIp: from.clientIp },
      AuditAction.INCIDENT_HOLDER_RESPONSE,
      { type: 'SecurityIncident', id: hit.incident_id },
      { answer: hit.answer, userAgent: from.userAgent },
    );
    return hit;
  }
}

/**
 * Dismissing a staff account's incident, or trusting its addresses, takes the rights to manage that
 * account (as locking it does): RESOLVE_INCIDENTS alone decides about users only. Nor does a sub-admin
 * decide about an incident of its own (its session may be the intruder's); an admin may, since there
 * may be no one else.
 */
function assertMayResolve(ctx: Context, account: Account): void {
  const viewer = ctx.viewer!;
  if (account.role === Role.USER) return;
  assertMayManageRole(viewer, account.role);
  if (account.id === viewer.account.id && viewer.account.role !== Role.ADMIN) throw forbidden();
}
