import type { Logger } from 'pino';
import type { SqlPool } from '../../db/pool.js';
import { PgListener } from '../../db/pg-listener.js';

export const INCIDENT_CHANNEL = 'security_incident';

export enum IncidentEventKind {
  OPENED = 'OPENED',
  UPDATED = 'UPDATED',
  RESOLVED = 'RESOLVED',
}

/** What every subscriber receives: plain values, built once per event and shared by all sockets. */
export interface IncidentEventPayload {
  kind: IncidentEventKind;
  incidentId: string;
  accountId: string;
  accountEmail: string;
  severity: string;
  reason: string;
  status: string;
  impossibleTravel: boolean;
  openIncidents: number;
  occurredAt: Date;
}

type Listener = (payload: IncidentEventPayload) => void;

/**
 * Fan-out of incident events across instances. Whoever changes an incident sends
 * `NOTIFY security_incident '<kind>:<id>'` after its commit; every instance (the sender too) LISTENs
 * on a dedicated connection, reads the row once per event and hands the same payload object to each
 * local subscriber. A lost connection is re-established with back-off; subscribers then refetch
 * (the dashboard does so on reconnect).
 */
export class IncidentEventBus {
  private readonly listeners = new Set<Listener>();
  private readonly listener: PgListener;
  /** Events delivered to local listeners (for the metrics endpoint). */
  delivered = 0;

  constructor(
    private readonly pool: SqlPool,
    private readonly logger: Logger,
  ) {
    this.listener = new PgListener(pool.options.connectionString!, INCIDENT_CHANNEL, logger, {
      message: (payload) => void this.handle(payload),
    });
  }

  async start(): Promise<void> {
    await this.listener.start();
  }

  async stop(): Promise<void> {
    this.listeners.clear();
    await this.listener.stop();
  }

  /** Tells every instance; call after the change is committed. */
  async publish(kind: IncidentEventKind, incidentId: string): Promise<void> {
    await this.pool.query('select pg_notify($1, $2)', [INCIDENT_CHANNEL, `${kind}:${incidentId}`]);
  }

  private async handle(raw: string): Promise<void> {
    const [kind, id] = raw.split(':');
    if (!kind || !id || !(kind in IncidentEventKind) || this.listeners.size === 0) return;
    try {
      const { rows } = await this.pool.query<{
        account_id: string;
        email: string;
        severity: string;
        reason: string;
        status: string;
        impossible_travel: boolean;
        updated_at: Date;
        open_count: string;
      }>({
        name: 'incident_event_row',
        text: `select i.account_id, a.email, i.severity, i.reason, i.status, i.impossible_travel, i.updated_at,
                 (select count(*) from security_incident where status = 'OPEN') as open_count
               from security_incident i join account a on a.id = i.account_id where i.id = $1`,
        values: [id],
      });
      const r = rows[0];
      if (!r) return;
      const payload: IncidentEventPayload = Object.freeze({
        kind: kind as IncidentEventKind,
        incidentId: id,
        accountId: r.account_id,
        accountEmail: r.email,
        severity: r.severity,
        reason: r.reason,
        status: r.status,
        impossibleTravel: r.impossible_travel,
        openIncidents: Number(r.open_count),
        occurredAt: r.updated_at,
      });
      for (const l of this.listeners) {
        this.delivered++;
        l(payload);
      }
    } catch (err) {
      this.logger.warn({ err, event: raw }, 'could not read incident for its event');
    }
  }

  /**
   * A stream of events for one subscriber. Ends when the consumer stops (socket closed); a slow
   * consumer's backlog is capped so it cannot hold memory without bound.
   */
  subscribe(): AsyncIterableIterator<IncidentEventPayload> {
    const queue: IncidentEventPayload[] = [];
    let wake: ((r: IteratorResult<IncidentEventPayload>) => void) | undefined;
    let done = false;
    const listener: Listener = (p) => {
      if (wake) {
        const w = wake;
        wake = undefined;
        w({ value: p, done: false });
      } else if (queue.length < 100) queue.push(p);
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
