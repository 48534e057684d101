import { GraphQLError } from 'graphql';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { ErrorCode } from '../../common/errors/codes.js';
import { randomToken } from '../../common/crypto/tokens.js';

/** OWASP's argon2id recommendation: 19 MiB, 2 passes, 1 lane. */
const ARGON2_OPTIONS = {
  algorithm: 2 /* Algorithm.Argon2id: a const enum, which isolatedModules cannot import */,
  memoryCost: 19 * 1024,
  timeCost: 2,
  parallelism: 1,
} as const;

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

/**
 * The niceness of the hashing threads (Linux only): below request handling and PostgreSQL, so that a
 * burst of sign-ins keeps the event loop and the database served first. The hashes still get every
 * cycle nobody else wants; they only stop preempting work that holds locks or answers requests.
 */
export const HASH_THREAD_NICENESS = 10;

/** A hash that could not be computed (its thread died, or the hasher was closed): not a wrong password. */
export class HashUnavailableError extends Error {}

/**
 * A password that waited too long for a hashing thread (a flood of sign-ins): not checked, not counted,
 * answered at once as SERVER_BUSY rather than after minutes, when its client has long given up.
 */
export class HashBusyError extends GraphQLError {
  constructor() {
    super('Too many sign-ins are being checked at once. Try again in a moment.', {
      extensions: { code: ErrorCode.SERVER_BUSY },
    });
  }
}

/**
 * One hashing thread: @node-rs/argon2's synchronous functions, one job at a time. CommonJS run with
 * `eval`, so that the same code works from the build and from the TypeScript sources under test.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const argon2 = require(workerData.argon2);
if (workerData.niceness > 0) {
  try { require('node:os').setPriority(0, workerData.niceness); } catch {}
}
parentPort.on('message', (job) => {
  let reply;
  try {
    reply = { result: job.op === 'hash' ? argon2.hashSync(job.password, workerData.options) : argon2.verifySync(job.phc, job.password) };
  } catch (err) {
    // A stored hash argon2 cannot decode is no match (InvalidArg); anything else is a failure to compute.
    reply = job.op === 'verify' && err && err.code === 'InvalidArg' ? { result: false } : { error: String((err && err.message) || err) };
  }
  parentPort.postMessage(reply);
});
`;

type Job = { op: 'hash'; password: string } | { op: 'verify'; phc: string; password: string };
interface Pending {
  job: Job;
  queuedAt: number;
  resolve: (value: string | boolean) => void;
  reject: (err: Error) => void;
}

/**
 * How many jobs a hashing thread is given at once: the one it works on and the next, so that it starts
 * the next as soon as it is done instead of waiting for the event loop (busy with requests, or asleep)
 * to hand it one. The thread still hashes one at a time: the 19 MiB of a hash are held only while it runs.
 */
const JOBS_PER_THREAD = 2;

/** A hashing thread and the jobs it was given, oldest (the one it works on) first. */
class HashThread {
  readonly worker: Worker;
  readonly jobs: Pending[] = [];
  /** When the thread began its current job (the oldest of `jobs`). */
  busySince = 0;

  constructor(
    argon2Path: string,
    niceness: number,
    onExit: (t: HashThread, err: Error) => void,
    onReply: (t: HashThread) => void,
  ) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { argon2: argon2Path, niceness, options: ARGON2_OPTIONS },
    });
    // Idle hashing threads never keep the process alive (the CLI, a stopping server).
    this.worker.unref();
    this.worker.on('message', (reply: { result?: string | boolean; error?: string }) => {
      const p = this.jobs.shift();
      this.busySince = performance.now();
      if (p) {
        if (reply.error !== undefined) p.reject(new HashUnavailableError(`argon2 failed: ${reply.error}`));
        else p.resolve(reply.result!);
      }
      onReply(this);
    });
    this.worker.on('error', (err) => onExit(this, new HashUnavailableError(`hashing thread failed: ${err.message}`)));
    this.worker.on('messageerror', (err) => {
      onExit(this, new HashUnavailableError(`hashing thread answered unreadably: ${err.message}`));
      void this.worker.terminate();
    });
    this.worker.on('exit', (code) => onExit(this, new HashUnavailableError(`hashing thread exited with ${code}`)));
  }

  start(p: Pending): void {
    if (this.jobs.length === 0) this.busySince = performance.now();
    this.jobs.push(p);
    if (this.jobs.length === 1) this.worker.ref();
    this.worker.postMessage(p.job);
  }
}

/**
 * argon2id hashing on a few dedicated threads, at most `concurrency` hashes in flight: each holds
 * 19 MiB, so an unbounded burst of logins would otherwise be a memory bomb. Waiting callers queue.
 * The threads run at a lower priority than the rest of the process (`HASH_THREAD_NICENESS`), and
 * they keep the libuv pool free for the file system, DNS and crypto work of everything else.
 */
export class PasswordHasher {
  private readonly argon2Path = createRequire(import.meta.url).resolve('@node-rs/argon2');
  private readonly threads: HashThread[] = [];
  private readonly queue: Pending[] = [];
  private dummyHash: Promise<string> | undefined;
  private closed = false;
  /** Count of verifications performed (refused ones not); observable in tests and metrics. */
  verifications = 0;
  /** The most hashes that were ever in flight at once (never above `concurrency`). */
  peakInFlight = 0;

  private readonly niceness: number;

