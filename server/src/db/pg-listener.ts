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
 * (250 ms doubling, at most 10 s) when it drops. Used by every cross-instance feed.
 */
export class PgListener {
  private client: pg.Client | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly connectionString: string,
    private readonly channel: string,
    private readonly logger: Logger,
    private readonly handlers: PgListenerHandlers,
  ) {}

  /** Resolves once listening; rejects if the first connection fails. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.connect(0);
  }

  private async connect(attempt: number): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on('notification', (msg) => {
      if (msg.channel === this.channel) this.handlers.message(msg.payload ?? '');
    });
    const retry = (err: unknown) => {
      if (this.stopped || this.client !== client) return;
      this.client = undefined;
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
      await client.query(`LISTEN ${this.channel}`);
      this.handlers.connected?.();
    } catch (err) {
      retry(err);
      if (attempt === 0) throw err;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
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
