import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { SqlPool } from '../../db/pool.js';
import { PgListener } from '../../db/pg-listener.js';

export const INCIDENT_CHANNEL = 'security_incident';

export enum IncidentEventKind {
  OPENED = 'OPENED',
  UPDATED = 'UPDATED',
  RESOLVED = 'RESOLVED',
  DELETED = 'DELETED',
}

/**
 * What a subscriber receives: plain values, built once per event and shared by every socket that may
 * see it and sees the same accounts (`openIncidents` counts only the incidents of the roles it may see).
 */
export interface IncidentEventPayload {
  kind: IncidentEventKind;
  incidentId: string;
  accountId: string;
  accountEmail: string;
  /** The incident's account's role: who may see the event (see `visibleRoles`). */
  accountRole: string;
  severity: string;
  reason: string;
  status: string;
  impossibleTravel: boolean;
  /** Open incidents after this change, of accounts of the subscriber's visible roles. */
  openIncidents: number;
  occurredAt: Date;
}

/** The event as read once per instance: the open incidents counted per role of their accounts. */
interface IncidentEventRow extends Omit<IncidentEventPayload, 'openIncidents'> {
  openByRole: Readonly<Record<string, number>>;
}

type Listener = (row: IncidentEventRow) => void;

/**
 * One frozen payload per (event, set of visible roles), made by the first subscriber of that set that
 * receives it: sockets seeing the same accounts get the same object, so the WebSocket server computes
 * the GraphQL result once for all of them (see ws.ts).
 */
const views = new WeakMap<IncidentEventRow, Map<string, IncidentEventPayload>>();

function viewOf(row: IncidentEventRow, roles: readonly string[], key: string): IncidentEventPayload {
  let perRoles = views.get(row);
  if (!perRoles) views.set(row, (perRoles = new Map()));
  let view = perRoles.get(key);
  if (!view) {
    const { openByRole, ...rest } = row;
    perRoles.set(key, (view = Object.freeze({ ...rest, openIncidents: openOfRoles(openByRole, roles) })));
  }
  return view;
}

/**
 * Open incidents in all (an index-only count) and of staff accounts per role (from the few staff
 * accounts, through the one-open-incident-per-account index): cheap with thousands of users' open
 * incidents, as each event and each badge reads it. The users' are the rest.
 */
export const OPEN_INCIDENTS_SQL = `select (select count(*) from security_incident where status = 'OPEN')::int as total,
    coalesce((select json_object_agg(role, n) from (
      select a.role, count(*)::int as n from account a join security_incident i on i.account_id = a.id and i.status = 'OPEN'
       where a.role in ('ADMIN', 'SUB_ADMIN') group by a.role) s), '{}') as staff`;

/** Open incidents of accounts of `roles`, from the counts per role. */
export function openOfRoles(openByRole: Readonly<Record<string, number>>, roles: readonly string[]): number {
  return roles.reduce((n, role) => n + (openByRole[role] ?? 0), 0);
}

/** `OPEN_INCIDENTS_SQL`'s row as open incidents per role of their accounts. */
export function openByRoleOf(row: { total: number; staff: Record<string, number> } | undefined): Record<string, number> {
  const staff = row?.staff ?? {};
  const ofStaff = Object.values(staff).reduce((a, b) => a + b, 0);
  return { ...staff, USER: Math.max(0, (row?.total ?? 0) - ofStaff) };
}

/**
 * Fan-out of incident events across instances. Whoever changes an incident sends
 * `NOTIFY security_incident '<kind>:<id>'` (in the change's own transaction where it has one, so the
 * event goes out exactly when the change commits); every instance (the sender too) LISTENs on a
 * dedicated connection, reads the row once per event and hands the same payload object to each local
 * subscriber, in the order the notifications came. An incident deleted with its account has no row
 * left to read: its notification carries what the event needs (`DELETED:<json>`).
 *
 * A lost connection is re-established with back-off, but what was sent meanwhile is lost: once it
 * listens again, `onResync` handlers run (the WebSocket server closes its sockets with a code that
 * makes the dashboard reconnect and refetch the open count and lists).
 */
export class IncidentEventBus {
  private readonly listeners = new Set<Listener>();
  private readonly resyncs = new Set<() => void>();
  private readonly listener: PgListener;
  /** Notifications are handled one after the other: events reach subscribers in the order sent. */
  private chain: Promise<void> = Promise.resolve();
  private lostSinceStart = false;
  /** Events delivered to local listeners (for the metrics endpoint). */
  delivered = 0;

  constructor(
    private readonly pool: SqlPool,
    private readonly logger: Logger,
    heartbeatMs?: number,
  ) {
    this.listener = new PgListener(
      pool.options.connectionString!,
      INCIDENT_CHANNEL,
      logger,
      {
        message: (payload) => this.receive(payload),
        lost: () => {
          this.lostSinceStart = true;
        },
        connected: () => {
          if (!this.lostSinceStart) return;
          this.lostSinceStart = false;
          for (const r of this.resyncs) r();
        },
      },
      heartbeatMs,
    );
  }

  async start(): Promise<void> {
    this.lostSinceStart = false;
    await this.listener.start();
  }

  async stop(): Promise<void> {
    this.listeners.clear();
    this.resyncs.clear();
    await this.listener.stop();
  }

  /** `handler` runs whenever events may have been missed (the LISTEN connection was lost and is back). */
  onResync(handler: () => void): () => void {
    this.resyncs.add(handler);
    return () => this.resyncs.delete(handler);
  }

  /** Tells every instance, at once; for a change already committed outside any transaction. */
  async publish(kind: IncidentEventKind, incidentId: string): Promise<void> {
    await this.pool.query('select pg_notify($1, $2)', [INCIDENT_CHANNEL, `${kind}:${incidentId}`]);
  }

