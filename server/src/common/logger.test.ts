import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

describe('createLogger', () => {
  it('redacts passwords, tokens and secrets at the top level and nested, and keeps error codes', () => {
    const lines: string[] = [];
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ logLevel: 'info' }, out);
    logger.info({ password: 'pw-top', input: { newPassword: 'pw-nested', token: 'tok-nested' }, a: { b: { secret: 'deep' } } });
    logger.info({ recoveryCodes: ['AAAAA-BBBBB'], err: { code: 'ECONNREFUSED', message: 'down' } }, 'x');
    const text = lines.join('');
    for (const leaked of ['pw-top', 'pw-nested', 'tok-nested', 'deep', 'AAAAA-BBBBB']) expect(text).not.toContain(leaked);
    expect(text).toContain('[redacted]');
    expect(text).toContain('ECONNREFUSED');
  });
});
