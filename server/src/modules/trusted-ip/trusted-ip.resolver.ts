import { IsOptional, MaxLength } from 'class-validator';
import {
  Arg,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
  createUnionType,
} from 'type-graphql';
import type { Context } from '../../context.js';
import { Permission, Role } from '../../common/auth/roles.js';
import { AlreadyExistsError, WideRangeNeedsAcknowledgementError } from '../../common/errors/error-result.js';
import { hasPermission } from '../../common/auth/auth-checker.js';
import { appError, badInput, forbidden, notFound } from '../../common/errors/errors.js';
import { ErrorCode } from '../../common/errors/codes.js';
import { assertUuid } from '../../common/graphql/ids.js';
import { isWidePublicRange, ruleRangeArg } from '../../common/net/cidr-input.js';
import { Account } from '../account/account.entity.js';
import { mayManageRole, visibleAccountRows } from '../account/account.service.js';
import { PageInput } from '../account/account.inputs.js';
import { AuditAction } from '../audit/audit.entity.js';
import { TrustedIp } from './trusted-ip.entity.js';

@InputType('MarkIpSafeInput', { description: 'Mark an address or range as safe, for one account or globally.' })
export class MarkIpSafeInput {
  @Field(() => String, { description: 'IP address or CIDR range (host bits zero).' })
  @MaxLength(64)
  cidr!: string;

  @Field(() => ID, { nullable: true, description: 'Account it is trusted for; omit for the global safe list.' })
  @IsOptional()
  accountId?: string;

  @Field(() => String, { nullable: true, description: 'Why (e.g. "CRM sync server").' })
  @IsOptional()
  @MaxLength(500)
  note?: string;

  @Field(() => Date, { nullable: true, description: 'When the trust ends by itself; omit for no end.' })
  @IsOptional()
  expiresAt?: Date;

  @Field(() => Boolean, {
    defaultValue: false,
    description: 'Required (true) for a public range wider than /24 (IPv4) or /48 (IPv6).',
  })
  acknowledgeWideRange: boolean = false;
}

export const MarkIpSafeResult = createUnionType({
  name: 'MarkIpSafeResult',
  description: 'Outcome of marking an address safe.',
  types: () => [TrustedIp, WideRangeNeedsAcknowledgementError, AlreadyExistsError] as const,
});

@ObjectType('TrustedIpPage', { description: 'One page of trusted IPs.' })
export class TrustedIpPage {
  @Field(() => [TrustedIp], { description: 'Entries on this page.' })
  nodes!: TrustedIp[];

  @Field(() => Int, { description: 'Entries matching, over all pages.' })
  totalCount!: number;
}

@Resolver(() => TrustedIp)
export class TrustedIpResolver {
  @FieldResolver(() => Account, { nullable: true, description: 'The account it is trusted for; null = global safe list.' })
  async account(@Root() entry: TrustedIp, @Ctx() ctx: Context): Promise<Account | null> {
    if (entry.account === null) return null;
    return ctx.em.findOne(Account, { id: entry.account.id });
  }

  @Authorized(Permission.MANAGE_IPS)
  @Query(() => TrustedIpPage, { description: 'Safe and trusted IPs, newest first. Needs MANAGE_IPS.' })
  async trustedIps(
    @Ctx() ctx: Context,
    @Arg('accountId', () => ID, { nullable: true, description: 'Only this account’s trusted IPs.' }) accountId?: string,
    @Arg('globalOnly', () => Boolean, { defaultValue: false, description: 'Only the global safe list.' }) globalOnly?: boolean,
    @Arg('page', () => PageInput, { nullable: true, description: 'Paging.' }) page?: PageInput,
  ): Promise<TrustedIpPage> {
    const p = page ?? new PageInput();
    const where: Record<string, unknown> = {};
    if (accountId != null) {
      assertUuid(accountId, 'accountId');
      where['account'] = accountId;
    } else if (globalOnly) where['account'] = null;
    // Staff entries only for a viewer who may manage those staff (as adding or removing them takes):
    // MANAGE_IPS alone sees the global list and users' entries, not who the staff are or where they work.
    const [nodes, totalCount] = await ctx.em.findAndCount(
      TrustedIp,
      { ...where, ...visibleAccountRows(ctx.viewer!) },
      {
        orderBy: { createdAt: 'desc', id: 'desc' },
        limit: p.limit,
        offset: p.offset,
      },
    );
    return Object.assign(new TrustedIpPage(), { nodes, totalCount });
  }

  @Authorized()
  @Query(() => [TrustedIp], { description: 'Your own trusted login IPs that are in force (expired ones are not listed).' })
  async myTrustedIps(@Ctx() ctx: Context): Promise<TrustedIp[]> {
    return ctx.em.find(
      TrustedIp,
      { account: ctx.viewer!.account, $or: [{ expiresAt: null }, { expiresAt: { $gt: new Date() } }] },
      { orderBy: { createdAt: 'desc' } },
    );
  }

