import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Config } from '../../config.js';
import { MailService } from './mail.service.js';

describe('MailService over SMTP', () => {
  // A mail server that accepts the connection and then says nothing, as a hung one does.
  const silent = net.createServer(() => undefined);
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    port = (silent.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => silent.close(r));
  });

  it('gives up on a server that never greets after its greeting timeout (10 s), not nodemailer’s minutes', async () => {
    const config = {
      smtpUrl: `smtp://127.0.0.1:${port}`,
      mailFrom: 'test@example.test',
      dataDir: '/nonexistent',
    } as unknown as Config;
    const mail = new MailService(config, pino({ level: 'silent' }));
    await expect(mail.send({ to: 'someone@example.test', subject: 's', text: 't' })).rejects.toThrow(/greeting/i);
  }, 15_000);
});
