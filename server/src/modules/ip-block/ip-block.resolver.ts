import { ArrayMaxSize, ArrayMinSize, ValidateNested } from 'class-validator';
import { Arg, Args, ArgsType, Authorized, Ctx, Field, Mutation, Query, Resolver, createUnionType } from 'type-graphql';
import type { Context } from '../../context.js';
import { Permission, Role } from '../../common/auth/roles.js';
import { AlreadyExistsError, SafeListedError } from '../../common/errors/error-result.js';
import { ErrorCode } from '../../common/errors/codes.js';
import { appError, badInput, notFound } from '../../common/errors/errors.js';
import { cidrArg, ruleRangeArg } from '../../common/net/cidr-input.js';
import { cidrContains, normalizeIp, parseIp } from '../../common/net/ip.js';
import { PageInput } from '../account/account.inputs.js';
import { mayManageRole, visibleAccountRows } from '../account/account.service.js';
import { IpLocation } from '../geo/geo.types.js';
import { LoginEvent } from '../login-event/login-event.entity.js';
import { TrustedIp } from '../trusted-ip/trusted-ip.entity.js';
import { BlockReason, IpBlock } from './ip-block.entity.js';
import { BlockIpInput, BruteForceSettingsInput, LoginDecisionInput, LoginReportInput } from './ip-block.inputs.js';
import {
  AccessListMatch,
  AccountFailureCount,
  BruteForceSettings,
  IpBlockPage,
  IpCheck,
  IpStatus,
  LoginDecision,
  TrustingAccount,
} from './ip-block.types.js';
import type { Decision } from './protection.service.js';
import { AuditAction } from '../audit/audit.entity.js';
import { loosens } from '../settings/settings.service.js';

export const BlockIpResult = createUnionType({
  name: 'BlockIpResult',
  description: 'Outcome of blocking an address or range by hand.',
  types: () => [IpBlock, AlreadyExistsError, SafeListedError] as const,
});

