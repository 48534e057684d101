import type { EntityManager } from '@mikro-orm/postgresql';
import type { FieldProblem } from '../../common/errors/errors.js';
import { badInput } from '../../common/errors/errors.js';
import { isUuid } from '../../common/graphql/ids.js';
import { normalizeIp } from '../../common/net/ip.js';
import { Account } from '../account/account.entity.js';
import type { GeoService } from '../geo/geo.service.js';
import { LoginOutcome } from '../login-event/login-event.entity.js';
import type { LoginEventService } from '../login-event/login-event.service.js';
import type { LoginDecisionInput, LoginReportInput } from './ip-block.inputs.js';
import { DecisionReason, type Decision, type ProtectionService } from './protection.service.js';

const MAX_AGE_MS = 30 * 24 * 3600 * 1000;
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export interface ReportResult extends Decision {
  eventId: string | null;
  duplicate: boolean;
}

/**
 * The integrator API: mail servers, webmail and billing panels report the logins they see and get a
 * decision back in the same round trip. Unknown account names are recorded and answered exactly like
 * known ones, so the API reveals nothing about which accounts exist.
 */
export class IntegratorService {
  constructor(
    private readonly protection: ProtectionService,
    private readonly loginEvents: LoginEventService,
    private readonly geo: GeoService,
  ) {}

  /** Validates every report first, so a bad one in a batch writes nothing. */
  validate(reports: LoginReportInput[], prefix: (i: number) => string): { ip: string }[] {
    const problems: FieldProblem[] = [];
    const out = reports.map((r, i) => {
      const ip = normalizeIp(r.ip);
      if (ip === undefined)
        problems.push({ field: `${prefix(i)}ip`, reason: 'INVALID_IP', message: `"${r.ip}" is not an IP address.` });
      if (r.occurredAt) {
        const t = r.occurredAt.getTime();
        if (Number.isNaN(t) || t > Date.now() + MAX_CLOCK_SKEW_MS || t < Date.now() - MAX_AGE_MS) {
          problems.push({
            field: `${prefix(i)}occurredAt`,
            reason: 'OUT_OF_RANGE',
            message: 'occurredAt must be within the last 30 days and not in the future.',
          });
        }
      }
      return { ip: ip ?? '' };
    });
    if (problems.length > 0) throw badInput(problems);
    return out;
  }

  private async findAccount(em: EntityManager, name: string): Promise<Account | null> {
    const n = name.trim();
    if (isUuid(n)) return em.findOne(Account, { id: n.toLowerCase() });
    return em.findOne(Account, { email: n.toLowerCase() });
  }

  async decide(input: LoginDecisionInput): Promise<Decision> {
    const ip = normalizeIp(input.ip);
    if (ip === undefined) throw badInput([{ field: 'ip', reason: 'INVALID_IP', message: `"${input.ip}" is not an IP address.` }]);
    return this.protection.decideByName(ip, input.account);
  }

  /** Reports with an idempotency key being handled on this instance (reporter and key). */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  async report(em: EntityManager, reporterId: string, input: LoginReportInput, ip: string): Promise<ReportResult> {
    if (!input.idempotencyKey) return this.reportOnce(em, reporterId, input, ip);
    // The same report sent twice at once: the second waits for the first and then finds it recorded,
    // so it is counted once (the lookup and the counting come before the event is written).
    const key = `${reporterId}\u0000${input.idempotencyKey}`;
    for (let running = this.inFlight.get(key); running; running = this.inFlight.get(key)) {
      await running.catch(() => undefined);
    }
    const done = this.reportOnce(em, reporterId, input, ip);
    this.inFlight.set(key, done);
    try {
      return await done;
    } finally {
      if (this.inFlight.get(key) === done) this.inFlight.delete(key);
    }
  }

  private async reportOnce(em: EntityManager, reporterId: string, input: LoginReportInput, ip: string): Promise<ReportResult> {
    const account = await this.findAccount(em, input.account);
    const before = await this.protection.decide(em, ip, account);
    const geo = await this.geo.lookup(em, ip);
    // A password an admin reset (the account looked compromised) is a wrong one wherever it is tried.
    const outcome = !before.allowed
      ? before.reason === DecisionReason.IP_BLOCKED
        ? LoginOutcome.BLOCKED
        : before.reason === DecisionReason.PASSWORD_RESET_REQUIRED
          ? LoginOutcome.INVALID_CREDENTIALS
          : LoginOutcome.ACCOUNT_DISABLED
      : input.outcome === 'SUCCESS'
        ? LoginOutcome.SUCCESS
        : LoginOutcome.INVALID_CREDENTIALS;
    // A retry of a report recorded already (same idempotency key) counts nothing again.
    const earlier = input.idempotencyKey ? await this.loginEvents.findByIdempotencyKey(reporterId, input.idempotencyKey) : null;
    if (earlier !== null) return { ...(await this.protection.decide(em, ip, account)), eventId: earlier, duplicate: true };
    // A locked account's attempts count like wrong passwords, as on the panel: guessing it must not be free.
    const counted =
      (outcome === LoginOutcome.INVALID_CREDENTIALS || outcome === LoginOutcome.ACCOUNT_DISABLED) && !before.trusted;
    const attempt = {
      account,
      attemptedName: input.account.trim().toLowerCase(),
      ip,
      userAgent: input.userAgent ?? null,
      outcome,
      service: input.service,
      occurredAt: input.occurredAt,
      geo,
      reporterId,
      idempotencyKey: input.idempotencyKey ?? null,
      trusted: before.trusted,
    };
    const failure = { ip, accountName: input.account, secretFingerprint: input.secretFingerprint };
    let block: Awaited<ReturnType<ProtectionService['recordFailure']>> = null;
    let recorded: { id: string; duplicate: boolean };
    if (counted && input.idempotencyKey) {
      // The event and its counting in one transaction, the event first: the same report sent to another
      // instance at the same moment (a retry the load balancer sent elsewhere) waits on the event's unique
      // key, then finds it and counts nothing; a counting that fails takes the event with it, so that the
      // retry is counted.
      // A threshold it crosses blocks the source once that transaction has committed (see countFailure).
      const done = await em.transactional(async (tx) => {
        const id = await this.loginEvents.insertIn(tx, attempt);
        if (id === null) return { id: null, crossed: null };
        return { id, crossed: await this.protection.countFailure(tx, failure) };
      });
      if (done.id === null) {
        recorded = { id: (await this.loginEvents.findByIdempotencyKey(reporterId, input.idempotencyKey))!, duplicate: true };
      } else {
        recorded = { id: done.id, duplicate: false };
        if (done.crossed) block = await this.protection.blockCrossed(em, done.crossed);
      }
    } else {
      // Without a key nothing is a retry. Counted before the event is written, as one that failed after
      // its counting is counted twice, which errs on protection's side.
      block = counted ? await this.protection.recordFailure(em, failure) : null;
      recorded = await this.loginEvents.record(em, attempt);
    }
    const { id, duplicate } = recorded;
    // The same report sent twice at once: the other one recorded it.
    if (duplicate) return { ...(await this.protection.decide(em, ip, account)), eventId: id, duplicate };
    if (block) {
      return {
        allowed: false,
        reason: DecisionReason.IP_BLOCKED,
        until: block.expiresAt,
        trusted: false,
        eventId: id,
        duplicate,
      };
    }
    if (outcome === LoginOutcome.SUCCESS) {
      await this.protection.recordSuccess(em, ip, input.account);
    }
    return { ...before, eventId: id, duplicate };
  }
}
