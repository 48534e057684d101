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
   * for a passing reason (no connection, a 4xx answer, the server refusing our login or sender) is tried
   * again with growing waits by whichever instance's retry round comes first (`deliverDue`), for up to
   * a day; the mail server refusing the recipient or the message itself (5xx), or a day gone by, gives
   * it up, logged as an error. Should the database refuse the queue, it is sent at once without one.
   * Delivery is at least once: a send whose answer is lost (a timeout after the message was handed
   * over, a shutdown between the send and its bookkeeping) is sent again.
   */
  notify(message: MailMessage): void {
    this.track(
      this.enqueue(message).then(
        (held) => this.attempt(held, message),
        async (err: unknown) => {
          this.logger.warn(
            { err: errorSummary(err), subject: withoutAddresses(message.subject) },
            'notification e-mail not queued: sent without retries',
          );
          try {
            await this.send(message);
            this.delivery.sent++;
          } catch (sendErr) {
            this.delivery.givenUp++;
            this.delivery.lastError = describeFailure(errorSummary(sendErr));
            throw sendErr;
          }
        },
      ),
      message.subject,
    );
  }

  /**
   * What became of this process's notifications so far: taken by the mail server (or written to the
   * outbox), left queued for a retry round (with the last reason), or given up (refused for good, or
   * not queued and then not sent either). The CLI says which to the person at the shell.
   */
  readonly delivery = { sent: 0, queuedForRetry: 0, givenUp: 0, lastError: null as string | null };

  private readonly inFlight = new Set<Promise<void>>();
  /** Set by `drain`: retry rounds start no further sends (a shutdown is under way). */
  private stopping = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retrying: Promise<unknown> | undefined;

  private track(work: Promise<unknown>, subject?: string): void {
    const tracked = work
      .then(() => undefined)
      .catch((err: unknown) =>
        this.logger.warn({ err: errorSummary(err), subject: subject && withoutAddresses(subject) }, 'notification e-mail failed'),
      )
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /** Retry rounds every `intervalMs` (the server; the CLI leaves its failures to them). */
  startRetries(intervalMs: number): void {
    if (!this.queue || this.retryTimer) return;
    this.retryTimer = setInterval(() => {
      if (this.retrying || this.stopping) return;
      const round = this.deliverDue().finally(() => {
        this.retrying = undefined;
      });
      this.retrying = round;
      this.track(round);
    }, intervalMs);
    this.retryTimer.unref();
  }

  /** Writes a message to the queue, held for this instance's first attempt (see MAIL_RETRY.leaseMs). */
  private async enqueue(message: MailMessage): Promise<Held> {
    if (!this.queue) throw new Error('no mail queue');
    const id = randomUUID();
    const claim = randomUUID();
    const sealed = seal(this.queue.key, JSON.stringify(message), sealedFor(id));
    const { rows } = await this.queue.pool.query<{ created_at: Date }>(
      `insert into mail_queue (id, sealed, claim, next_attempt_at) values ($1, $2, $3, now() + make_interval(secs => $4))
       returning created_at`,
      [id, sealed, claim, MAIL_RETRY.leaseMs / 1000],
    );
    return { id, claim, attempts: 0, createdAt: rows[0]!.created_at };
  }

  /**
   * One try of a held message: deleted when the mail server took it (or refused it for good),
   * otherwise put back with the next wait. Its bookkeeping touches the row only while this try still
   * holds it (`claim`): a try that outlived its hold leaves the row to whoever holds it now.
   */
  private async attempt(held: Held, message: MailMessage): Promise<void> {
    const pool = this.queue!.pool;
    let error: unknown;
    try {
      await this.send(message);
    } catch (err) {
      error = err;
    }
    if (error === undefined) {
      this.delivery.sent++;
      await pool.query(`delete from mail_queue where id = $1 and claim = $2`, [held.id, held.claim]);
      return;
    }
    const attempts = held.attempts + 1;
    const summary = errorSummary(error);
    this.delivery.lastError = describeFailure(summary);
    if (isPermanentRefusal(error)) {
      this.delivery.givenUp++;
      await this.giveUp(held, message, describeFailure(summary));
      this.logger.error(
        { err: summary, subject: withoutAddresses(message.subject), attempts },
        'notification e-mail refused by the mail server: given up',
      );
      return;
    }
    this.delivery.queuedForRetry++;
    const waitMs = Math.min(MAIL_RETRY.firstDelayMs * 2 ** (attempts - 1), MAIL_RETRY.maxDelayMs);
    await pool.query(
      `update mail_queue set attempts = $3, last_error = $4, claim = null, next_attempt_at = now() + make_interval(secs => $5)
        where id = $1 and claim = $2`,
      [held.id, held.claim, attempts, describeFailure(summary), waitMs / 1000],
    );
    this.logger.warn(
      { err: summary, subject: withoutAddresses(message.subject), attempts, retryInSeconds: waitMs / 1000 },
      'notification e-mail failed: will retry',
    );
  }

  /**
   * Marks a held message given up (while this try still holds it): out of the rounds, kept a week for
   * admins (`deliveryProblems`) with only its recipient and subject (its text, links included, goes).
   */
  private async giveUp(held: Pick<Held, 'id' | 'claim'>, message: MailMessage, reason: string | null): Promise<void> {
    const { pool, key } = this.queue!;
    const sealed = seal(key, JSON.stringify({ to: message.to, subject: message.subject, text: '' }), sealedFor(held.id));
    await pool.query(
      `update mail_queue set given_up_at = now(), next_attempt_at = 'infinity', claim = null, sealed = $3,
              last_error = coalesce($4, last_error)
        where id = $1 and claim = $2`,
      [held.id, held.claim, sealed, reason],
    );
  }

  /**
   * What admins should know of notification delivery: messages a try failed for that still wait, and
   * those given up in the last week (recipient, subject, when, the server's last answer): the waiting
   * ones first, each kind newest first.
   */
  async deliveryProblems(limit: number): Promise<DeliveryProblems> {
    if (!this.queue) return { waiting: 0, givenUp: 0, messages: [] };
    const { pool, key } = this.queue;
    const {
      rows: [counts],
    } = await pool.query<{ waiting: number; given_up: number }>(
      `select count(*) filter (where given_up_at is null and attempts > 0)::int as waiting,
              count(*) filter (where given_up_at is not null)::int as given_up
         from mail_queue`,
    );
    const { rows } = await pool.query<{
      id: string;
      sealed: string;
      created_at: Date;
      attempts: number;
      last_error: string | null;
      next_attempt_at: Date;
      given_up_at: Date | null;
    }>(
      `select id, sealed, created_at, attempts, last_error, next_attempt_at, given_up_at from mail_queue
        where given_up_at is not null or attempts > 0
        order by given_up_at is not null, coalesce(given_up_at, created_at) desc limit $1`,
      [limit],
    );
    const messages = rows.map((r) => {
      let to: string | null = null;
      let subject: string | null = null;
      try {
        ({ to, subject } = JSON.parse(open(key, r.sealed, sealedFor(r.id))) as MailMessage);
      } catch {
        // Sealed with keys since replaced: a waiting one is dropped by the next round, a given-up one after its week.
      }
      return {
        to,
        subject,
        queuedAt: r.created_at,
        attempts: r.attempts,
        lastError: r.last_error,
        nextAttemptAt: r.given_up_at ? null : r.next_attempt_at,
        givenUpAt: r.given_up_at,
      };
    });
    return { waiting: counts!.waiting, givenUp: counts!.given_up, messages };
  }

  /**
   * Tries the queued messages that are due (retry rounds, every instance), one at a time: each is held
   * for this try (`for update skip locked`, then a hold of MAIL_RETRY.leaseMs marked with a claim of its
   * own), so two instances never try one message at once. A message queued more than a day ago is given
   * up unsent. Stops when none is due, `withinMs` is spent or a shutdown began. Returns how many were tried.
   */
  async deliverDue(withinMs = 30_000): Promise<number> {
    if (!this.queue) return 0;
    const { pool, key } = this.queue;
    const deadline = Date.now() + withinMs;
    let tried = 0;
    await pool.query(`delete from mail_queue where given_up_at < now() - make_interval(days => $1)`, [GIVEN_UP_KEPT_DAYS]);
    while (!this.stopping && Date.now() < deadline) {
      const claim = randomUUID();
      const {
        rows: [row],
      } = await pool.query<{ id: string; sealed: string; attempts: number; created_at: Date }>(
        `update mail_queue q set claim = $1, next_attempt_at = now() + make_interval(secs => $2)
          where q.id = (select id from mail_queue where next_attempt_at <= now() and given_up_at is null
                        order by next_attempt_at limit 1 for update skip locked)
         returning q.id, q.sealed, q.attempts, q.created_at`,
        [claim, MAIL_RETRY.leaseMs / 1000],
      );
      if (!row) break;
      let message: MailMessage;
      try {
        message = JSON.parse(open(key, row.sealed, sealedFor(row.id))) as MailMessage;
      } catch (err) {
        // Sealed with another key (the data folder's keys replaced): it can never be read.
        await pool.query(`delete from mail_queue where id = $1 and claim = $2`, [row.id, claim]);
        this.logger.error(
          { err: errorSummary(err), queuedAt: row.created_at },
          'queued notification e-mail unreadable with this key: dropped',
        );
        continue;
      }
      if (Date.now() - row.created_at.getTime() >= MAIL_RETRY.giveUpAfterMs) {
        await this.giveUp({ id: row.id, claim }, message, null);
        this.logger.error(
          { attempts: row.attempts, queuedAt: row.created_at, subject: withoutAddresses(message.subject) },
          'notification e-mail undelivered for a day: given up',
        );
        continue;
      }
      await this.attempt({ id: row.id, claim, attempts: row.attempts, createdAt: row.created_at }, message);
      tried++;
    }
    return tried;
  }

  /**
   * Stops the retry rounds and waits for the notifications still being tried (before a CLI command or
   * the server exits), at most `withinMs`: a stalled SMTP server must not hold a shutdown past its
   * deadline. True when all left. One not through by then stays queued: the next retry round (of any
   * instance, or of this one after its restart) sends it once its hold has passed.
   */
  async drain(withinMs = SMTP_TIMEOUTS_MS.socket): Promise<boolean> {
    this.stopping = true;
    clearInterval(this.retryTimer);
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

interface Held {
  id: string;
  /** Marks this try's hold on the row. */
  claim: string;
  /** Attempts that failed before this one. */
  attempts: number;
  createdAt: Date;
}

/** How long a given-up notification stays for admins to see. */
const GIVEN_UP_KEPT_DAYS = 7;

export interface UndeliveredMail {
  /** Null when the message cannot be read any more (sealed with keys since replaced). */
  to: string | null;
  subject: string | null;
  queuedAt: Date;
  attempts: number;
  lastError: string | null;
  /** When it is tried next; null once given up. */
  nextAttemptAt: Date | null;
  givenUpAt: Date | null;
}

export interface DeliveryProblems {
  /** Notifications a try failed for, still to be tried again. */
  waiting: number;
  /** Notifications given up in the last week. */
  givenUp: number;
  messages: UndeliveredMail[];
}

/**
 * Text for logs and admins with e-mail addresses and links taken out: incident subjects name accounts,
 * servers quote recipients, and a content filter's refusal may quote the message (a reset link).
 */
function withoutAddresses(text: string): string {
  return text.replace(/\bhttps?:\/\/\S+/gi, '<link>').replace(/<?[^\s<>@"]+@[^\s<>"]+>?/g, '<address>');
}

/** A send's failure as stored: codes first, then the server's words (any address already taken out). */
function describeFailure(summary: ReturnType<typeof errorSummary>): string {
  return `${summary.code ?? ''} ${summary.responseCode ?? ''} ${summary.message}`.trim().replace(/\s+/g, ' ');
}

/** A queued message's associated data: its ciphertext opens only as that row. */
const sealedFor = (id: string) => `mail_queue:${id}`;

/**
 * The mail server refused this recipient (5xx to RCPT TO: no such mailbox) or this message (5xx after
 * DATA: content, size): sending it again cannot help. A 5xx to our login, our sender or the greeting
 * is the server's or our configuration's problem (a rotated password, a wrong MAIL_FROM), which an
 * administrator fixes: those are retried, so no alert is lost to a setting.
 */
function isPermanentRefusal(err: unknown): boolean {
  const e = err as { responseCode?: unknown; code?: unknown; command?: unknown } | null;
  if (typeof e?.responseCode !== 'number' || e.responseCode < 500 || e.responseCode >= 600) return false;
  return (e.code === 'EENVELOPE' && e.command === 'RCPT TO') || e.code === 'EMESSAGE';
}

/**
 * What is logged and stored of a send's failure: its codes and the server's words with any e-mail
 * address taken out (servers quote the recipient; nodemailer's error also lists the rejected addresses,
 * which a whole-error log entry would repeat at every retry).
 */
export function errorSummary(err: unknown): { code?: string; responseCode?: number; command?: string; message: string } {
  const e = err as { response?: unknown; code?: unknown; responseCode?: unknown; command?: unknown; message?: unknown } | null;
  const text = typeof e?.response === 'string' ? e.response : typeof e?.message === 'string' ? e.message : String(err);
  return {
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    ...(typeof e?.responseCode === 'number' ? { responseCode: e.responseCode } : {}),
    ...(typeof e?.command === 'string' ? { command: e.command } : {}),
    message: withoutAddresses(text).slice(0, 300),
  };
}
