import { Arg, Authorized, Ctx, Field, ID, Mutation, ObjectType, Query, Resolver, createUnionType } from 'type-graphql';
import type { Context } from '../../context.js';
import { InvalidCredentialsError, IpBlockedError, SignInPausedError } from '../../common/errors/error-result.js';
import { assertUuid } from '../../common/graphql/ids.js';
import { Account } from '../account/account.entity.js';
import { AuditAction } from '../audit/audit.entity.js';
import { Session } from './session.entity.js';
import { LoginInput } from './session.inputs.js';
import { SessionInfo } from './session.types.js';
import { SessionStage } from './session.entity.js';
import { SecondFactorRequired, TwoFactorEnrollmentRequired, TwoFactorError } from '../two-factor/two-factor.types.js';
import { TwoFactorMethod } from '../two-factor/two-factor.entity.js';
import { assertProofGiven } from '../two-factor/two-factor.inputs.js';
import { badInput, notFound } from '../../common/errors/errors.js';

@ObjectType('LoginSuccess', { description: 'Signed in; the session cookie is set.' })
export class LoginSuccess {
  @Field(() => Account, { description: 'The signed-in account.' })
  account!: Account;
}

export const LoginResult = createUnionType({
  name: 'LoginResult',
  description: 'Outcome of a password sign-in.',
  types: () =>
    [
      LoginSuccess,
      SecondFactorRequired,
      TwoFactorEnrollmentRequired,
      InvalidCredentialsError,
      IpBlockedError,
      SignInPausedError,
      TwoFactorError,
    ] as const,
});

/** Second factors that can come with the password: the others belong to a pending sign-in. */
const ONE_REQUEST_METHODS = new Set([TwoFactorMethod.TOTP, TwoFactorMethod.RECOVERY_CODE]);

@Resolver()
export class SessionResolver {
  @Mutation(() => LoginResult, {
    description:
      'Signs in with e-mail and password and sets an HttpOnly session cookie. Unknown account, wrong password and disabled account give the same answer. After PASSWORD_GUARD_FAILURES wrong passwords for one name from all places together, SignInPausedError from any address that is neither trusted nor one its account signed in from before (for unknown names too). With 2FA the answer is SecondFactorRequired (finish with verifySecondFactor) or, under a policy without a method, TwoFactorEnrollmentRequired; with an app or recovery code sent along (`secondFactor`), LoginSuccess or TwoFactorError at once. A right password for an account whose only factors cannot be used now (only a flagged security key, or e-mail codes while they are off for staff) and with no recovery code left gets TwoFactorError SECOND_FACTOR_UNAVAILABLE, with or without `secondFactor`, and no session.',
  })
  async login(
    @Arg('input', () => LoginInput, { description: 'E-mail and password (and optionally a second factor).' }) input: LoginInput,
    @Ctx() ctx: Context,
  ): Promise<typeof LoginResult> {
    const proof = input.secondFactor ?? null;
    // Refused before any password is hashed or anything written.
    if (proof && !ONE_REQUEST_METHODS.has(proof.method)) {
      throw badInput([
        {
          field: 'input.secondFactor.method',
          reason: 'NEEDS_SECOND_STEP',
          message:
            'Only an app code (TOTP) or a recovery code can come with the password; e-mailed codes and security keys use verifySecondFactor.',
        },
      ]);
    }
    if (proof) assertProofGiven(proof, 'input.secondFactor');
    const result = await ctx.services.auth.login(ctx, input.email, input.password, proof);
    if (!result.ok) {
      if (result.secondFactor) return TwoFactorError.from(result.secondFactor);
      if (result.paused) return new SignInPausedError();
      return result.blockedUntil !== undefined ? new IpBlockedError(result.blockedUntil) : new InvalidCredentialsError();
    }
    if (result.stage === SessionStage.PENDING_SECOND_FACTOR) {
      return Object.assign(new SecondFactorRequired(), { methods: result.methods, expiresAt: result.expiresAt });
    }
    if (result.stage === SessionStage.ENROLLMENT_REQUIRED) {
      return Object.assign(new TwoFactorEnrollmentRequired(), { allowedMethods: result.enrollable, expiresAt: result.expiresAt });
    }
    return Object.assign(new LoginSuccess(), { account: result.account });
  }

  @Mutation(() => Boolean, { description: 'Ends the current session on the server and clears the cookie. Always true.' })
  async logout(@Ctx() ctx: Context): Promise<boolean> {
    await ctx.services.auth.logout(ctx.em, ctx);
    return true;
  }

  @Authorized()
  @Query(() => [SessionInfo], { description: 'Your live sessions, most recently active first.' })
  async mySessions(@Ctx() ctx: Context): Promise<SessionInfo[]> {
    const viewer = ctx.viewer!;
    const sessions = await ctx.services.sessions.listLive(ctx.em, viewer.account);
    return sessions.map((s) => SessionInfo.from(s, viewer.session?.id));
  }

  @Authorized()
  @Mutation(() => Boolean, {
    description: 'Revokes one of your sessions (signing that browser out). Revoking the current one signs you out.',
  })
  async revokeSession(
    @Arg('id', () => ID, { description: 'Id of the session to revoke (from mySessions).' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    const viewer = ctx.viewer!;
    assertUuid(id, 'id');
    const session = await ctx.em.findOne(Session, { id, account: viewer.account });
    if (session === null || !ctx.services.sessions.isLive(session)) throw notFound('Session');
    // Revoked and audited together; of two revocations at once, the one that ended it is audited.
    await ctx.em.transactional(async (tx) => {
      const ended = await tx.nativeUpdate(
        Session,
        { id: session.id, revokedAt: null },
        { revokedAt: new Date(), revokedReason: 'REVOKED_BY_USER' },
      );
      if (ended === 1) {
        await ctx.services.audit.record({ ...ctx, em: tx }, AuditAction.SESSION_REVOKED, {
          type: 'Session',
          id: session.id,
          label: session.ip,
        });
      }
    });
    if (session.id === viewer.session?.id) ctx.cookies.clear();
    return true;
  }
}
