import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { pino } from 'pino';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.js';
import { freePort } from '../../../../test/support/server.js';
import { MailSink } from '../../../../test/support/smtp.js';
import type { Config } from '../../config.js';
import { initOrm, migrate } from '../../db/orm.js';
import { createSqlPool, type SqlPool } from '../../db/pool.js';
import { MailService } from './mail.service.js';
import { open } from '../../common/crypto/secret-box.js';

/** A logger whose entries the test reads. */
function recordingLogger() {
  const entries: { level: number; msg: string; line: string }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) entries.push({ ...JSON.parse(line), line });
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), entries };
}

describe('notification e-mails wait in the database until the mail server takes them', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  let pool: SqlPool;
  let sink: MailSink;
  const key = randomBytes(32);
  const configFor = (smtpUrl: string) =>
    ({ smtpUrl, mailFrom: 'security@example.test', dataDir: '/nonexistent' }) as unknown as Config;
  const service = (smtpUrl = sink.url, k = key) => {
    const log = recordingLogger();
    return { mail: new MailService(configFor(smtpUrl), log.logger, { pool, key: k }), log: log.entries };
  };
  const queued = () =>
    db.query<{ id: string; sealed: string; attempts: number; last_error: string | null; claim: string | null; wait_s: number }>(
      `select id, sealed, attempts, last_error, claim, extract(epoch from next_attempt_at - now())::float8 as wait_s
         from mail_queue where given_up_at is null order by created_at`,
    );
  const givenUp = () =>
    db.query<{ id: string; sealed: string; last_error: string | null }>(
      `select id, sealed, last_error from mail_queue where given_up_at is not null order by given_up_at`,
    );
  const makeDue = () => db.query(`update mail_queue set next_attempt_at = now()`);
  let n = 0;
  const address = () => `holder-${++n}-${randomBytes(3).toString('hex')}@example.test`;
  const to = (addr: string) => sink.messages.filter((m) => m.to.includes(addr));

  beforeAll(async () => {
    db = await createTestDatabase('mail_queue');
    orm = await initOrm(db.url);
    await migrate(orm);
    pool = createSqlPool(db.url, () => undefined);
    sink = await MailSink.start();
  });
  beforeEach(async () => {
    await db.query(`delete from mail_queue`);
  });
  afterAll(async () => {
    await sink?.stop();
    await pool?.end();
    await orm?.close(true);
    await db?.drop();
  });

  it('a message the mail server defers (451) stays queued, sealed, and a later round delivers it; then it is gone', async () => {
    const addr = address();
    const { mail, log } = service();
    sink.deferring.add(addr);
    mail.notify({
      to: addr,
      subject: `Your password must be reset (${addr})`,
      text: 'Open https://sc.example/reset#token=s3cr3t-link',
    });
    expect(await mail.drain()).toBe(true);
    const [row, ...others] = await queued();
    expect(others).toHaveLength(0);
    expect(row).toMatchObject({ attempts: 1, last_error: expect.stringMatching(/451.*<address>: Recipient address deferred/) });
    // Tried again in a minute, not at once.
    expect(row!.wait_s).toBeGreaterThan(50);
    expect(row!.wait_s).toBeLessThanOrEqual(60);
    // Nothing of the message is readable in the database: not the link, the address or the subject.
    expect(row!.sealed).not.toMatch(/s3cr3t|holder|password|reset/i);
    expect(row!.last_error).not.toContain(addr);
    // Logged without the address (the server quoted it; nodemailer's error lists it too).
    expect(log.some((e) => e.level === 40 && /will retry/.test(e.msg))).toBe(true);
    expect(log.filter((e) => e.line.includes(addr))).toEqual([]);

    // Not due yet: a round leaves it alone.
    expect(await service().mail.deliverDue()).toBe(0);
    expect(to(addr)).toHaveLength(0);

    sink.deferring.delete(addr);
    await makeDue();
    expect(await service().mail.deliverDue()).toBe(1);
    const got = await sink.waitFor(addr);
    expect(got.subject).toBe(`Your password must be reset (${addr})`);
    expect(got.raw).toContain('s3cr3t-link');
    expect(await queued()).toHaveLength(0);
    expect(to(addr)).toHaveLength(1);
  });

  it('waits longer after each failure, and gives a message up unsent (logged as an error) once a day has gone by', async () => {
    const addr = address();
    const { mail } = service();
    sink.deferring.add(addr);
    try {
      mail.notify({ to: addr, subject: 'A new sign-in method was added', text: 'x' });
      await mail.drain();
      await makeDue();
      expect(await service().mail.deliverDue()).toBe(1);
      const [second] = await queued();
      expect(second).toMatchObject({ attempts: 2 });
      expect(second!.wait_s).toBeGreaterThan(110);
      expect(second!.wait_s).toBeLessThanOrEqual(120);
    } finally {
      sink.deferring.delete(addr);
    }
    // The mail server takes it now, but a day has gone by: it is stale (an alert of yesterday), not sent.
    await db.query(`update mail_queue set next_attempt_at = now(), created_at = now() - interval '25 hours'`);
    const later = service();
    expect(await later.mail.deliverDue()).toBe(0);
    expect(await queued()).toHaveLength(0);
    expect(await givenUp()).toHaveLength(1);
    expect(later.log.some((e) => e.level === 50 && /undelivered for a day: given up/.test(e.msg))).toBe(true);
    expect(to(addr)).toHaveLength(0);
    // Admins see it, with the server's last answer.
    const problems = await later.mail.deliveryProblems(10);
    expect(problems).toMatchObject({ waiting: 0, givenUp: 1 });
    expect(problems.messages).toEqual([
      expect.objectContaining({
        to: addr,
        subject: 'A new sign-in method was added',
        attempts: 2,
        lastError: expect.stringMatching(/451/),
        nextAttemptAt: null,
        givenUpAt: expect.any(Date),
      }),
    ]);
  });

  it('shows admins what waits and what was given up (newest first, a week long), and never the text of either', async () => {
    const waiting = address();
    const refused = address();
    const { mail } = service();
    sink.deferring.add(waiting);
    sink.refusing.add(refused);
    try {
      mail.notify({ to: refused, subject: 'Your password must be reset', text: 'https://sc.example/reset#token=given-up-link' });
      await mail.drain();
      const other = service();
      other.mail.notify({ to: waiting, subject: 'Security incident detected', text: 'x' });
      await other.mail.drain();
    } finally {
      sink.deferring.delete(waiting);
      sink.refusing.delete(refused);
    }
    const admin = service().mail;
    const problems = await admin.deliveryProblems(10);
    expect(problems).toMatchObject({ waiting: 1, givenUp: 1 });
    expect(problems.messages.map((m) => [m.to, m.subject, m.givenUpAt === null, m.nextAttemptAt === null])).toEqual([
      [waiting, 'Security incident detected', true, false],
      [refused, 'Your password must be reset', false, true],
    ]);
    expect(problems.messages[1]!.lastError).toMatch(/550/);
    // The given-up message keeps no text: its link is gone from the database, sealed or not.
    const [row] = await givenUp();
    expect(JSON.parse(open(key, row!.sealed, `mail_queue:${row!.id}`))).toEqual({
      to: refused,
      subject: 'Your password must be reset',
      text: '',
    });
    expect((await admin.deliveryProblems(1)).messages).toHaveLength(1);
    // A week later it goes (with the next round).
    await db.query(`update mail_queue set given_up_at = now() - interval '8 days' where given_up_at is not null`);
    await service().mail.deliverDue();
    expect(await givenUp()).toHaveLength(0);
    expect(await admin.deliveryProblems(10)).toMatchObject({ waiting: 1, givenUp: 0 });
  });

  it('retries, never gives up, when the mail server refuses our sender or login (a setting to fix, not the message)', async () => {
    const addr = address();
    const { mail } = service();
    sink.refusingSenders = true;
    try {
      mail.notify({ to: addr, subject: 'Security incident detected', text: 'x' });
      await mail.drain();
    } finally {
      sink.refusingSenders = false;
    }
    expect(await queued()).toEqual([expect.objectContaining({ attempts: 1, last_error: expect.stringMatching(/530/) })]);
    await makeDue();
    expect(await service().mail.deliverDue()).toBe(1);
    expect((await sink.waitFor(addr)).subject).toBe('Security incident detected');
    expect(await queued()).toHaveLength(0);
  });

  it('a try that outlived its hold leaves the message to the one that holds it now', async () => {
    const addr = address();
    let calls = 0;
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    // The first try waits, then is put off (451); the second, taken over meanwhile, waits longer and succeeds.
    sink.rcptHook = async (a) => {
      if (a !== addr) return;
      calls++;
      if (calls === 1) {
        await sleep(1500);
        return 451;
      }
      await sleep(4000);
    };
    try {
      const first = service();
      first.mail.notify({ to: addr, subject: 'Taken over', text: 'x' });
      // The first try is at the mail server (its recipient waiting there) before its hold is ended.
      await expect.poll(() => calls).toBe(1);
      expect(await queued()).toHaveLength(1);
      // Its hold ends early (as a very slow send would see it end): another instance takes the message.
      await makeDue();
      const second = service();
      const secondRound = second.mail.deliverDue();
      await expect.poll(() => calls).toBe(2);
      await first.mail.drain(); // the first try is put off while the second still runs
      const [row] = await queued();
      // Still the second try's: not rescheduled in a minute, not counted as a failure.
      expect(row!.attempts).toBe(0);
      expect(row!.claim).not.toBeNull();
      expect(row!.wait_s).toBeGreaterThan(250);
      expect(await secondRound).toBe(1);
      expect(await queued()).toHaveLength(0);
      expect(to(addr)).toHaveLength(1);
    } finally {
      sink.rcptHook = undefined;
    }
  });

  it('gives a message up at once when the mail server refuses it for good (5xx)', async () => {
    const addr = address();
    const { mail, log } = service();
    sink.refusing.add(addr);
    try {
      mail.notify({ to: addr, subject: 'Recovery code used', text: 'x' });
      await mail.drain();
    } finally {
      sink.refusing.delete(addr);
    }
    expect(await queued()).toHaveLength(0);
    expect(await givenUp()).toEqual([expect.objectContaining({ last_error: expect.stringMatching(/EENVELOPE 550/) })]);
    expect(log.some((e) => e.level === 50 && /refused by the mail server: given up/.test(e.msg))).toBe(true);
    // Given up means not tried again.
    await db.query(`update mail_queue set next_attempt_at = now()`);
    expect(await service().mail.deliverDue()).toBe(0);
    expect(to(addr)).toHaveLength(0);
  });

  it('loses nothing to a mail server that is down: queued by one instance, delivered by another (a restart)', async () => {
    const addr = address();
    const down = service(`smtp://127.0.0.1:${await freePort()}`);
    down.mail.notify({ to: addr, subject: 'Security incident detected', text: 'x' });
    await down.mail.drain();
    expect(await queued()).toEqual([expect.objectContaining({ attempts: 1, last_error: expect.stringMatching(/ECONNREFUSED/) })]);

    const restarted = service();
    await makeDue();
    expect(await restarted.mail.deliverDue()).toBe(1);
    expect((await sink.waitFor(addr)).subject).toBe('Security incident detected');
    expect(await queued()).toHaveLength(0);
  });

  it('two instances retrying at once send each message once', async () => {
    const addrs = Array.from({ length: 30 }, address);
    const first = service();
    for (const a of addrs) sink.deferring.add(a);
    for (const a of addrs) first.mail.notify({ to: a, subject: 'Queued', text: a });
    await first.mail.drain();
    expect(await queued()).toHaveLength(30);
    for (const a of addrs) sink.deferring.delete(a);
    await makeDue();
    // Two instances other than the one that queued them (it has shut down), their rounds at once.
    const [x, y] = await Promise.all([service().mail.deliverDue(), service().mail.deliverDue()]);
    expect(x).toBeGreaterThan(0);
    expect(y).toBeGreaterThan(0);
    expect(x + y).toBe(30);
    expect(await queued()).toHaveLength(0);
    for (const a of addrs) expect(to(a)).toHaveLength(1);
  });

  it('drops, unsent, a message sealed with another key (the keys were replaced)', async () => {
    const addr = address();
    const old = service(`smtp://127.0.0.1:${await freePort()}`, randomBytes(32));
    old.mail.notify({ to: addr, subject: 'Sealed with the old key', text: 'x' });
    await old.mail.drain();
    expect(await queued()).toHaveLength(1);
    const now = service();
    await makeDue();
    expect(await now.mail.deliverDue()).toBe(0);
    expect(await queued()).toHaveLength(0);
    expect(now.log.some((e) => e.level === 50 && /unreadable with this key/.test(e.msg))).toBe(true);
    expect(to(addr)).toHaveLength(0);
  });

  it('sends at once, without the queue, when the database refuses it', async () => {
    const addr = address();
    const broken = createSqlPool(db.url.replace(/\/[^/]+$/, '/no_such_database'), () => undefined);
    try {
      const log = recordingLogger();
      const mail = new MailService(configFor(sink.url), log.logger, { pool: broken, key });
      mail.notify({ to: addr, subject: 'Sent without the queue', text: 'x' });
      await mail.drain();
      expect((await sink.waitFor(addr)).subject).toBe('Sent without the queue');
      expect(log.entries.some((e) => e.level === 40 && /not queued: sent without retries/.test(e.msg))).toBe(true);
    } finally {
      await broken.end();
    }
  });
});
