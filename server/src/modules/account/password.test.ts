import { describe, expect, it } from 'vitest';
import { checkPasswordPolicy, PasswordHasher } from './password.js';

describe('password policy', () => {
  it.each([
    ['eleven char', 'a@b.test', 'PASSWORD_TOO_SHORT'],
    ['x'.repeat(257), 'a@b.test', 'PASSWORD_TOO_LONG'],
    ['Someone.Long@Example.test', 'someone.long@example.test', 'PASSWORD_SAME_AS_EMAIL'],
    ['someone.long', 'someone.long@example.test', 'PASSWORD_SAME_AS_EMAIL'],
    ['correct horse battery', 'a@b.test', undefined],
    ['ünïcödé pässwörd', 'a@b.test', undefined],
  ])('%j for %s → %s', (password, email, expected) => {
    expect(checkPasswordPolicy(password, email)).toBe(expected);
  });
});

describe('PasswordHasher', () => {
  it('hashes with argon2id at OWASP parameters and verifies', async () => {
    const hasher = new PasswordHasher(2);
    const phc = await hasher.hash('correct horse battery');
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hasher.verify(phc, 'correct horse battery')).toBe(true);
    expect(await hasher.verify(phc, 'wrong')).toBe(false);
    expect(await hasher.verify('not a hash', 'x')).toBe(false);
  });

  it('spends a real verification on unknown accounts', async () => {
    const hasher = new PasswordHasher(1);
    const before = hasher.verifications;
    expect(await hasher.verifyDummy('anything')).toBe(false);
    expect(hasher.verifications).toBe(before + 1);
  });
});
