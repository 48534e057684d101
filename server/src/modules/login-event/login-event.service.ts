import type { EntityManager } from '@mikro-orm/postgresql';
import type { Account } from '../account/account.entity.js';
import type { GeoInfo } from '../geo/geo.service.js';
import { NetworkKind } from '../geo/network-kind.js';
import type { SqlPool } from '../../db/pool.js';
import { LoginEvent, LoginOutcome } from './login-event.entity.js';

/** How far back a successful sign-in makes its address known to the account (the password guard). */
export const FAMILIAR_SOURCE_DAYS = 90;

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

/** A located successful login as detection reads it (snake_case, as PostgreSQL returns it). */
export interface RecentLoginRow {
  id: string;
  occurred_at: Date | string;
  ip: string;
  country_code: string | null;
  city: string | null;
  latitude: number;
  longitude: number;
  asn: number | null;
  asn_org: string | null;
  network_kind: string;
  named_location: string | null;
}

/** What the insert already fetched for detection, in the same statement: no second round trip. */
export interface DetectionPrefetch {
  /** The account's located successful logins in the window, newest first, this one included. */
  recent: RecentLoginRow[];
  openIncidentId: string | null;
}

/** A located, untrusted successful login just recorded, with what its insert read for detection. */
export interface SuccessfulLogin {
  eventId: string;
  accountId: string;
  prefetched: DetectionPrefetch;
}

/** Runs after each recorded located, untrusted successful login of a known account (incident detection). */
export type SuccessHook = (em: EntityManager, login: SuccessfulLogin) => Promise<void>;

const COLUMNS = [
  'account_id',
  'attempted_name',
  'ip',
  'user_agent',
  'outcome',
  'service',
  'occurred_at',
  'country_code',
  'region',
  'city',
  'latitude',
  'longitude',
  'asn',
  'asn_org',
  'network_kind',
  'named_location',
  'reporter_id',
  'idempotency_key',
] as const;

const INSERT = `
  insert into login_event (${COLUMNS.map((c) => `"${c}"`).join(', ')})
  values (${COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
  on conflict ("reporter_id", "idempotency_key") where "idempotency_key" is not null do nothing
  returning id::text as id`;

