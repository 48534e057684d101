import type { EntityManager } from '@mikro-orm/postgresql';
import type { Account } from '../account/account.entity.js';
import { LoginEvent, type LoginOutcome } from './login-event.entity.js';

export interface LoginAttempt {
  account: Account | null;
  attemptedName: string;
  ip: string;
  userAgent: string | null;
  outcome: LoginOutcome;
  service: string;
  occurredAt?: Date;
}

export class LoginEventService {
  /** Appends one attempt. Written with a plain INSERT (no identity map) — this table takes every attempt. */
  async record(em: EntityManager, attempt: LoginAttempt): Promise<void> {
    await em.insert(LoginEvent, {
      account: attempt.account?.id ?? null,
      attemptedName: attempt.attemptedName.slice(0, 254),
      ip: attempt.ip,
      userAgent: attempt.userAgent?.slice(0, 512) ?? null,
      outcome: attempt.outcome,
      service: attempt.service,
      occurredAt: attempt.occurredAt ?? new Date(),
    });
  }

  async listForAccount(em: EntityManager, accountId: string, limit: number, offset: number): Promise<[LoginEvent[], number]> {
    return em.findAndCount(LoginEvent, { account: accountId }, { orderBy: { occurredAt: 'desc', id: 'desc' }, limit, offset });
  }
}