  /** Tells every instance when `tx`'s transaction commits (and nobody if it rolls back). */
  async publishIn(tx: EntityManager, kind: IncidentEventKind, incidentId: string): Promise<void> {
    await tx.execute('select pg_notify(?, ?)', [INCIDENT_CHANNEL, `${kind}:${incidentId}`]);
  }

  /**
   * In `tx`, before an account's deletion removes its incidents: a DELETED event for each open one,
   * sent when the deletion commits (the dashboards' open count drops).
   */
  async publishDeletionIn(tx: EntityManager, accountId: string): Promise<void> {
    await tx.execute(
      `select pg_notify(?, 'DELETED:' || json_build_object('id', i.id, 'accountId', i.account_id, 'email', a.email,
                 'role', a.role, 'severity', i.severity, 'reason', i.reason, 'impossibleTravel', i.impossible_travel)::text)
         from security_incident i join account a on a.id = i.account_id
        where i.account_id = ? and i.status = 'OPEN'`,
      [INCIDENT_CHANNEL, accountId],
    );
  }

  /** One notification's payload, handled after those received before it. */
  receive(payload: string): Promise<void> {
    return (this.chain = this.chain.then(() => this.handle(payload)));
  }

  private async handle(raw: string): Promise<void> {
    const colon = raw.indexOf(':');
    const kind = raw.slice(0, colon);
    const rest = raw.slice(colon + 1);
    if (colon < 1 || !rest || !(kind in IncidentEventKind) || this.listeners.size === 0) return;
    try {
      const row =
        kind === IncidentEventKind.DELETED ? await this.deleted(rest) : await this.read(kind as IncidentEventKind, rest);
      if (!row) return;
      for (const l of this.listeners) l(row);
    } catch (err) {
      this.logger.warn({ err, event: raw }, 'could not read incident for its event');
    }
  }

  private async read(kind: IncidentEventKind, id: string): Promise<IncidentEventRow | null> {
    const { rows } = await this.pool.query<{
      account_id: string;
      email: string;
      role: string;
      severity: string;
      reason: string;
      status: string;
      impossible_travel: boolean;
      updated_at: Date;
      total: number;
      staff: Record<string, number>;
    }>({
      name: 'incident_event_row',
      text: `select i.account_id, a.email, a.role, i.severity, i.reason, i.status, i.impossible_travel, i.updated_at,
               o.total, o.staff
             from security_incident i join account a on a.id = i.account_id, (${OPEN_INCIDENTS_SQL}) o where i.id = $1`,
      values: [id],
    });
    const r = rows[0];
    if (!r) return null;
    return Object.freeze({
      kind,
      incidentId: id,
      accountId: r.account_id,
      accountEmail: r.email,
      accountRole: r.role,
      severity: r.severity,
      reason: r.reason,
      status: r.status,
      impossibleTravel: r.impossible_travel,
      openByRole: Object.freeze(openByRoleOf(r)),
      occurredAt: r.updated_at,
    });
  }

  /** An incident gone with its account: what the notification carried, and the open count now. */
  private async deleted(json: string): Promise<IncidentEventRow> {
    const d = JSON.parse(json) as {
      id: string;
      accountId: string;
      email: string;
      role?: string;
      severity: string;
      reason: string;
      impossibleTravel: boolean;
    };
    const { rows } = await this.pool.query<{ total: number; staff: Record<string, number> }>({
      name: 'incident_open_by_role',
      text: OPEN_INCIDENTS_SQL,
    });
    return Object.freeze({
      kind: IncidentEventKind.DELETED,
      incidentId: d.id,
      accountId: d.accountId,
      accountEmail: d.email,
      // A notification from an instance of an older version carries no role: admins only, to be safe.
      accountRole: d.role ?? 'ADMIN',
      severity: d.severity,
      reason: d.reason,
      status: 'OPEN',
      impossibleTravel: d.impossibleTravel,
      openByRole: Object.freeze(openByRoleOf(rows[0])),
      occurredAt: new Date(),
    });
  }

  /**
   * A stream of the events about accounts of `roles` (what the subscriber may see), each counting the
   * open incidents of those roles only. Ends when the consumer stops (socket closed); a slow
   * consumer's backlog is capped so it cannot hold memory without bound.
   */
  subscribe(roles: readonly string[]): AsyncIterableIterator<IncidentEventPayload> {
    const queue: IncidentEventPayload[] = [];
    let wake: ((r: IteratorResult<IncidentEventPayload>) => void) | undefined;
    let done = false;
    const key = [...roles].sort().join(',');
    const listener: Listener = (row) => {
      if (!roles.includes(row.accountRole)) return;
      this.delivered++;
      const p = viewOf(row, roles, key);
      if (wake) {
        const w = wake;
        wake = undefined;
        w({ value: p, done: false });
      } else {
        // A consumer that does not keep up keeps the newest events (each carries the open count now).
        if (queue.length >= 100) queue.shift();
        queue.push(p);
      }
    };
    this.listeners.add(listener);
    const finish = (): Promise<IteratorResult<IncidentEventPayload>> => {
      done = true;
      this.listeners.delete(listener);
      if (wake) wake({ value: undefined, done: true });
      wake = undefined;
      return Promise.resolve({ value: undefined, done: true });
    };
    return {
      next: () => {
        if (done) return Promise.resolve({ value: undefined, done: true });
        const v = queue.shift();
        if (v) return Promise.resolve({ value: v, done: false });
        return new Promise((resolve) => (wake = resolve));
      },
      return: finish,
      throw: async (err: unknown) => {
        await finish();
        throw err;
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }
}
