import { IsOptional, MaxLength } from 'class-validator';
import {
  Arg,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { wrap } from '@mikro-orm/core';
import { Account } from '../account/account.entity.js';
import type { Context } from '../../context.js';
import { Permission } from '../../common/auth/roles.js';
import { assertUuid } from '../../common/graphql/ids.js';
import { AuditAction } from '../audit/audit.entity.js';
import { ApiToken } from './api-token.entity.js';

@InputType('CreateApiTokenInput', { description: 'A new API token for an API-only sub-admin.' })
export class CreateApiTokenInput {
  @Field(() => ID, { description: 'The API-only sub-admin.' })
  accountId!: string;

  @Field(() => String, { description: 'What uses it, 1–100 characters (e.g. "Mail server mx1").' })
  @MaxLength(100)
  name!: string;

  @Field(() => Date, { nullable: true, description: 'When it stops working; omit for no expiry.' })
  @IsOptional()
  expiresAt?: Date;
}

@ObjectType('ApiTokenCreated', { description: 'The new token. `token` is shown this once and cannot be retrieved later.' })
export class ApiTokenCreated {
  @Field(() => String, { description: 'The bearer token: send as `Authorization: Bearer <token>`. Store it now.' })
  token!: string;

  @Field(() => ApiToken, { description: 'The token’s record.' })
  apiToken!: ApiToken;
}

@Resolver(() => ApiToken)
export class ApiTokenResolver {
  @Authorized(Permission.MANAGE_SUB_ADMINS)
  @Query(() => [ApiToken], { description: 'API tokens of an account, newest first. Needs MANAGE_SUB_ADMINS.' })
  async apiTokens(
    @Arg('accountId', () => ID, { description: 'Account id.' }) accountId: string,
    @Ctx() ctx: Context,
  ): Promise<ApiToken[]> {
    assertUuid(accountId, 'accountId');
    return ctx.services.apiTokens.list(ctx.em, accountId);
  }

  @Authorized(Permission.MANAGE_SUB_ADMINS)
  @Mutation(() => ApiTokenCreated, {
    description:
      'Creates an API token for an API-only sub-admin. Needs MANAGE_SUB_ADMINS and a recent re-authentication (`reauthenticate`, else REAUTH_REQUIRED): a token is a standing credential.',
  })
  async createApiToken(
    @Arg('input', () => CreateApiTokenInput, { description: 'Account, name and expiry.' }) input: CreateApiTokenInput,
    @Ctx() ctx: Context,
  ): Promise<ApiTokenCreated> {
    assertUuid(input.accountId, 'accountId');
    ctx.services.twoFactor.requireRecentReauth(ctx);
    // A token carries its account's permissions: a sub-admin mints one only with permissions it holds.
    const { token, apiToken } = await ctx.services.apiTokens.create(
      ctx.em,
      input.accountId,
      input.name,
      input.expiresAt ?? null,
      (account) => ctx.services.accounts.assertMayGrant(ctx.viewer!, account.permissions),
      (em, t) =>
        ctx.services.audit.record(
          { ...ctx, em },
          AuditAction.API_TOKEN_CREATED,
          { type: 'ApiToken', id: t.id, label: `${t.name} (${t.prefix}…)` },
          { accountId: input.accountId, expiresAt: t.expiresAt },
        ),
      { accountId: ctx.viewer!.account.id, sessionId: ctx.viewer!.session?.id ?? null },
    );
    return Object.assign(new ApiTokenCreated(), { token, apiToken });
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'E-mail of the account that created it (its secret was shown to them); null once that account is deleted. Disabling or deleting that account revokes the token.',
  })
  async createdByEmail(@Root() token: ApiToken, @Ctx() ctx: Context): Promise<string | null> {
    const by = token.createdBy;
    if (by === null) return null;
    if (wrap(by).isInitialized()) return by.email;
    return (await ctx.em.findOne(Account, { id: by.id }))?.email ?? null;
  }

  @Authorized(Permission.MANAGE_SUB_ADMINS)
  @Mutation(() => ApiToken, { description: 'Revokes an API token at once. Needs MANAGE_SUB_ADMINS.' })
  async revokeApiToken(@Arg('id', () => ID, { description: 'Token id.' }) id: string, @Ctx() ctx: Context): Promise<ApiToken> {
    assertUuid(id, 'id');
    return ctx.services.apiTokens.revoke(ctx.em, id, (em, t) =>
      ctx.services.audit.record({ ...ctx, em }, AuditAction.API_TOKEN_REVOKED, {
        type: 'ApiToken',
        id,
        label: `${t.name} (${t.prefix}…)`,
      }),
    );
  }
}
