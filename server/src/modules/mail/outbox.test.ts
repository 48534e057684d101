import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { parseEml } from './outbox.js';

/** Messages as nodemailer's stream transport writes them into the outbox. */
async function eml(subject: string, text: string): Promise<string> {
  const t = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const info = (await t.sendMail({ from: 'sc@example.test', to: 'Ünïcode <u@example.test>', subject, text })) as {
    message: Buffer;
  };
  return info.message.toString('utf8');
}

describe('outbox parsing', () => {
  it('reads recipient, subject and body back, long lines and non-ASCII included', async () => {
    const link = `https://sc.example.test/reset-password#token=${'x'.repeat(60)}`;
    const text = `Grüße — your link: ${link}\nSecond line`;
    const m = parseEml('a.eml', await eml('Ihr Bestätigungscode: 123456', text));
    expect(m).toMatchObject({ file: 'a.eml', subject: 'Ihr Bestätigungscode: 123456', text: expect.stringContaining(link) });
    expect(m.to).toContain('u@example.test');
    expect(m.text).toContain('Grüße');
    expect(m.date).toBeInstanceOf(Date);
  });

  it('keeps a plain ASCII message as it is', async () => {
    const m = parseEml('b.eml', await eml('Your verification code: 654321', 'Your verification code is 654321'));
    expect(m.subject).toBe('Your verification code: 654321');
    expect(m.text.trim()).toBe('Your verification code is 654321');
  });
});
