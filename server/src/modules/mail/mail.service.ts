import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { SqlPool } from '../../db/pool.js';
import { open, seal } from '../../common/crypto/secret-box.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** How long a send waits for the SMTP server: to connect, for its greeting, and for any answer. */
export const SMTP_TIMEOUTS_MS = { connect: 10_000, greeting: 10_000, socket: 20_000 };

/** Retries of notifications (see MailService.notify). */
export const MAIL_RETRY = {
  /** The wait after the first failed attempt; doubled after each further one, up to `maxDelayMs`. */
  firstDelayMs: 60_000,
  maxDelayMs: 30 * 60_000,
  /** Undelivered this long after it was written, a notification is given up (logged as an error). */
  giveUpAfterMs: 24 * 3_600_000,
  /** How long an attempt holds its message from the other instances (well past every SMTP timeout). */
  leaseMs: 5 * 60_000,
};

/** Where notifications wait for the mail server: the database (see QueuedMail) and the key sealing them. */
export interface MailQueue {
  pool: SqlPool;
  key: Buffer;
}

/**
 * Sends e-mail over SMTP (`SMTP_URL`) with nodemailer, or — with no SMTP configured — writes each
 * message as an `.eml` file into `<dataDir>/outbox`, so the product works without a mail server.
 * Notifications go through a queue in the database (see `notify`).
 */
export class MailService {
  private readonly transport: Transporter;
  readonly outboxDir: string | undefined;

  constructor(
    private readonly config: Config,
    private readonly logger: Logger,
    /** Absent only where nothing is notified (a unit test of `send`). */
    private readonly queue?: MailQueue,
  ) {
    if (config.smtpUrl) {
      // nodemailer's defaults wait 2 minutes to connect and 10 for a silent server: a code e-mail would
      // hold its request (and the user's cool-down) that long. A few pooled connections, short waits.
      // (The transport's options, not createTransport's second argument: that one holds message defaults.)
      this.transport = nodemailer.createTransport(
        new SMTPTransport({
          url: config.smtpUrl,
          connectionTimeout: SMTP_TIMEOUTS_MS.connect,
          greetingTimeout: SMTP_TIMEOUTS_MS.greeting,
          socketTimeout: SMTP_TIMEOUTS_MS.socket,
        }),
      );
    } else {
      this.outboxDir = path.join(config.dataDir, 'outbox');
      this.transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    }
  }

