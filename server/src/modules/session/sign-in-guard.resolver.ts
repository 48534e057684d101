import { Arg, Authorized, Ctx, Field, ID, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context.js';
import { Permission } from '../../common/auth/roles.js';
import { badInput } from '../../common/errors/errors.js';
import { managedAccount } from '../account/managed-account.js';
import { AuditAction } from '../audit/audit.entity.js';

@ObjectType('SignInGuard', {
  description:
    'The password guard of one account: wrong passwords for its name from every source together within the window, and whether its dashboard sign-ins are heard only from known places now.',
})
export class SignInGuard {
  @Field(() => Int, { description: 'Wrong passwords counted within the window (PASSWORD_GUARD_WINDOW_SECONDS).' })
  failures!: number;

  @Field(() => Int, { description: 'How many pause sign-ins from new places (PASSWORD_GUARD_FAILURES; 0: the guard is off).' })
  threshold!: number;

  @Field(() => Int, { description: 'The window the wrong passwords are counted in, in seconds (PASSWORD_GUARD_WINDOW_SECONDS).' })
  windowSeconds!: number;

  @Field(() => Boolean, {
    description:
      'Sign-ins from new places are paused: heard only from trusted addresses, places the account signed in to the dashboard from before, and (restricted staff) narrow entries of its IP access list.',
  })
  paused!: boolean;
}

@Resolver()
export class SignInGuardResolver {
  @Authorized(Permission.MANAGE_USERS, Permission.MANAGE_SUB_ADMINS)
  @Query(() => SignInGuard, {
    description: 'The password guard of another account. Users need MANAGE_USERS, sub-admins MANAGE_SUB_ADMINS, admins an admin.',
  })
  async signInGuard(
    @Arg('accountId', () => ID, { description: 'The account.' }) accountId: string,
    @Ctx() ctx: Context,
  ): Promise<SignInGuard> {
    const account = await managedAccount(ctx, accountId);
    const { failures: threshold, windowSeconds } = ctx.services.config.passwordGuard;
    const failures = await ctx.services.protection.nameFailures(account.email, windowSeconds);
    return Object.assign(new SignInGuard(), {
      failures,
      threshold,
      windowSeconds,
      paused: threshold > 0 && failures >= threshold,
    });
  }

  @Authorized(Permission.MANAGE_USERS, Permission.MANAGE_SUB_ADMINS)
  @Mutation(() => SignInGuard, {
    description:
      'Ends the password guard’s pause of another account (or its count of wrong passwords so far): new places are heard again, and the count starts afresh. Not your own (BAD_USER_INPUT, reason SELF). Audited. Users need MANAGE_USERS, sub-admins MANAGE_SUB_ADMINS, admins an admin. Needs a recent re-authentication.',
  })
  async resumeSignIns(
    @Arg('accountId', () => ID, { description: 'The account.' }) accountId: string,
    @Ctx() ctx: Context,
  ): Promise<SignInGuard> {
    const account = await managedAccount(ctx, accountId);
    // Not one's own: an intruder in a session at a known place must not open new places for itself.
    if (account.id === ctx.viewer!.account.id) {
      throw badInput([
        {
          field: 'accountId',
          reason: 'SELF',
          message: 'Ask another admin, or use the server-side CLI, to resume your own sign-ins.',
        },
      ]);
    }
    ctx.services.twoFactor.requireRecentReauth(ctx);
    const { failures: threshold, windowSeconds } = ctx.services.config.passwordGuard;
    await ctx.em.transactional(async (tx) => {
      const failures = await ctx.services.protection.resumeSignIns(tx, account.email, windowSeconds);
      await ctx.services.audit.record(
        { ...ctx, em: tx },
        AuditAction.SIGN_INS_RESUMED,
        { type: 'Account', id: account.id, label: account.email },
        { failures },
      );
    });
    return Object.assign(new SignInGuard(), { failures: 0, threshold, windowSeconds, paused: false });
  }
}
