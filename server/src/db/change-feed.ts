import type { Logger } from 'pino';
import { PgListener } from './pg-listener.js';

/**
 * The channel the change triggers send on: the table name (ranges, truncates; migration 20261130110000),
 * `<table>:<id>` (ranges, per row; 20261130120000) or `auth` (rows of the auth tables, once per
 * transaction; 20261130140000).
 */
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
  private readonly listener: PgListener;
  private isLive = false;

  constructor(
    connectionString: string,
    private readonly logger: Logger,
  ) {
    this.listener = new PgListener(connectionString, TABLE_CHANGE_CHANNEL, logger, {
      message: (table) => this.emit(table || '*'),
      // Whatever changed while nobody listened is unknown: forget it all, then trust memory again.
      connected: () => {
        this.emit('*');
        this.isLive = true;
      },
      lost: () => (this.isLive = false),
    });
  }

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
    await this.listener.start();
  }

  async stop(): Promise<void> {
    this.isLive = false;
    await this.listener.stop();
  }
}

const WRITE = /\b(?:update|delete\s+from|truncate(?:\s+table)?)\s+(?:only\s+)?"?(\w+)"?/gi;
const WRITE_OR_INSERT = /\b(?:update|delete\s+from|truncate(?:\s+table)?|insert\s+into)\s+(?:only\s+)?"?(\w+)"?/gi;

/**
 * Whether a statement updates, deletes from or truncates one of `tables` (anywhere in it, CTEs too);
 * with `inserts`, inserting counts as well.
 */
export function writesTo(sql: string, tables: ReadonlySet<string>, inserts = false): boolean {
  for (const m of sql.matchAll(inserts ? WRITE_OR_INSERT : WRITE)) if (tables.has(m[1]!.toLowerCase())) return true;
  return false;
}
