import { hash, verify } from '@node-rs/argon2';
import pLimit, { type LimitFunction } from 'p-limit';
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
 * argon2id hashing with a cap on hashes in flight: each holds 19 MiB, so an unbounded burst of logins
 * would otherwise be a memory bomb. Waiting callers queue.
 */
export class PasswordHasher {
  private readonly limit: LimitFunction;
  private dummyHash: Promise<string> | undefined;
  /** Count of verifications performed; observable in tests and metrics. */
  verifications = 0;

  constructor(concurrency: number) {
    this.limit = pLimit(concurrency);
  }

  hash(password: string): Promise<string> {
    return this.limit(() => hash(password, ARGON2_OPTIONS));
  }

  verify(phc: string, password: string): Promise<boolean> {
    return this.limit(async () => {
      this.verifications++;
      try {
        return await verify(phc, password);
      } catch {
        return false;
      }
    });
  }

  /** Burns one verification's worth of work so an unknown account costs what a wrong password costs. */
  async verifyDummy(password: string): Promise<false> {
    this.dummyHash ??= hash(randomToken(), ARGON2_OPTIONS);
    await this.verify(await this.dummyHash, password);
    return false;
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
