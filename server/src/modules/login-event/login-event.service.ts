import type { EntityManager } from '@mikro-orm/postgresql';
import type { Account } from '../account/account.entity.js';
import type { GeoInfo } from '../geo/geo.service.js';
import { NetworkKind } from '../geo/network-kind.js';
import { LoginEvent, LoginOutcome } from './login-event.entity.js';

export interface LoginAttempt {
  account: Account | null;
  attemptedName: string;
  ip: string;
  userAgent: string | null;
  outcome: LoginOutcome;
  service: string;
  occurredAt?: Date;
  geo?: GeoInfo;
  reporterId?: string | null;
  idempotencyKey?: string | null;
  /** The address is safe for the account or globally (known from the login decision): skips detection. */
  trusted?: boolean;
}

/** Runs after each recorded successful login of a known account (security-incident detection). */
export type SuccessHook = (
  em: EntityManager,
  login: { eventId: string; accountId: string; occurredAt: Date; latitude: number | null; trusted: boolean },
) => Promise<void>;

export class LoginEventService {
  private successHook: SuccessHook | undefined;

  constructor(private readonly onHookError: (err: unknown) => void = () => undefined) {}

  /** Registers what runs after each successful login (set once by the composition root). */
  onSuccess(hook: SuccessHook): void {
    this.successHook = hook;
  }

  /**
   * Appends one attempt with a plain INSERT (no identity map) — this table takes every attempt.
   * With an idempotency key, a retry of the same report returns the first row's id instead.
   */
  async record(em: EntityManager, attempt: LoginAttempt): Promise<{ id: string; duplicate: boolean }> {
    const g = attempt.geo;
    const row = {
      account_id: attempt.account?.id ?? null,
      attempted_name: attempt.attemptedName.slice(0, 254),
      ip: attempt.ip,
      user_agent: attempt.userAgent?.slice(0, 512) ?? null,
      outcome: attempt.outcome,
      service: attempt.service,
      occurred_at: attempt.occurredAt ?? new Date(),
      country_code: g?.countryCode ?? null,
      region: g?.region?.slice(0, 100) ?? null,
      city: g?.city?.slice(0, 100) ?? null,
      latitude: g?.latitude ?? null,
      longitude: g?.longitude ?? null,
      asn: g?.asn ?? null,
      asn_org: g?.asnOrg?.slice(0, 200) ?? null,
      network_kind: g?.networkKind ?? NetworkKind.UNKNOWN,
      named_location: g?.namedLocation ?? null,
      reporter_id: attempt.reporterId ?? null,
      idempotency_key: attempt.idempotencyKey ?? null,
    };
    const cols = Object.keys(row);
    const conn = em.getConnection();
    const inserted = await conn.execute<{ id: string }[]>(
      `insert into login_event (${cols.map((c) => `"${c}"`).join(', ')}) values (${cols.map(() => '?').join(', ')})
       on conflict ("reporter_id", "idempotency_key") where "idempotency_key" is not null do nothing
       returning id`,
      Object.values(row),
    );
    if (inserted[0]) {
      const id = String(inserted[0].id);
      if (this.successHook && attempt.outcome === LoginOutcome.SUCCESS && attempt.account) {
        // Detection never fails the login it looks at.
        await this.successHook(em, {
          eventId: id,
          accountId: attempt.account.id,
          occurredAt: row.occurred_at,
          latitude: row.latitude,
          trusted: attempt.trusted === true || g?.trusted === true,
        }).catch(this.onHookError);
      }
      return { id, duplicate: false };
    }
    const existing = await conn.execute<{ id: string }[]>(
      'select id from login_event where reporter_id = ? and idempotency_key = ?',
      [row.reporter_id, row.idempotency_key],
    );
    return { id: String(existing[0]!.id), duplicate: true };
  }

  async listForAccount(em: EntityManager, accountId: string, limit: number, offset: number): Promise<[LoginEvent[], number]> {
    return em.findAndCount(LoginEvent, { account: accountId }, { orderBy: { occurredAt: 'desc', id: 'desc' }, limit, offset });
  }
}
