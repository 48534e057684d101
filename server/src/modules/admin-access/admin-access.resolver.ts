import { Arg, Authorized, Ctx, Field, ID, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context.js';
import { Role } from '../../common/auth/roles.js';
import { badInput, forbidden } from '../../common/errors/errors.js';
import { assertUuid } from '../../common/graphql/ids.js';
import { Account } from '../account/account.entity.js';
import { AuditAction } from '../audit/audit.entity.js';
import { AdminAccessEntry } from './admin-access.entity.js';
import { MAX_LINES } from './admin-access.service.js';

@ObjectType('AdminAccessList', { description: 'An admin’s or sub-admin’s IP access list and restriction status.' })
export class AdminAccessList {
  @Field(() => Account, { description: 'Whose list.' })
  account!: Account;

  @Field(() => Boolean, { description: 'True: sign-in and requests only from the listed IPs. False: unrestricted access.' })
  restricted!: boolean;

  @Field(() => [AdminAccessEntry], { description: 'The entries, oldest first.' })
  entries!: AdminAccessEntry[];

  @Field(() => String, { description: 'The IP this request comes from (to add with one click).' })
  currentIp!: string;

  @Field(() => Boolean, { description: 'Whether the current IP is inside the list.' })
  currentIpListed!: boolean;
}

@ObjectType('RestrictionPreviewItem', {
  description: 'Activity of the last 30 days that restricting to the list would have refused.',
})
export class RestrictionPreviewItem {
  @Field(() => String, { description: 'Source address.' })
  ip!: string;

  @Field(() => Int, {
    description:
      'For sign-ins: the successful logins recorded from the address. For an API token: 1, one item per token whose last use came from it. An address may therefore appear more than once.',
  })
  count!: number;

  @Field(() => Date, { description: 'Most recent.' })
  lastAt!: Date;

  @Field(() => [String], { description: 'Services seen (panel, api, …).' })
  services!: string[];
}

@Resolver()
export class AdminAccessResolver {
  private async list(ctx: Context, accountId?: string | null): Promise<AdminAccessList> {
    if (ctx.viewer!.account.role === Role.USER) throw forbidden();
    if (accountId != null) assertUuid(accountId, 'accountId');
    const account = await ctx.services.adminAccess.target(ctx.em, ctx.viewer!, accountId);
    const entries = await ctx.services.adminAccess.entries(ctx.em, account);
    return Object.assign(new AdminAccessList(), {
      account,
      restricted: account.ipRestricted,
      entries,
      currentIp: ctx.clientIp,
      currentIpListed: await ctx.services.adminAccess.ipAllowed(account.id, ctx.clientIp),
    });
  }

  @Authorized()
  @Query(() => AdminAccessList, {
    description:
      'An IP access list: yours (no accountId), or another account’s (admins; sub-admins with MANAGE_SUB_ADMINS for sub-admins).',
  })
  async adminAccessList(
    @Ctx() ctx: Context,
    @Arg('accountId', () => ID, { nullable: true, description: 'Account; omit for your own.' }) accountId?: string,
  ): Promise<AdminAccessList> {
    return this.list(ctx, accountId);
  }

  @Authorized()
  @Query(() => [RestrictionPreviewItem], {
    description: 'What restricting to the list would have refused over the last 30 days.',
  })
  async ipRestrictionPreview(
    @Ctx() ctx: Context,
    @Arg('accountId', () => ID, { nullable: true, description: 'Account; omit for your own.' }) accountId?: string,
  ): Promise<RestrictionPreviewItem[]> {
    const { account } = await this.list(ctx, accountId);
    return (await ctx.services.adminAccess.preview(ctx.em, account)).map((p) => Object.assign(new RestrictionPreviewItem(), p));
  }

  @Authorized()
  @Mutation(() => AdminAccessList, {
    description: `Adds addresses or ranges, one per line ("203.0.113.7 Office"); up to ${MAX_LINES} lines. Each bad line is reported by number and nothing is written. Needs a recent re-authentication.`,
  })
  async addAdminAccessEntries(
    @Arg('lines', () => String, { description: 'One address or CIDR range per line, optionally followed by a label.' })
    lines: string,
    @Ctx() ctx: Context,
    @Arg('label', () => String, { nullable: true, description: 'Label for lines that carry none.' }) label?: string,
    @Arg('accountId', () => ID, { nullable: true, description: 'Account; omit for your own.' }) accountId?: string,
  ): Promise<AdminAccessList> {
    const { account } = await this.list(ctx, accountId);
    // Too long is refused, never cut: a cut could end a line inside an address and add another one.
    const tooLong = [];
    if (lines.length > 20_000) {
      tooLong.push({ field: 'lines', reason: 'TOO_LONG', message: 'At most 20 000 characters at once.' });
    }
    if ((label?.trim().length ?? 0) > 100) {
      tooLong.push({ field: 'label', reason: 'TOO_LONG', message: 'A label has at most 100 characters.' });
    }
    if (tooLong.length > 0) throw badInput(tooLong);
    const parsed = ctx.services.adminAccess.parseLines(lines, label?.trim() || null);
    // Changing IP restrictions is a sensitive change (SPEC: sudo mode).
    ctx.services.twoFactor.requireRecentReauth(ctx);
    // The entries and their audit entries commit together.
    await ctx.em.transactional(async (em) => {
      const added = await ctx.services.adminAccess.add(em, account, parsed);
      for (const e of added) {
        await ctx.services.audit.record(
          { ...ctx, em },
          AuditAction.ACCESS_LIST_ENTRY_ADDED,
          { type: 'Account', id: account.id, label: account.email },
          { cidr: e.cidr, label: e.label },
        );
      }
    });
    return this.list(ctx, account.id);
  }

  @Authorized()
  @Mutation(() => AdminAccessList, {
    description:
      'Removes an entry. Refused (WOULD_LOCK_YOU_OUT) if your current IP would then be outside your own restricted list, and (ACCESS_LIST_EMPTY) if it is the last entry of a restricted list, anyone’s: allow unrestricted access first. Needs a recent re-authentication.',
  })
  async removeAdminAccessEntry(
    @Arg('id', () => ID, { description: 'Entry id.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<AdminAccessList> {
    assertUuid(id, 'id');
    if (ctx.viewer!.account.role === Role.USER) throw forbidden();
    ctx.services.twoFactor.requireRecentReauth(ctx);
    const entry = await ctx.em.transactional(async (em) => {
      const tx = { ...ctx, em };
      const removed = await ctx.services.adminAccess.remove(tx, id);
      await ctx.services.audit.record(
        tx,
        AuditAction.ACCESS_LIST_ENTRY_REMOVED,
        { type: 'Account', id: removed.account.id, label: removed.account.email },
        { cidr: removed.cidr },
      );
      return removed;
    });
    return this.list(ctx, entry.account.id);
  }

  @Authorized()
  @Mutation(() => AdminAccessList, {
    description:
      'Restricts sign-in and every request to the access list (true) or allows unrestricted access (false). Restricting yourself is refused (WOULD_LOCK_YOU_OUT) unless your current IP is listed; restricting an account whose list is empty is refused (ACCESS_LIST_EMPTY). Needs a recent re-authentication.',
  })
  async setIpRestriction(
    @Arg('restricted', () => Boolean, { description: 'True to restrict to the list.' }) restricted: boolean,
    @Ctx() ctx: Context,
    @Arg('accountId', () => ID, { nullable: true, description: 'Account; omit for your own.' }) accountId?: string,
  ): Promise<AdminAccessList> {
    const { account } = await this.list(ctx, accountId);
    ctx.services.twoFactor.requireRecentReauth(ctx);
    await ctx.em.transactional(async (em) => {
      const tx = { ...ctx, em };
      const before = await ctx.services.adminAccess.setRestricted(tx, account, restricted);
      if (before !== restricted) {
        await ctx.services.audit.record(
          tx,
          AuditAction.IP_RESTRICTION_CHANGED,
          { type: 'Account', id: account.id, label: account.email },
          { before, after: restricted },
        );
      }
    });
    // The response reads the account from this request's identity map: reload it from the database
    // (assigning the property would leave it dirty, and the next read's automatic flush would write it
    // again, outside the lock and unaudited, over a change another admin committed meanwhile).
    await ctx.em.findOne(Account, { id: account.id }, { refresh: true });
    return this.list(ctx, account.id);
  }
}
