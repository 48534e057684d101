import pg from 'pg';
import type { Logger } from 'pino';

/** The channel the `notify_table_change` trigger (migration 20261130) sends on: payload = table name. */
export const TABLE_CHANGE_CHANNEL = 'sc_table_change';

type Handler = (table: string) => void;

/**
 * Tells this instance when any instance commits a change to a table whose rows it keeps in memory.
 * Triggers on those tables `NOTIFY sc_table_change '<table>'` at commit; one dedicated connection
 * LISTENs. Caches may serve from memory only while `live` is true: a lost connection means changes
 * may have been missed, so `live` turns false at once (callers go to the database), the connection is
 * re-established with back-off, and every handler is called with `*` (forget everything) before
 * `live` is true again.
 */
export class ChangeFeed {
  private readonly handlers = new Set<Handler>();
  private client: pg.Client | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private isLive = false;

  constructor(
    private readonly connectionString: string,
    private readonly logger: Logger,
  ) {}

  get live(): boolean {
    return this.isLive;
  }

  on(handler: Handler): void {
    this.handlers.add(handler);
  }

  private emit(table: string): void {
    for (const h of this.handlers) {
      try {
        h(table);
      } catch (err) {
        this.logger.error({ err, table }, 'table change handler failed');
      }
    }
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect(0);
  }

  private async connect(attempt: number): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on('notification', (msg) => {
      if (msg.channel === TABLE_CHANGE_CHANNEL) this.emit(msg.payload ?? '*');
    });
    const retry = (err: unknown) => {
      this.isLive = false;
      if (this.stopped || this.client !== client) return;
      this.client = undefined;
      this.logger.warn({ err }, 'table change listener lost its connection; caches are bypassed until it is back');
      client.removeAllListeners();
      client.on('error', () => undefined);
      void client.end().catch(() => undefined);
      const delay = Math.min(10_000, 250 * 2 ** attempt);
      this.retryTimer = setTimeout(() => void this.connect(attempt + 1).catch(() => undefined), delay);
    };
    client.on('error', retry);
    client.on('end', () => retry(new Error('connection ended')));
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${TABLE_CHANGE_CHANNEL}`);
      // Whatever changed while nobody listened is unknown: forget it all, then trust memory again.
      this.emit('*');
      this.isLive = true;
    } catch (err) {
      retry(err);
      if (attempt === 0) throw err;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.isLive = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const c = this.client;
    this.client = undefined;
    if (c) {
      c.removeAllListeners();
      c.on('error', () => undefined);
      await c.end().catch(() => undefined);
    }
  }
}

const WRITE = /\b(?:update|delete\s+from|truncate(?:\s+table)?)\s+(?:only\s+)?"?(\w+)"?/gi;

/** Whether a statement updates, deletes from or truncates one of `tables` (anywhere in it, CTEs too). */
export function writesTo(sql: string, tables: ReadonlySet<string>): boolean {
  for (const m of sql.matchAll(WRITE)) if (tables.has(m[1]!.toLowerCase())) return true;
  return false;
}
