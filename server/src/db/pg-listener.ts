import pg from 'pg';
import type { Logger } from 'pino';

export interface PgListenerHandlers {
  /** Each notification's payload on the channel. */
  message(payload: string): void;
  /** The connection is listening (first time or again after a loss); notifications sent meanwhile are lost. */
  connected?(): void;
  /** The connection was lost; it is re-established with back-off. */
  lost?(): void;
}

/**
 * One dedicated PostgreSQL connection LISTENing on one channel, re-established with back-off
 * (250 ms doubling, at most 10 s, from 250 ms again after each success) when it drops. Used by every
 * cross-instance feed.
 *
 * A connection can also die without a word (a NAT or load balancer forgetting an idle flow, a failover
 * without a reset): no error, no end, and no notification ever again, while everything that relies on
 * the feed (the auth cache, the in-memory IP ranges) would go on trusting it. So a heartbeat asks the
 * connection for `select 1` every `heartbeatMs`; no answer within that time counts as a loss.
 */
export class PgListener {
  private client: pg.Client | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly connectionString: string,
    private readonly channel: string,
    private readonly logger: Logger,
    private readonly handlers: PgListenerHandlers,
    private readonly heartbeatMs = 10_000,
  ) {}

  /** Resolves once listening; rejects if the first connection fails. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.connect(0);
  }

  private async connect(attempt: number): Promise<void> {
    // A connection attempt or LISTEN that hangs (a silent network) counts as a failure too, or the
    // feed would wait for ever without retrying.
    const setupTimeoutMs = Math.max(5_000, this.heartbeatMs);
    const client = new pg.Client({
      connectionString: this.connectionString,
      keepAlive: true,
      connectionTimeoutMillis: setupTimeoutMs,
      // Named for operators (pg_stat_activity): its last query is mostly the heartbeat's.
      application_name: `listen:${this.channel}`,
    });
    client.on('notification', (msg) => {
      if (msg.channel === this.channel) this.handlers.message(msg.payload ?? '');
    });
    const retry = (err: unknown) => {
      if (this.stopped || this.client !== client) return;
      this.client = undefined;
      clearInterval(this.heartbeat);
      this.handlers.lost?.();
      this.logger.warn({ err, channel: this.channel }, 'LISTEN connection lost; reconnecting');
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
      const listen: pg.QueryConfig & { query_timeout: number } = {
        text: `LISTEN ${this.channel}`,
        query_timeout: setupTimeoutMs,
      };
      await client.query(listen);
      if (this.stopped || this.client !== client) return; // stopped (or lost) meanwhile
      // `query_timeout` per query is honoured by node-postgres but missing from its types.
      const ping: pg.QueryConfig & { query_timeout: number } = { text: 'select 1', query_timeout: this.heartbeatMs };
      this.heartbeat = setInterval(() => {
        client.query(ping).then(() => {
          // Listening and answering: the next loss starts its back-off from the beginning again (not
          // on connecting, or a connection dropped at once would be retried every 250 ms for ever).
          attempt = 0;
        }, retry);
      }, this.heartbeatMs);
      this.heartbeat.unref();
      this.handlers.connected?.();
    } catch (err) {
      retry(err);
      if (attempt === 0) throw err;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    clearInterval(this.heartbeat);
    const c = this.client;
    this.client = undefined;
    if (c) {
      c.removeAllListeners();
      c.on('error', () => undefined);
      await c.end().catch(() => undefined);
    }
  }
}
