import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkPasswordPolicy, HASH_THREAD_NICENESS, HashBusyError, HashUnavailableError, PasswordHasher } from './password.js';

/** The nice value of each of this process's threads (Linux), keyed by thread id. */
function threadNiceness(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    out.set(tid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
  }
  return out;
}

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
    await hasher.close();
  });

  it('spends a real verification on unknown accounts', async () => {
    const hasher = new PasswordHasher(1);
    const before = hasher.verifications;
    expect(await hasher.verifyDummy('anything')).toBe(false);
    expect(hasher.verifications).toBe(before + 1);
    await hasher.close();
  });

  it('never has more hashes in flight than its concurrency, and answers every queued caller', async () => {
    const hasher = new PasswordHasher(2);
    const phc = await hasher.hash('correct horse battery');
    const results = await Promise.all(
      Array.from({ length: 7 }, (_, i) => hasher.verify(phc, i % 2 === 0 ? 'correct horse battery' : `wrong ${i}`)),
    );
    expect(results).toEqual([true, false, true, false, true, false, true]);
    expect(hasher.peakInFlight).toBe(2);
    await hasher.close();
    await expect(hasher.hash('after close')).rejects.toThrow(/closed/);
    // A verification that cannot run is an error, not a wrong password (which would count towards a block).
    await expect(hasher.verify(phc, 'correct horse battery')).rejects.toBeInstanceOf(HashUnavailableError);
  });

  it('refuses, unchecked, a password that waited too long for a thread (a flood), and checks the rest', async () => {
    const hasher = new PasswordHasher(1, HASH_THREAD_NICENESS, 100);
    const phc = await hasher.hash('correct horse battery');
    const before = hasher.verifications;
    // One thread, 40 checks of at least a few milliseconds each: the last ones wait well over 100 ms.
    // All queued at one instant (a millisecond passing while they are queued would let a later one
    // have waited less than an earlier one, and be checked after that one was refused).
    const realNow = Date.now;
    const queuedAt = realNow();
    Date.now = () => queuedAt;
    let pending: Promise<string>[];
    try {
      pending = Array.from({ length: 40 }, () =>
        hasher.verify(phc, 'correct horse battery').then(
          (ok) => (ok ? 'checked' : 'wrong'),
          (err: unknown) => (err instanceof HashBusyError ? 'busy' : String(err)),
        ),
      );
    } finally {
      Date.now = realNow;
    }
    const outcomes = await Promise.all(pending);
    expect(outcomes[0]).toBe('checked');
    expect(outcomes.at(-1)).toBe('busy');
    expect(new Set(outcomes)).toEqual(new Set(['checked', 'busy']));
    // Refused in the order they came: every check that ran came before every refusal.
    expect(outcomes.indexOf('busy')).toBe(outcomes.lastIndexOf('checked') + 1);
    // A new hash (a password being set, an incident's forced reset) is never refused as busy.
    const slow = new PasswordHasher(1, HASH_THREAD_NICENESS, 1);
    const [first, made] = await Promise.all([slow.verify(phc, 'correct horse battery'), slow.hash('a new password here')]);
    expect(first).toBe(true);
    expect(made).toMatch(/^\$argon2id\$/);
    await slow.close();
    // Only the checks that ran count as verifications.
    expect(hasher.verifications - before).toBe(outcomes.filter((o) => o === 'checked').length);
    // Answered as SERVER_BUSY, not as an internal error.
    expect(new HashBusyError().extensions).toEqual({ code: 'SERVER_BUSY' });
    await hasher.close();
  });

  it('gives a busy thread its next job, so it hashes on while the event loop is busy', async () => {
    // At normal priority: a niced thread on a machine busy with other test files could take long for two hashes.
    const hasher = new PasswordHasher(1, 0);
    const phc = await hasher.hash('correct horse battery');
    const settled: string[] = [];
    const first = hasher.verify(phc, 'correct horse battery').then((ok) => settled.push(`first ${ok}`));
    const second = hasher.verify(phc, 'wrong').then((ok) => settled.push(`second ${ok}`));
    // The event loop is held (as by a burst of requests) far longer than two hashes take: both are done
    // meanwhile, and both answers are waiting when it comes back, not the second's job only then sent.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2500);
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toEqual(['first true', 'second false']);
    await second;
    // Still one hash at a time: the 19 MiB of a hash are held only while it runs.
    expect(hasher.peakInFlight).toBe(1);
    await hasher.close();
  });

  it('refuses every job of a thread that died (as unavailable, not as a wrong password) and goes on', async () => {
    const hasher = new PasswordHasher(1);
    const phc = await hasher.hash('correct horse battery');
    const jobs = [hasher.verify(phc, 'correct horse battery'), hasher.verify(phc, 'correct horse battery')].map((v) =>
      v.then(String, (err: unknown) => (err instanceof HashUnavailableError ? 'unavailable' : String(err))),
    );
    // The thread holds both (the one it works on and the next); it dies before answering either.
    const threads = (hasher as unknown as { threads: { worker: { terminate(): Promise<number> } }[] }).threads;
    expect(threads).toHaveLength(1);
    await threads[0]!.worker.terminate();
    expect(await Promise.all(jobs)).toEqual(['unavailable', 'unavailable']);
    // A new thread takes the next ones.
    expect(await hasher.verify(phc, 'correct horse battery')).toBe(true);
    await hasher.close();
  });

  // Niceness is per thread on Linux only (read from /proc), the platform the suite runs on.
  it('hashes on threads niced below the request-handling thread', async () => {
    const before = threadNiceness();
    const hasher = new PasswordHasher(2);
    await Promise.all([hasher.hash('one password here'), hasher.hash('another password')]);
    const after = threadNiceness();
    const added = [...after].filter(([tid]) => !before.has(tid)).map(([, nice]) => nice);
    expect(added.filter((nice) => nice === HASH_THREAD_NICENESS)).toHaveLength(2);
    // The calling (JavaScript) thread keeps its priority.
    expect(after.get(String(process.pid))).toBe(before.get(String(process.pid)));
    await hasher.close();
  });
});
