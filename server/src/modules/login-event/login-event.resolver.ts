import { IsOptional, MaxLength } from 'class-validator';
import { Arg, Authorized, Ctx, Field, ID, InputType, Int, ObjectType, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context.js';
import { Permission } from '../../common/auth/roles.js';
import { badInput } from '../../common/errors/errors.js';
import { assertUuid } from '../../common/graphql/ids.js';
import { normalizeIp } from '../../common/net/ip.js';
import { PageInput } from '../account/account.inputs.js';
import { visibleAccountRows } from '../account/account.service.js';
import { LoginEvent, LoginOutcome } from './login-event.entity.js';

@InputType('LoginEventFilter', { description: 'Narrows the login history.' })
export class LoginEventFilter {
  @Field(() => ID, { nullable: true, description: 'Only this account.' })
  @IsOptional()
  accountId?: string;

  @Field(() => String, { nullable: true, description: 'Only this IP address.' })
  @IsOptional()
  @MaxLength(64)
  ip?: string;

  @Field(() => LoginOutcome, { nullable: true, description: 'Only this outcome.' })
  @IsOptional()
  outcome?: LoginOutcome;
}

@ObjectType('LoginEventPage', { description: 'One page of login events.' })
export class LoginEventPage {
  @Field(() => [LoginEvent], { description: 'Events, newest first.' })
  nodes!: LoginEvent[];

  @Field(() => Int, { description: 'Events matching, over all pages.' })
  totalCount!: number;
}

@Resolver(() => LoginEvent)
export class LoginEventResolver {
  @Authorized(Permission.MANAGE_USERS, Permission.MANAGE_IPS)
  @Query(() => LoginEventPage, {
    description:
      'Login history (time, IP, place, network, service, outcome). Needs MANAGE_USERS or MANAGE_IPS. A sub-admin sees the sign-ins of users, of sub-admins with MANAGE_SUB_ADMINS, and of unknown names; never an admin’s.',
  })
  async loginEvents(
    @Ctx() ctx: Context,
    @Arg('filter', () => LoginEventFilter, { nullable: true, description: 'Filter.' }) filter?: LoginEventFilter,
    @Arg('page', () => PageInput, { nullable: true, description: 'Paging.' }) page?: PageInput,
  ): Promise<LoginEventPage> {
    const where: Record<string, unknown> = {};
    if (filter?.accountId) {
      assertUuid(filter.accountId, 'filter.accountId');
      where['account'] = filter.accountId;
    }
    if (filter?.ip) {
      const ip = normalizeIp(filter.ip);
      if (!ip) throw badInput([{ field: 'filter.ip', reason: 'INVALID_IP', message: `"${filter.ip}" is not an IP address.` }]);
      where['ip'] = ip;
    }
    if (filter?.outcome) where['outcome'] = filter.outcome;
    // Staff sign-ins (where and when they work) only for a viewer who may manage those staff.
    const p = page ?? new PageInput();
    const [nodes, totalCount] = await ctx.em.findAndCount(
      LoginEvent,
      { ...where, ...visibleAccountRows(ctx.viewer!) },
      {
        orderBy: { occurredAt: 'desc', id: 'desc' },
        limit: p.limit,
        offset: p.offset,
      },
    );
    return Object.assign(new LoginEventPage(), { nodes, totalCount });
  }

  @Authorized()
  @Query(() => LoginEventPage, { description: 'Your own login history.' })
  async myLoginEvents(
    @Ctx() ctx: Context,
    @Arg('page', () => PageInput, { nullable: true, description: 'Paging.' }) page?: PageInput,
  ): Promise<LoginEventPage> {
    const p = page ?? new PageInput();
    const [nodes, totalCount] = await ctx.services.loginEvents.listForAccount(ctx.em, ctx.viewer!.account.id, p.limit, p.offset);
    return Object.assign(new LoginEventPage(), { nodes, totalCount });
  }
}
