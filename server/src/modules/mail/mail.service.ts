import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/**
 * Sends e-mail over SMTP (`SMTP_URL`) with nodemailer, or — with no SMTP configured — writes each
 * message as an `.eml` file into `<dataDir>/outbox`, so the product works without a mail server.
 */
/** How long a send waits for the SMTP server: to connect, for its greeting, and for any answer. */
export const SMTP_TIMEOUTS_MS = { connect: 10_000, greeting: 10_000, socket: 20_000 };

export class MailService {
  private readonly transport: Transporter;
  readonly outboxDir: string | undefined;

  constructor(
    private readonly config: Config,
    private readonly logger: Logger,
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

  /** Notifications: never hold up or fail the request that caused them; failures are logged. */
  notify(message: MailMessage): void {
    const sending = this.send(message)
      .catch((err: unknown) => this.logger.warn({ err, subject: message.subject }, 'notification e-mail failed'))
      .finally(() => this.inFlight.delete(sending));
    this.inFlight.add(sending);
  }

  private readonly inFlight = new Set<Promise<void>>();

  /**
   * Waits for notifications still being sent (before a CLI command or the server exits), at most
   * `withinMs`: a stalled SMTP server must not hold a shutdown past its deadline. True when all left.
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
    if (this.inFlight.size > 0) this.logger.warn({ unsent: this.inFlight.size }, 'notification e-mails still unsent at shutdown');
    return this.inFlight.size === 0;
  }
}