  /**
   * `niceness`: of the hashing threads, Linux only (elsewhere it would lower the whole process).
   * `maxWaitMs`: how long a verification may wait for a thread before it is refused with `HashBusyError`.
   */
  constructor(
    private readonly concurrency: number,
    niceness = HASH_THREAD_NICENESS,
    private readonly maxWaitMs = 10_000,
  ) {
    this.niceness = process.platform === 'linux' ? niceness : 0;
  }

  /** Count of new hashes made (passwords being set, the dummy); observable in tests and metrics. */
  hashes = 0;

  async hash(password: string): Promise<string> {
    const made = (await this.run({ op: 'hash', password })) as string;
    this.hashes++;
    return made;
  }

  /**
   * Whether the password matches. A stored hash argon2 cannot decode is no match; a hash that could not
   * be computed (argon2 failed, its thread died or could not start) throws `HashUnavailableError`: an
   * internal error, not a wrong password to count towards a block.
   */
  async verify(phc: string, password: string): Promise<boolean> {
    const matched = (await this.run({ op: 'verify', phc, password })) === true;
    this.verifications++;
    return matched;
  }

  /** Burns one verification's worth of work so an unknown account costs what a wrong password costs. */
  async verifyDummy(password: string): Promise<false> {
    if (this.dummyHash === undefined) {
      const made = this.hash(randomToken());
      this.dummyHash = made;
      // A failed attempt is not kept: the next caller makes a new one.
      made.catch(() => {
        if (this.dummyHash === made) this.dummyHash = undefined;
      });
    }
    await this.verify(await this.dummyHash, password);
    return false;
  }

  /** Ends the hashing threads; queued and later calls are refused. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new HashUnavailableError('password hasher closed'));
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }

  private run(job: Job): Promise<string | boolean> {
    if (this.closed) return Promise.reject(new HashUnavailableError('password hasher closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject, queuedAt: Date.now() });
      this.dispatch();
    });
  }

  private dispatch(): void {
    // Jobs that waited too long are refused before any thread takes them (oldest first).
    const late = Date.now() - this.maxWaitMs;
    // Only verifications (sign-ins): a new hash (a password being set, an incident's forced reset) waits.
    while (this.queue.length > 0 && this.queue[0]!.job.op === 'verify' && this.queue[0]!.queuedAt < late) {
      this.queue.shift()!.reject(new HashBusyError());
    }
    // A thread that cannot start is tried once per round, not once per job.
    let startFailed = false;
    while (this.queue.length > 0) {
      // A thread with nothing to do, else a new one (up to `concurrency`), else one with room for a next job.
      let thread = this.threads.find((t) => t.jobs.length === 0);
      if (thread === undefined && this.threads.length < this.concurrency && !startFailed) {
        try {
          thread = new HashThread(
            this.argon2Path,
            this.niceness,
            (t, err) => this.lost(t, err),
            (t) => this.done(t),
          );
        } catch (err) {
          // No thread could start (thread or memory limits). With none running, nothing would ever take
          // the queue: refused as unavailable. Otherwise the running ones take it.
          if (this.threads.length === 0) {
            const e = new HashUnavailableError(`no hashing thread could start: ${(err as Error).message}`);
            for (const p of this.queue.splice(0)) p.reject(e);
            return;
          }
          startFailed = true;
        }
        if (thread !== undefined) this.threads.push(thread);
      }
      // As a next job: to the thread whose current one began first (likely the first to be free again).
      thread ??= this.threads
        .filter((t) => t.jobs.length < JOBS_PER_THREAD)
        .reduce<HashThread | undefined>((a, t) => (a === undefined || t.busySince < a.busySince ? t : a), undefined);
      if (thread === undefined) return;
      thread.start(this.queue.shift()!);
      const inFlight = this.threads.filter((t) => t.jobs.length > 0).length;
      if (inFlight > this.peakInFlight) this.peakInFlight = inFlight;
    }
  }

  private done(t: HashThread): void {
    if (t.jobs.length === 0) t.worker.unref();
    this.dispatch();
  }

  /** A thread that died takes its jobs with it (refused, not retried); a new one replaces it on demand. */
  private lost(t: HashThread, err: Error): void {
    const i = this.threads.indexOf(t);
    if (i < 0) return;
    this.threads.splice(i, 1);
    for (const p of t.jobs.splice(0)) p.reject(err);
    if (!this.closed) this.dispatch();
  }
}

export type PasswordProblem = 'PASSWORD_TOO_SHORT' | 'PASSWORD_TOO_LONG' | 'PASSWORD_SAME_AS_EMAIL';

/** Minimum policy (NIST SP 800-63B style): length, and not the account's own e-mail or its local part. */
export function checkPasswordPolicy(password: string, email: string): PasswordProblem | undefined {
  if ([...password].length < PASSWORD_MIN_LENGTH) return 'PASSWORD_TOO_SHORT';
  if (password.length > PASSWORD_MAX_LENGTH) return 'PASSWORD_TOO_LONG';
  const lower = password.toLowerCase();
  const mail = email.trim().toLowerCase();
  const local = mail.split('@')[0] ?? '';
  if (lower === mail || (local.length > 0 && lower === local)) return 'PASSWORD_SAME_AS_EMAIL';
  return undefined;
}

export const PASSWORD_PROBLEM_MESSAGES: Record<PasswordProblem, string> = {
  PASSWORD_TOO_SHORT: `The password must have at least ${PASSWORD_MIN_LENGTH} characters.`,
  PASSWORD_TOO_LONG: `The password must have at most ${PASSWORD_MAX_LENGTH} characters.`,
  PASSWORD_SAME_AS_EMAIL: 'The password must not be your e-mail address.',
};