  @Authorized(Permission.MANAGE_IPS)
  @Mutation(() => MarkIpSafeResult, {
    description:
      'Marks an address or range safe for one account (its logins from there are never blocked and raise no incident) or globally. Global entries also lift blocks inside the range. Needs MANAGE_IPS; a staff account also the right to manage it (a sub-admin never its own); the global list, which exempts every account, also MANAGE_SETTINGS. A wide public range, for one account or for all, also needs a recent re-authentication (not possible with an API token).',
  })
  async markIpSafe(
    @Arg('input', () => MarkIpSafeInput, { description: 'What to trust.' }) input: MarkIpSafeInput,
    @Ctx() ctx: Context,
  ): Promise<typeof MarkIpSafeResult> {
    const cidr = ruleRangeArg(input.cidr, 'cidr');
    let account: Account | null = null;
    if (input.accountId != null) {
      assertUuid(input.accountId, 'accountId');
      account = await ctx.em.findOne(Account, { id: input.accountId });
      if (!account) throw notFound('Account');
      // Exempting a staff account from blocking and incidents takes the rights to manage it, and no
      // sub-admin exempts itself (as none decides about its own incident).
      if (account.role !== Role.USER) ctx.services.accounts.assertMayManageRole(ctx.viewer!, account.role);
      if (account.id === ctx.viewer!.account.id && account.role !== Role.ADMIN) throw forbidden();
    } else if (!hasPermission(ctx.viewer!, Permission.MANAGE_SETTINGS)) {
      // The global list exempts every account, the staff too, from blocks and incidents: a change of
      // the protection itself, as the brute-force and incident settings are.
      throw appError(
        ErrorCode.FORBIDDEN,
        'The global safe list exempts every account: it takes the “Manage settings” permission too. Trust the address for one user instead.',
      );
    }
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      throw badInput([{ field: 'expiresAt', reason: 'IN_THE_PAST', message: 'The end of the trust must be in the future.' }]);
    }
    if (isWidePublicRange(cidr) && !input.acknowledgeWideRange) return new WideRangeNeedsAcknowledgementError(cidr.text);
    // A wide public range switches protection off for many (trusted for everyone), or for one account
    // from anywhere in it (no blocks, no incidents: an intruder's cover). Like weakening the settings, it
    // needs a recent re-authentication, which an API token cannot give.
    if (isWidePublicRange(cidr)) ctx.services.twoFactor.requireRecentReauth(ctx);
    return ctx.em.transactional(async (em) => {
      // One entry per range and account even when two admins mark it at the same moment.
      await em.execute(`select pg_advisory_xact_lock(hashtext(?))`, [`trusted_ip:${account?.id ?? '*'}:${cidr.text}`]);
      const dup = await em.execute(
        `select 1 from trusted_ip where cidr = ?::cidr and account_id is not distinct from ? and (expires_at is null or expires_at > now())`,
        [cidr.text, account?.id ?? null],
      );
      if (dup.length > 0)
        return new AlreadyExistsError(`${cidr.text} is trusted already${account ? ` for ${account.email}` : ' globally'}.`);
      const entry = em.create(TrustedIp, {
        cidr: cidr.text,
        account,
        note: input.note?.trim() || null,
        expiresAt: input.expiresAt ?? null,
        createdBy: ctx.viewer!.account,
      });
      await em.flush();
      const audit = { ...ctx, em };
      await ctx.services.audit.record(
        audit,
        AuditAction.IP_MARKED_SAFE,
        { type: 'TrustedIp', id: entry.id, label: entry.cidr },
        {
          account: account?.email ?? null,
          note: entry.note,
          expiresAt: entry.expiresAt,
          acknowledgedWideRange: input.acknowledgeWideRange,
        },
      );
      if (account === null) {
        // A globally safe range lifts the blocks in force inside it, each lift audited like an unblock.
        const lifted = await em.execute<{ id: string; cidr: string; reason: string }[]>(
          `update ip_block set lifted_at = now(), lifted_by_id = ?
            where cidr <<= ?::cidr and lifted_at is null and (expires_at is null or expires_at > now())
            returning id, cidr::text as cidr, reason`,
          [ctx.viewer!.account.id, cidr.text],
        );
        for (const b of lifted)
          await ctx.services.audit.record(
            audit,
            AuditAction.IP_UNBLOCKED,
            { type: 'IpBlock', id: b.id, label: b.cidr },
            { reason: b.reason, markedSafe: entry.id },
          );
      }
      return entry;
    });
  }

  @Authorized(Permission.MANAGE_IPS)
  @Mutation(() => Boolean, {
    description: 'Removes a safe/trusted entry. Needs MANAGE_IPS; a staff account’s entry also the right to manage that account.',
  })
  async removeTrustedIp(@Arg('id', () => ID, { description: 'Entry id.' }) id: string, @Ctx() ctx: Context): Promise<boolean> {
    assertUuid(id, 'id');
    return ctx.em.transactional(async (em) => {
      const entry = await em.findOne(TrustedIp, { id }, { populate: ['account'] });
      if (!entry) throw notFound('Trusted IP');
      // A staff account's entry is theirs to change only for who may manage them (as adding it was);
      // one the viewer may not even see answers as an unknown one.
      if (entry.account && entry.account.role !== Role.USER && !mayManageRole(ctx.viewer!, entry.account.role)) {
        throw notFound('Trusted IP');
      }
      // Two removals at once: one deletes and is audited, the other finds nothing.
      if ((await em.nativeDelete(TrustedIp, { id })) === 0) throw notFound('Trusted IP');
      await ctx.services.audit.record(
        { ...ctx, em },
        AuditAction.TRUSTED_IP_REMOVED,
        { type: 'TrustedIp', id, label: entry.cidr },
        { account: entry.account?.email ?? null },
      );
      return true;
    });
  }
}