@ArgsType()
class ReportLoginsArgs {
  @Field(() => [LoginReportInput], { description: 'Up to 500 reports, handled in order.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  // Every report is validated as the single `reportLogin`'s is, before any is written.
  @ValidateNested({ each: true })
  reports!: LoginReportInput[];
}

const toDecision = (d: Decision, eventId: string | null = null, duplicate = false): LoginDecision =>
  Object.assign(new LoginDecision(), { allowed: d.allowed, reason: d.reason, until: d.until, eventId, duplicate });

@Resolver()
export class IpBlockResolver {
  @Authorized(Permission.REPORT_LOGINS)
  @Mutation(() => LoginDecision, {
    description:
      'Integrators: record one login attempt and get the decision in the same round trip. Idempotent with `idempotencyKey` (scoped to the reporting account, shared by all its tokens): a repeat records and counts nothing and answers the decision as it stands now. Needs REPORT_LOGINS.',
  })
  async reportLogin(
    @Arg('input', () => LoginReportInput, { description: 'The attempt.' }) input: LoginReportInput,
    @Ctx() ctx: Context,
  ): Promise<LoginDecision> {
    const [{ ip }] = ctx.services.integrator.validate([input], () => '') as [{ ip: string }];
    const r = await ctx.services.integrator.report(ctx.em, ctx.viewer!.account.id, input, ip);
    return toDecision(r, r.eventId, r.duplicate);
  }

  @Authorized(Permission.REPORT_LOGINS)
  @Mutation(() => [LoginDecision], {
    description:
      'Integrators: record up to 500 attempts at once; decisions in the same order, each as `reportLogin` answers it. One invalid report rejects the whole batch (BAD_USER_INPUT) and nothing is written. Needs REPORT_LOGINS.',
  })
  async reportLogins(@Args(() => ReportLoginsArgs) { reports }: ReportLoginsArgs, @Ctx() ctx: Context): Promise<LoginDecision[]> {
    const ips = ctx.services.integrator.validate(reports, (i) => `reports[${i}].`);
    const out: LoginDecision[] = [];
    for (const [i, report] of reports.entries()) {
      const r = await ctx.services.integrator.report(ctx.em, ctx.viewer!.account.id, report, ips[i]!.ip);
      out.push(toDecision(r, r.eventId, r.duplicate));
    }
    return out;
  }

  @Authorized(Permission.REPORT_LOGINS)
  @Query(() => LoginDecision, {
    description: 'Integrators: the decision for an account and IP, without recording anything. Needs REPORT_LOGINS.',
  })
  async loginDecision(
    @Arg('input', () => LoginDecisionInput, { description: 'Account and IP.' }) input: LoginDecisionInput,
    @Ctx() ctx: Context,
  ): Promise<LoginDecision> {
    return toDecision(await ctx.services.integrator.decide(input));
  }

  @Authorized(Permission.REPORT_LOGINS, Permission.MANAGE_IPS)
  @Query(() => IpStatus, {
    description:
      'Integrators: the status of an address alone (blocked, why and until when, globally safe, failures in the last 24 hours), without an account and without recording anything. Needs REPORT_LOGINS or MANAGE_IPS.',
  })
  async ipStatus(
    @Arg('ip', () => String, { description: 'IPv4 or IPv6 address.' }) ipInput: string,
    @Ctx() ctx: Context,
  ): Promise<IpStatus> {
    const ip = normalizeIp(ipInput);
    if (ip === undefined)
      throw badInput([{ field: 'ip', reason: 'INVALID_IP', message: `"${ipInput.slice(0, 64)}" is not an IP address.` }]);
    const { em, services } = ctx;
    const prefix = services.protection.sourcePrefix(ip);
    // The block in force as the decision sees it, then trust and failures in one statement.
    const block = await services.protection.activeBlock(em, ip);
    const [row] = await em.execute<{ safe: boolean; failures: number }[]>(
      `select exists(select 1 from trusted_ip t where t.account_id is null and t.cidr >>= ?::inet
                       and (t.expires_at is null or t.expires_at > now())) as safe,
              (select count(*)::int from login_event e where e.ip <<= ?::inet
                 and e.outcome in ('INVALID_CREDENTIALS', 'ACCOUNT_DISABLED', 'IP_NOT_ALLOWED', 'BLOCKED')
                 and e.occurred_at > now() - interval '24 hours') as failures`,
      [ip, prefix],
    );
    return Object.assign(new IpStatus(), {
      ip,
      sourcePrefix: prefix,
      blocked: block !== null,
      blockedRange: block?.cidr ?? null,
      blockReason: block?.reason ?? null,
      blockedUntil: block?.expiresAt ?? null,
      strike: block?.strike ?? null,
      globallySafe: row?.safe ?? false,
      recentFailures: row?.failures ?? 0,
    });
  }

  @Authorized(Permission.MANAGE_IPS)
  @Query(() => IpCheck, {
    description: 'Everything about one IP: block, failures, accounts tried, trust, location. Needs MANAGE_IPS.',
  })
  async checkIp(
    @Arg('ip', () => String, { description: 'IPv4 or IPv6 address.' }) ipInput: string,
    @Ctx() ctx: Context,
  ): Promise<IpCheck> {
    const ip = normalizeIp(ipInput);
    if (ip === undefined)
      throw badInput([{ field: 'ip', reason: 'INVALID_IP', message: `"${ipInput.slice(0, 64)}" is not an IP address.` }]);
    const { em, services } = ctx;
    const prefix = services.protection.sourcePrefix(ip);
    const active = await services.protection.activeBlock(em, ip);
    const covering = await em.execute<{ id: string }[]>(
      `select id from ip_block where cidr >>= ?::inet order by created_at desc limit 20`,
      [ip],
    );
    const history = covering.length
      ? await em.find(IpBlock, { id: { $in: covering.map((r) => r.id) } }, { orderBy: { createdAt: 'desc' } })
      : [];
    const tried = await em.execute<{ attempted_name: string; failures: string; last_at: Date }[]>(
      `select attempted_name, count(*) as failures, max(occurred_at) as last_at from login_event
        where ip <<= ?::inet and outcome in ('INVALID_CREDENTIALS', 'BLOCKED') and occurred_at > now() - interval '24 hours'
        group by attempted_name order by count(*) desc limit 50`,
      [prefix],
    );
    const trustedRows = await em.execute<{ id: string }[]>(
      `select id from trusted_ip where cidr >>= ?::inet and (expires_at is null or expires_at > now())`,
      [ip],
    );
    const entries = trustedRows.length
      ? await em.find(TrustedIp, { id: { $in: trustedRows.map((r) => r.id) } }, { populate: ['account'] })
      : [];
    // Staff sign-ins and staff trust entries only for a viewer who may manage those staff, as in
    // `loginEvents` and `trustedIps` (what was tried from the address, the attack, is shown whole).
    const recentEvents = await em.find(
      LoginEvent,
      { ip, ...visibleAccountRows(ctx.viewer!) },
      { orderBy: { occurredAt: 'desc', id: 'desc' }, limit: 20 },
    );
    const visible = (role: Role) => role === Role.USER || mayManageRole(ctx.viewer!, role);
    const check = new IpCheck();
    Object.assign(check, {
      ip,
      sourcePrefix: prefix,
      activeBlock: active ? await em.findOne(IpBlock, { id: active.id }) : null,
      blockHistory: history,
      recentFailures: tried.reduce((n, r) => n + Number(r.failures), 0),
      accountsTried: tried.map((r) =>
        Object.assign(new AccountFailureCount(), {
          attemptedName: r.attempted_name,
          failures: Number(r.failures),
          lastAt: new Date(r.last_at),
        }),
      ),
      recentEvents,
      globalSafe: entries.filter((e) => e.account === null),
      trustedBy: entries
        .filter((e) => e.account !== null && visible(e.account.role))
        .map((e) => Object.assign(new TrustingAccount(), { accountId: e.account!.id, email: e.account!.email, entry: e })),
      // Only the lists the viewer could open itself (an admin's: admins; a sub-admin's: MANAGE_SUB_ADMINS).
      adminAccessLists: (
        await em.execute<{ account_id: string; email: string; role: Role; cidr: string; label: string | null }[]>(
          `select e.account_id, a.email, a.role, e.cidr::text as cidr, e.label from admin_access_entry e
             join account a on a.id = e.account_id
            where e.cidr >>= ?::inet order by a.email`,
          [ip],
        )
      )
        .filter((r) => visible(r.role))
        .map((r) =>
          Object.assign(new AccessListMatch(), { accountId: r.account_id, email: r.email, cidr: r.cidr, label: r.label }),
        ),
      location: IpLocation.from(await services.geo.lookup(em, ip)),
    });
    return check;
  }

  @Authorized(Permission.MANAGE_IPS)
  @Query(() => IpBlockPage, { description: 'Blocks, newest first. Needs MANAGE_IPS.' })
  async ipBlocks(
    @Ctx() ctx: Context,
    @Arg('activeOnly', () => Boolean, { defaultValue: true, description: 'Only blocks in force (default).' }) activeOnly: boolean,
    @Arg('reason', () => BlockReason, { nullable: true, description: 'Only this reason.' }) reason?: BlockReason,
    @Arg('page', () => PageInput, { nullable: true, description: 'Paging.' }) page?: PageInput,
  ): Promise<IpBlockPage> {
    const p = page ?? new PageInput();
    const where: Record<string, unknown> = {};
    if (reason) where['reason'] = reason;
    if (activeOnly) Object.assign(where, { liftedAt: null, $or: [{ expiresAt: null }, { expiresAt: { $gt: new Date() } }] });
    const [nodes, totalCount] = await ctx.em.findAndCount(IpBlock, where, {
      orderBy: { createdAt: 'desc', id: 'desc' },
      limit: p.limit,
      offset: p.offset,
    });
    return Object.assign(new IpBlockPage(), { nodes, totalCount });
  }

  @Authorized(Permission.MANAGE_IPS)
  @Mutation(() => BlockIpResult, {
    description:
      'Blocks an address or range by hand, with a note and an optional end; it refuses everyone (an automatic block does not refuse staff on a narrow entry of their own access list) and takes the place of an automatic block of the same range. ALREADY_EXISTS when a block by hand of the range is in force. Refused (WOULD_LOCK_YOU_OUT) from a signed-in session whose own IP it covers. Needs MANAGE_IPS.',
  })
  async blockIp(
    @Arg('input', () => BlockIpInput, { description: 'What to block.' }) input: BlockIpInput,
    @Ctx() ctx: Context,
  ): Promise<typeof BlockIpResult> {
    const cidr = ruleRangeArg(input.cidr, 'cidr');
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      throw badInput([{ field: 'expiresAt', reason: 'IN_THE_PAST', message: 'The end of the block must be in the future.' }]);
    }
    const note = input.note.trim();
    if (!note) throw badInput([{ field: 'note', reason: 'REQUIRED', message: 'Say why the address is blocked.' }]);
    // A signed-in admin blocking their own network could not sign in again from it (API tokens are
    // not refused by blocks, so this guards browser sessions only).
    const own = parseIp(ctx.clientIp);
    if (
      ctx.viewer!.session &&
      own &&
      cidrContains(cidr, own) &&
      // Trust lifts blocks: an address safe for this admin (or globally) keeps signing in.
      !(await ctx.services.protection.trustedInDatabase(ctx.clientIp, ctx.viewer!.account.id))
    ) {
      throw appError(
        ErrorCode.WOULD_LOCK_YOU_OUT,
        `Blocking ${cidr.text} would block your current IP (${ctx.clientIp}): you could not sign in again from here. Block it from another network, or narrow the range.`,
      );
    }
    return ctx.em.transactional(async (em) => {
      // One block per range even when two admins (or an admin and the brute-force rule) act at once.
      await em.execute(`select pg_advisory_xact_lock(hashtext(?))`, [`ip_block:${cidr.text}`]);
      // Only a block by hand stands in for this one: an automatic one of the same range does not
      // refuse staff on their own access list (see ProtectionService.staffMayPassBlock), this one will.
      const existing = await em.execute(
        `select 1 from ip_block where cidr = ?::cidr and reason = 'MANUAL' and lifted_at is null
            and (expires_at is null or expires_at > now())`,
        [cidr.text],
      );
      if (existing.length > 0) return new AlreadyExistsError(`${cidr.text} is blocked already.`);
      // Trust wins over blocks: a block wholly inside the global safe list would stand there refusing
      // nobody, while the block list said otherwise. (One that only overlaps it applies elsewhere.)
      const [safe] = await em.execute<{ cidr: string }[]>(
        `select cidr::text as cidr from trusted_ip where account_id is null and cidr >>= ?::cidr
            and (expires_at is null or expires_at > now()) order by masklen(cidr) limit 1`,
        [cidr.text],
      );
      if (safe) return new SafeListedError(cidr.text, safe.cidr);
      // An automatic block of the same range gives way to this one (lifted by this admin): one row per
      // range, so lifting one from the list cannot silently lift the other.
      const replaced = await em.execute<{ id: string }[]>(
        `update ip_block set lifted_at = now(), lifted_by_id = ?
          where cidr = ?::cidr and reason = 'BRUTE_FORCE' and lifted_at is null and (expires_at is null or expires_at > now())
          returning id`,
        [ctx.viewer!.account.id, cidr.text],
      );
      const block = em.create(IpBlock, {
        cidr: cidr.text,
        reason: BlockReason.MANUAL,
        note,
        expiresAt: input.expiresAt ?? null,
        createdBy: ctx.viewer!.account,
      });
      await em.flush();
      await ctx.services.audit.record(
        { ...ctx, em },
        AuditAction.IP_BLOCKED,
        { type: 'IpBlock', id: block.id, label: block.cidr },
        { note, expiresAt: block.expiresAt, ...(replaced.length > 0 && { replacedAutomatic: replaced.map((r) => r.id) }) },
      );
      return block;
    });
  }

  @Authorized(Permission.MANAGE_IPS)
  @Mutation(() => [IpBlock], {
    description: 'Lifts every block in force that covers the address. NOT_FOUND when none does. Needs MANAGE_IPS.',
  })
  async unblockIp(
    @Arg('ip', () => String, { description: 'IPv4 or IPv6 address (or a blocked range).' }) ipInput: string,
    @Ctx() ctx: Context,
  ): Promise<IpBlock[]> {
    const cidr = cidrArg(ipInput, 'ip');
    // The lifts and their audit entries commit together.
    return ctx.em.transactional(async (em) => {
      const rows = await ctx.services.protection.liftBlocks(em, cidr.text, ctx.viewer!.account.id);
      if (rows.length === 0) throw notFound(`A block covering ${cidr.text}`);
      const lifted = await em.find(IpBlock, { id: { $in: rows.map((r) => r.id) } });
      for (const b of lifted)
        await ctx.services.audit.record(
          { ...ctx, em },
          AuditAction.IP_UNBLOCKED,
          { type: 'IpBlock', id: b.id, label: b.cidr },
          { reason: b.reason },
        );
      return lifted;
    });
  }

  @Authorized(Permission.MANAGE_IPS, Permission.MANAGE_SETTINGS)
  @Query(() => BruteForceSettings, {
    description: 'Brute-force thresholds and durations in force. Needs MANAGE_IPS or MANAGE_SETTINGS.',
  })
  async bruteForceSettings(@Ctx() ctx: Context): Promise<BruteForceSettings> {
    return Object.assign(new BruteForceSettings(), await ctx.services.settings.bruteForce(ctx.em));
  }

  @Authorized(Permission.MANAGE_SETTINGS)
  @Mutation(() => BruteForceSettings, {
    description:
      'Changes brute-force thresholds and durations. Needs MANAGE_SETTINGS; a change that blocks less (a higher threshold, a shorter window or block, less escalation) also needs a recent re-authentication.',
  })
  async updateBruteForceSettings(
    @Arg('input', () => BruteForceSettingsInput, { description: 'Fields to change.' }) input: BruteForceSettingsInput,
    @Ctx() ctx: Context,
  ): Promise<BruteForceSettings> {
    const saved = await ctx.services.settings.updateBruteForce(
      ctx.em,
      ctx.viewer!.account.id,
      (current) => {
        const patch = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined && v !== null));
        const next = { ...current, ...patch };
        if (next.maxBlockSeconds < next.blockSeconds) {
          throw badInput([
            {
              field: 'maxBlockSeconds',
              reason: 'LESS_THAN_BLOCK',
              message: 'The longest block cannot be shorter than the first block.',
            },
          ]);
        }
        // Blocking less lets guessing through: a recent re-authentication first (never a token).
        const weakens = loosens(current, patch as Partial<typeof current>, {
          ipThreshold: 'higher',
          accountIpThreshold: 'higher',
          windowSeconds: 'lower',
          blockSeconds: 'lower',
          maxBlockSeconds: 'lower',
          escalationFactor: 'lower',
        });
        if (weakens) ctx.services.twoFactor.requireRecentReauth(ctx);
        return patch;
      },
      ctx.services.audit.settingsChanged(ctx, { type: 'Settings', label: 'bruteForce' }),
    );
    return Object.assign(new BruteForceSettings(), saved);
  }
}
