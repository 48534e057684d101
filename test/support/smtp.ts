import { SMTPServer } from 'smtp-server';
import { freePort } from './server.js';

export interface ReceivedMail {
  to: string[];
  subject: string;
  /** The whole message as received (headers and body). */
  raw: string;
}

/**
 * A real SMTP server in the test process: the product sends through it with nodemailer, and tests
 * read what arrived (e.g. the e-mailed codes).
 */
export class MailSink {
  readonly messages: ReceivedMail[] = [];
  private waiters: (() => void)[] = [];
  /** Messages to these addresses are refused (550), as a mail server that is down for them would. */
  readonly refusing = new Set<string>();

  /** Runs `fn` while this server refuses mail to `address` for good (as `refusing` does), then takes it again. */
  async refusingWhile<T>(address: string, fn: () => Promise<T>): Promise<T> {
    const a = address.toLowerCase();
    this.refusing.add(a);
    try {
      return await fn();
    } finally {
      this.refusing.delete(a);
    }
  }
  /** Messages to these addresses are deferred (451, "try again later"), as a busy or greylisting server does. */
  readonly deferring = new Set<string>();
  /** Every message is refused at MAIL FROM (530), as a server that wants a login we do not give. */
  refusingSenders = false;
  /** Decides each recipient when set: waits as long as it likes, then accepts or answers a code. */
  rcptHook: ((address: string) => Promise<number | void>) | undefined;

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(): Promise<MailSink> {
    const port = await freePort();
    const box: { sink?: MailSink } = {};
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onMailFrom(_address, _session, callback) {
        if (box.sink!.refusingSenders) {
          callback(Object.assign(new Error('Authentication required'), { responseCode: 530 }));
          return;
        }
        callback();
      },
      onRcptTo(address, _session, callback) {
        if (box.sink!.refusing.has(address.address.toLowerCase())) {
          callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
          return;
        }
        if (box.sink!.deferring.has(address.address.toLowerCase())) {
          // Quoting the recipient, as real servers do.
          callback(
            Object.assign(new Error(`<${address.address}>: Recipient address deferred, try again later`), { responseCode: 451 }),
          );
          return;
        }
        const hook = box.sink!.rcptHook;
        if (hook) {
          hook(address.address.toLowerCase()).then(
            (code) => callback(code ? Object.assign(new Error('Try again later'), { responseCode: code }) : undefined),
            (err: Error) => callback(err),
          );
          return;
        }
        callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const subject = decodeSubject(/^Subject: (.*(?:\r?\n[ \t].*)*)/im.exec(raw)?.[1] ?? '');
          box.sink!.messages.push({ to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()), subject, raw });
          for (const w of box.sink!.waiters.splice(0)) w();
          callback();
        });
      },
    });
    const sink = new MailSink(server, port);
    box.sink = sink;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return sink;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Waits (up to 10 s) for a message to `to` matching `match` that arrived after `since` messages. */
  async waitFor(to: string, match: (m: ReceivedMail) => boolean = () => true, since = 0): Promise<ReceivedMail> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = this.messages.slice(since).find((m) => m.to.includes(to.toLowerCase()) && match(m));
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`no mail to ${to} in 10 s; got: ${this.messages.map((m) => `${m.to} ${m.subject}`).join(' | ')}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  /** The 6-digit code of the next code e-mail to `to` after `since` messages. */
  async codeFor(to: string, since = 0): Promise<string> {
    const mail = await this.waitFor(to, (m) => /verification code/i.test(m.subject), since);
    return /\b(\d{6})\b/.exec(mail.subject)![1]!;
  }

  /** The message with quoted-printable soft breaks and escapes decoded (links come out whole). */
  static text(m: ReceivedMail): string {
    return m.raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16)));
  }

  count(): number {
    return this.messages.length;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** RFC 2047 encoded-words (=?UTF-8?Q?…?= / ?B?) as nodemailer writes them. */
function decodeSubject(s: string): string {
  return s
    .replace(/\r?\n[ \t]/g, ' ')
    .replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_m, enc: string, text: string) =>
      enc.toLowerCase() === 'b'
        ? Buffer.from(text, 'base64').toString('utf8')
        : text.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
    )
    .trim();
}