/** An attempt as the columns of its row. */
function toRow(attempt: LoginAttempt) {
  const g = attempt.geo;
  return {
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
}

/** INSERT with `?` placeholders, for an EntityManager's transaction. */
const INSERT_IN_TX = `
  insert into login_event (${COLUMNS.map((c) => `"${c}"`).join(', ')})
  values (${COLUMNS.map(() => '?').join(', ')})
  on conflict ("reporter_id", "idempotency_key") where "idempotency_key" is not null do nothing
  returning id::text as id`;

/** A located success: inserted and read in one statement (`record_located_login`, migration 20261130230000). */
const RECORD_LOCATED = `select id, recent, open_id::text as open_id
  from record_located_login(${[...COLUMNS, 'window_start', 'window_end'].map((_, i) => `$${i + 1}`).join(', ')})`;

/** A login event ready to be written (`LoginEventService.prepare`). */
export interface PreparedLoginEvent {
  attempt: LoginAttempt;
  row: ReturnType<typeof toRow>;
  /** Written by `record_located_login` (a located success: detection reads what it read). */
  located: boolean;
  /** The statement's values for it, in `loginEventCte`'s order. */
  values: unknown[];
}

/** What writing a login event answered: its id, and for a located one what detection reads. */
export interface RecordedLoginEvent {
  id: string;
  recent: RecentLoginRow[] | null;
  open_id: string | null;
}

/**
 * A CTE body that writes `event` in another statement (one round trip and one commit with it),
 * when and only when the CTE named `gate` has a row: its values as parameters from `$first` on. A
 * located success goes through `record_located_login`, under the same one-time filter (the function is not
 * called when the gate is empty). Its columns are those of `RecordedLoginEvent`.
 */
export function loginEventCte(event: PreparedLoginEvent, first: number, gate: string): string {
  const params = event.values.map((_, i) => `$${first + i}`).join(', ');
  if (event.located) {
    return `select r.id, r.recent, r.open_id::text as open_id from record_located_login(${params}) r
             where exists (select 1 from ${gate})`;
  }
  return `insert into login_event (${COLUMNS.map((c) => `"${c}"`).join(', ')})
          select ${params}
           where exists (select 1 from ${gate})
          returning id::text as id, null::json as recent, null::text as open_id`;
}

/**
 * How long the first event of a batch waits for others (`recordBatched`): under load each commit
 * then carries several sign-ins' events, when idle an answer comes this much later. 60 ms rather than
 * 20: at 170 sign-ins a second about ten events a commit instead of three or four, and the answers
 * they wait for go out together. On session 42's host the dashboard's two-step sign-in then cost the
 * server's JavaScript thread 1.6–1.9 core-ms instead of 1.8–2.3, and reached 0.66–0.75× the raw hash
 * rate (0.71× or more in four of six runs; 0.66–0.67× once the host had slowed) against 0.63–0.70×
 * at 20 ms (five runs), ahead of 20 ms in both interleaved comparisons; 100 ms gave no more, and left
 * the machine idle at times. Nobody waits noticeably: the password step that writes such an event
 * answers at most 40 ms later than before.
 */
export const BATCH_LINGER_MS = 60;
/** At most this many rows per batched insert (18 parameters each: well under PostgreSQL's 65 535). */
const BATCH_MAX_ROWS = 200;

export class LoginEventService {
  private successHook: SuccessHook | undefined;
  /** Events waiting for the batch's insert, and the timer that will write them. */
  private batch: { values: unknown[]; done: (err?: unknown) => void }[] = [];
  private batchTimer: NodeJS.Timeout | undefined;
  /** Batch inserts sent and not yet answered. */
  private readonly batchesInFlight = new Set<Promise<void>>();
  private detectionWindow: ((em: EntityManager) => Promise<number | null>) | undefined;

  constructor(
    private readonly pool: SqlPool,
    private readonly onHookError: (err: unknown) => void = () => undefined,
  ) {}

  /**
   * Registers what runs after each successful login (set once by the composition root), and the
   * detection window in seconds (null when detection is off) for prefetching in the insert.
   */
  onSuccess(hook: SuccessHook, window?: (em: EntityManager) => Promise<number | null>): void {
    this.successHook = hook;
    this.detectionWindow = window;
  }

  /**
   * Inserts one attempt in `tx`'s transaction (no incident detection: for attempts that are no located
   * success). Null when a report with the same reporter and idempotency key is recorded already: a
   * concurrent insert of one still open is waited for (the unique index), so of two transactions that
   * insert the same report, the second finds the first's once it commits.
   */
  async insertIn(tx: EntityManager, attempt: LoginAttempt): Promise<string | null> {
    const row = toRow(attempt);
    const rows = await tx.execute<{ id: string }[]>(
      INSERT_IN_TX,
      COLUMNS.map((c) => row[c]),
    );
    return rows[0] ? String(rows[0].id) : null;
  }

  /** The event a reporter recorded under this idempotency key, if any (its id). */
  async findByIdempotencyKey(reporterId: string, key: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ id: string }>({
      name: 'login_event_by_idempotency_key',
      text: 'select id::text as id from login_event where reporter_id = $1 and idempotency_key = $2',
      values: [reporterId, key],
    });
    return rows[0] ? String(rows[0].id) : null;
  }

  /**
   * What `record` writes for `attempt`, for a caller that writes it in a statement of its own (see
   * `loginEventCte`): the row, and for a located untrusted success of a known account with detection
   * on, the detection window `record_located_login` reads.
   */
  async prepare(em: EntityManager, attempt: LoginAttempt): Promise<PreparedLoginEvent> {
    const row = toRow(attempt);
    const trusted = attempt.trusted === true || attempt.geo?.trusted === true;
    const located = attempt.outcome === LoginOutcome.SUCCESS && attempt.account !== null && row.latitude !== null && !trusted;
    const windowSeconds = located && this.successHook && this.detectionWindow ? await this.detectionWindow(em) : null;
    const at = row.occurred_at.getTime();
    const values: unknown[] = COLUMNS.map((c) => row[c]);
    if (windowSeconds !== null) values.push(new Date(at - windowSeconds * 1000), new Date(at + windowSeconds * 1000));
    return { attempt, row, located: windowSeconds !== null, values };
  }

  /**
   * After a prepared event was inserted (by `record`, or by a statement with `loginEventCte`): a
   * located success runs incident detection with what the insert read. Detection never fails the
   * login it looks at.
   */
  async recorded(em: EntityManager, event: PreparedLoginEvent, hit: RecordedLoginEvent): Promise<void> {
    if (!event.located || !this.successHook) return;
    const { row } = event;
    const self: RecentLoginRow = {
      id: hit.id,
      occurred_at: row.occurred_at,
      ip: row.ip,
      country_code: row.country_code,
      city: row.city,
      latitude: row.latitude!,
      longitude: row.longitude!,
      asn: row.asn,
      asn_org: row.asn_org,
      network_kind: row.network_kind,
      named_location: row.named_location,
    };
    const recent = [self, ...(hit.recent ?? [])]
      .sort((a, b) => new Date(b.occurred_at).getTime() - new Date(a.occurred_at).getTime() || Number(b.id) - Number(a.id))
      .slice(0, 50);
    await this.successHook(em, {
      eventId: hit.id,
      accountId: event.attempt.account!.id,
      prefetched: { recent, openIncidentId: hit.open_id },
    }).catch(this.onHookError);
  }

  /**
   * Appends one attempt with a plain INSERT (no identity map) — this table takes every attempt.
   * With an idempotency key, a retry of the same report returns the first row's id instead.
   */
  async record(em: EntityManager, attempt: LoginAttempt): Promise<{ id: string; duplicate: boolean }> {
    const event = await this.prepare(em, attempt);
    if (event.located) {
      const hit = (await this.insertAndReadRecent(event.values))[0];
      if (hit) {
        await this.recorded(em, event, hit);
        return { id: hit.id, duplicate: false };
      }
      // A retried report (same idempotency key): fall through to find the first one's id.
    }
    const { row } = event;
    // Every attempt lands here: one named prepared statement on the plain pool, no query building.
    const { rows: inserted } = await this.pool.query<{ id: string }>({
      name: 'login_event_insert',
      text: INSERT,
      values: COLUMNS.map((c) => row[c]),
    });
    if (inserted[0]) {
      const id = String(inserted[0].id);
      return { id, duplicate: false };
    }
    return { id: (await this.findByIdempotencyKey(row.reporter_id!, row.idempotency_key!))!, duplicate: true };
  }

  /**
   * Writes an event that is no located success, together with the others that arrive within
   * `BATCH_LINGER_MS` (one statement and one commit for all of them); resolves once it is committed,
   * rejects if that statement failed. For the step of a sign-in that writes nothing else (a right
   * password with a second step owed): under load, a commit of its own per sign-in costs PostgreSQL
   * more than anything else the step does.
   */
  recordBatched(event: PreparedLoginEvent): Promise<void> {
    if (event.located || event.row.idempotency_key !== null) throw new Error('Only plain events are written in batches.');
    return new Promise((resolve, reject) => {
      this.batch.push({ values: event.values, done: (err) => (err === undefined ? resolve() : reject(err)) });
      if (this.batch.length >= BATCH_MAX_ROWS) this.writeBatch();
      else this.batchTimer ??= setTimeout(() => this.writeBatch(), BATCH_LINGER_MS);
    });
  }

  private writeBatch(): void {
    clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    const items = this.batch;
    this.batch = [];
    if (items.length === 0) return;
    const n = COLUMNS.length;
    const rows = items.map((_, r) => `(${COLUMNS.map((_c, c) => `$${r * n + c + 1}`).join(', ')})`);
    const sent: Promise<void> = this.pool
      .query(
        `insert into login_event (${COLUMNS.map((c) => `"${c}"`).join(', ')}) values ${rows.join(', ')}`,
        items.flatMap((i) => i.values),
      )
      .then(
        () => items.forEach((i) => i.done()),
        (err: unknown) => items.forEach((i) => i.done(err ?? new Error('batch insert failed'))),
      )
      .finally(() => this.batchesInFlight.delete(sent));
    this.batchesInFlight.add(sent);
  }

  /** Writes the events waiting for their batch now, and waits for every batch sent (at shutdown, before the pool closes). */
  async flushBatch(): Promise<void> {
    this.writeBatch();
    await Promise.all([...this.batchesInFlight]);
  }

  /**
   * The insert of a located success and its read of the account's recent ones, one account at a time,
   * in one round trip: `record_located_login` (migration 20261130230000) takes a per-account lock held
   * until this statement commits, then inserts and reads with a fresh snapshot. So two logins of one
   * account arriving together (from two places, say) are serialized and the second one's read sees the
   * first; a CTE read in the INSERT's own statement would miss a row committed while it waited.
   */
  private async insertAndReadRecent(values: unknown[]): Promise<RecordedLoginEvent[]> {
    const { rows } = await this.pool.query<RecordedLoginEvent>({
      name: 'login_event_record_located',
      text: RECORD_LOCATED,
      values,
    });
    return rows;
  }

  /**
   * Whether the account signed in to the dashboard successfully from `source` (a CIDR: an IPv4
   * address, an IPv6 /64) within the last `days`: an address it is known at. Only the panel's own
   * sign-ins count: an integrator's reported success is its word, and a leaked integrator token must
   * not make an attacker's addresses familiar, even where it names the panel as its service (no reporter
   * is the mark of the panel's own). Read through a partial index of those sign-ins.
   */
  async signedInFrom(accountId: string, source: string, days = FAMILIAR_SOURCE_DAYS): Promise<boolean> {
    const { rows } = await this.pool.query<{ known: boolean }>({
      name: 'login_signed_in_from',
      text: `select exists(select 1 from login_event where account_id = $1 and outcome = 'SUCCESS' and service = 'panel'
                             and reporter_id is null and ip <<= $2::cidr and occurred_at > now() - make_interval(days => $3)) as known`,
      values: [accountId, source, days],
    });
    return rows[0]?.known === true;
  }

  async listForAccount(em: EntityManager, accountId: string, limit: number, offset: number): Promise<[LoginEvent[], number]> {
    return em.findAndCount(LoginEvent, { account: accountId }, { orderBy: { occurredAt: 'desc', id: 'desc' }, limit, offset });
  }
}