  /** Sends and waits: for messages the user needs now (codes). Throws when the server refuses. */
  async send(message: MailMessage): Promise<void> {
    const info = (await this.transport.sendMail({ from: this.config.mailFrom, ...message })) as { message?: Buffer };
    if (this.outboxDir && info.message) {
      await mkdir(this.outboxDir, { recursive: true, mode: 0o700 });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${Math.random().toString(36).slice(2, 8)}.eml`;
      await writeFile(path.join(this.outboxDir, name), info.message, { mode: 0o600 });
    }
  }

  /**
   * Notifications: never hold up or fail the request that caused them, and never lost to a mail server
   * that is down or a restart. Each is written to the queue (sealed) and tried at once; one that fails
   * for a passing reason (no connection, a 4xx answer) is tried again with growing waits by whichever
   * instance's maintenance round comes first (`deliverDue`), for up to a day; a permanent refusal (5xx)
   * or a day of failures gives it up, logged as an error. Should the database refuse the queue, it is
   * sent at once without one.
   */
  notify(message: MailMessage): void {
    const sending = this.enqueue(message)
      .then(
        (queued) => this.attempt(queued, message),
        async (err: unknown) => {
          this.logger.warn({ err, subject: message.subject }, 'notification e-mail not queued: sent without retries');
          await this.send(message);
        },
      )
      .catch((err: unknown) => this.logger.warn({ err, subject: message.subject }, 'notification e-mail failed'))
      .finally(() => this.inFlight.delete(sending));
    this.inFlight.add(sending);
  }

  private readonly inFlight = new Set<Promise<void>>();

  /** Writes a message to the queue, held for this instance's first attempt (see MAIL_RETRY.leaseMs). */
  private async enqueue(message: MailMessage): Promise<Queued> {
    if (!this.queue) throw new Error('no mail queue');
    const id = randomUUID();
    const sealed = seal(this.queue.key, JSON.stringify(message), sealedFor(id));
    const { rows } = await this.queue.pool.query<{ created_at: Date }>(
      `insert into mail_queue (id, sealed, next_attempt_at) values ($1, $2, now() + make_interval(secs => $3))
       returning created_at`,
      [id, sealed, MAIL_RETRY.leaseMs / 1000],
    );
    return { id, attempts: 0, createdAt: rows[0]!.created_at };
  }

  /**
   * One try of a queued message: deleted when the mail server took it (or refused it for good, or a
   * day has gone by), otherwise put back with the next wait. Never throws for the mail server's answer.
   */
  private async attempt(queued: Queued, message: MailMessage): Promise<void> {
    const pool = this.queue!.pool;
    let error: unknown;
    try {
      await this.send(message);
    } catch (err) {
      error = err;
    }
    if (error === undefined) {
      await pool.query(`delete from mail_queue where id = $1`, [queued.id]);
      return;
    }
    const attempts = queued.attempts + 1;
    const permanent = isPermanentRefusal(error);
    if (permanent || Date.now() - queued.createdAt.getTime() >= MAIL_RETRY.giveUpAfterMs) {
      await pool.query(`delete from mail_queue where id = $1`, [queued.id]);
      this.logger.error(
        { err: error, subject: message.subject, attempts, queuedAt: queued.createdAt },
        permanent
          ? 'notification e-mail refused by the mail server: given up'
          : 'notification e-mail undelivered for a day: given up',
      );
      return;
    }
    const waitMs = Math.min(MAIL_RETRY.firstDelayMs * 2 ** (attempts - 1), MAIL_RETRY.maxDelayMs);
    await pool.query(
      `update mail_queue set attempts = $2, last_error = $3, next_attempt_at = now() + make_interval(secs => $4) where id = $1`,
      [queued.id, attempts, describe(error), waitMs / 1000],
    );
    this.logger.warn(
      { err: error, subject: message.subject, attempts, retryInSeconds: waitMs / 1000 },
      'notification e-mail failed: will retry',
    );
  }

  /**
   * Tries the queued messages that are due (maintenance rounds, every instance): each is held for this
   * instance while it is tried (`for update skip locked`, then a lease), so two instances never send one
   * message twice. Batches until none is due or `withinMs` is spent. Returns how many were tried.
   */
  async deliverDue(withinMs = 30_000): Promise<number> {
    if (!this.queue) return 0;
    const { pool, key } = this.queue;
    const deadline = Date.now() + withinMs;
    let tried = 0;
    for (;;) {
      const { rows } = await pool.query<{ id: string; sealed: string; attempts: number; created_at: Date }>(
        `with due as (
           select id from mail_queue where next_attempt_at <= now() order by next_attempt_at limit $1 for update skip locked
         )
         update mail_queue q set next_attempt_at = now() + make_interval(secs => $2)
           from due where q.id = due.id
         returning q.id, q.sealed, q.attempts, q.created_at`,
        [DUE_BATCH, MAIL_RETRY.leaseMs / 1000],
      );
      for (const row of rows) {
        let message: MailMessage;
        try {
          message = JSON.parse(open(key, row.sealed, sealedFor(row.id))) as MailMessage;
        } catch (err) {
          // Sealed with another key (the data folder's keys replaced): it can never be read.
          await pool.query(`delete from mail_queue where id = $1`, [row.id]);
          this.logger.error({ err, queuedAt: row.created_at }, 'queued notification e-mail unreadable with this key: dropped');
          continue;
        }
        await this.attempt({ id: row.id, attempts: row.attempts, createdAt: row.created_at }, message);
        tried++;
      }
      if (rows.length < DUE_BATCH || Date.now() >= deadline) return tried;
    }
  }

  /**
   * Waits for notifications still being tried (before a CLI command or the server exits), at most
   * `withinMs`: a stalled SMTP server must not hold a shutdown past its deadline. True when all left.
   * One not through by then stays queued: the next maintenance round (of any instance, or of this one
   * after its restart) sends it once its hold has passed.
   */
  async drain(withinMs = SMTP_TIMEOUTS_MS.socket): Promise<boolean> {
    const deadline = Date.now() + withinMs;
    while (this.inFlight.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all([...this.inFlight]), new Promise((r) => (timer = setTimeout(r, left)))]);
      clearTimeout(timer);
    }
    if (this.inFlight.size > 0)
      this.logger.warn({ unsent: this.inFlight.size }, 'notification e-mails still being sent at shutdown: they stay queued');
    return this.inFlight.size === 0;
  }
}

interface Queued {
  id: string;
  /** Attempts that failed before this one. */
  attempts: number;
  createdAt: Date;
}

/** How many due messages one query takes. */
const DUE_BATCH = 20;

/** A queued message's associated data: its ciphertext opens only as that row. */
const sealedFor = (id: string) => `mail_queue:${id}`;

/** The mail server said no for good (a 5xx answer: no such mailbox, message refused). */
function isPermanentRefusal(err: unknown): boolean {
  const code = (err as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

function describe(err: unknown): string {
  const e = err as { response?: unknown; code?: unknown; message?: unknown } | null;
  const text = typeof e?.response === 'string' ? e.response : typeof e?.message === 'string' ? e.message : String(err);
  return (typeof e?.code === 'string' ? `${e.code}: ${text}` : text).slice(0, 500);
}
