import { IsOptional, MaxLength } from 'class-validator';
import { Arg, Authorized, Ctx, Field, ID, InputType, Int, ObjectType, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context.js';
import { Permission } from '../../common/auth/roles.js';
import { assertUuid } from '../../common/graphql/ids.js';
import { PageInput } from '../account/account.inputs.js';
import { AuditAction, AuditEntry } from './audit.entity.js';

@InputType('AuditFilter', { description: 'Narrows the audit log.' })
export class AuditFilterInput {
  @Field(() => ID, { nullable: true, description: 'Only actions by this account.' })
  @IsOptional()
  actorId?: string;

  @Field(() => AuditAction, { nullable: true, description: 'Only this action.' })
  @IsOptional()
  action?: AuditAction;

  @Field(() => String, { nullable: true, description: 'Only entries about this target id.' })
  @IsOptional()
  targetId?: string;

  @Field(() => String, { nullable: true, description: 'Only actions by accounts whose e-mail starts with this (any case).' })
  @IsOptional()
  @MaxLength(254)
  actorEmail?: string;

  @Field(() => String, {
    nullable: true,
    description: 'Only entries whose target label (e-mail, address, name…) starts with this (any case).',
  })
  @IsOptional()
  @MaxLength(254)
  target?: string;

  @Field(() => Date, { nullable: true, description: 'From this time (inclusive).' })
  @IsOptional()
  from?: Date;

  @Field(() => Date, { nullable: true, description: 'Until this time (exclusive).' })
  @IsOptional()
  to?: Date;
}

@ObjectType('AuditPage', { description: 'One page of the audit log.' })
export class AuditPage {
  @Field(() => [AuditEntry], { description: 'Entries, newest first.' })
  nodes!: AuditEntry[];

  @Field(() => Int, { description: 'Entries matching, over all pages.' })
  totalCount!: number;
}

@Resolver(() => AuditEntry)
export class AuditResolver {
  @Authorized(Permission.READ_AUDIT_LOG)
  @Query(() => AuditPage, {
    description: 'The audit log, newest first. Read-only: entries cannot be changed or deleted. Needs READ_AUDIT_LOG.',
  })
  async auditLog(
    @Ctx() ctx: Context,
    @Arg('filter', () => AuditFilterInput, { nullable: true, description: 'Filter.' }) filter?: AuditFilterInput,
    @Arg('page', () => PageInput, { nullable: true, description: 'Paging.' }) page?: PageInput,
  ): Promise<AuditPage> {
    if (filter?.actorId) assertUuid(filter.actorId, 'filter.actorId');
    const p = page ?? new PageInput();
    const [nodes, totalCount] = await ctx.services.audit.list(ctx.em, filter, p.limit, p.offset);
    return Object.assign(new AuditPage(), { nodes, totalCount });
  }
}
