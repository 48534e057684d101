import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { mails } from '../mail/templates.js';
import { SessionStage } from '../session/session.entity.js';
import type { Context } from '../../context.js';
import { hasPermission } from '../../common/auth/auth-checker.js';
import { Permission, Role } from '../../common/auth/roles.js';
import { appError, badInput, forbidden, notFound } from '../../common/errors/errors.js';
import { ErrorCode } from '../../common/errors/codes.js';
import { SetupAlreadyDoneError, SetupTokenInvalidError } from '../../common/errors/error-result.js';
import { assertUuid } from '../../common/graphql/ids.js';
import { AuditAction } from '../audit/audit.entity.js';
import { Account } from './account.entity.js';
import { AccountFilter, CreateAccountInput, PageInput, SetupFirstAdminInput } from './account.inputs.js';
import {
  AccountCreated,
  AccountPage,
  CreateAccountResult,
  EmailTakenError,
  SetupFirstAdminResult,
  SetupStatus,
  SetupSuccess,
} from './account.types.js';
import { RESET_LINK_RESEND_SECONDS } from './account.service.js';

@Resolver(() => Account)
export class AccountResolver {
  @Query(() => Account, { nullable: true, description: 'The signed-in account, or null when not signed in.' })
  me(@Ctx() ctx: Context): Account | null {
    // A session still owing its second step is not signed in yet.
    const viewer = ctx.viewer;
    if (!viewer || ctx.accessRefused || (viewer.apiToken === null && viewer.session?.stage !== SessionStage.FULL)) return null;
    return viewer.account;
  }

  @Query(() => SetupStatus, { description: 'Whether the first admin still has to be created (public).' })
  async setupStatus(@Ctx() ctx: Context): Promise<SetupStatus> {
    return Object.assign(new SetupStatus(), { needsSetup: !(await ctx.services.accounts.adminExists(ctx.em)) });
  }

  @Mutation(() => Boolean, {
    description:
      'Sets a new password with the single-use link e-mailed after an admin forced a reset. Public: the link token is the authorization. Signs the account out everywhere. A used, unknown or expired link answers LINK_INVALID.',
  })
  async resetPassword(
    @Arg('token', () => String, { description: 'Token from the e-mailed link.' }) token: string,
    @Arg('newPassword', () => String, { description: 'At least 12 characters, not the e-mail address.' }) newPassword: string,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    const account = await ctx.services.accounts.resetPassword(ctx.em, token.trim(), newPassword, (em, a) =>
      // The link is the authorization: whatever session the browser holds is not the actor.
      ctx.services.audit.record({ em, viewer: null, clientIp: ctx.clientIp }, AuditAction.PASSWORD_RESET, {
        type: 'Account',
        id: a.id,
        label: a.email,
      }),
    );
    if (!account) throw appError(ErrorCode.LINK_INVALID, 'This link is invalid, used or expired.');
    return true;
  }

  @Authorized()
  @Mutation(() => Int, {
    description:
      'Changes your password (at least 12 characters, not your e-mail address, not the current one). Needs a recent re-authentication and a dashboard session; your other sessions are signed out (the answer says how many) and you are e-mailed.',
  })
  async changePassword(
    @Arg('newPassword', () => String, { description: 'The new password.' }) newPassword: string,
    @Ctx() ctx: Context,
  ): Promise<number> {
    const viewer = ctx.viewer!;
    if (!viewer.session) throw appError(ErrorCode.FORBIDDEN, 'Change the password from a signed-in dashboard session.');
    ctx.services.twoFactor.requireRecentReauth(ctx);
    const account = viewer.account;
    const revoked = await ctx.services.accounts.changePassword(ctx.em, account, viewer.session.id, newPassword, (em, n) =>
      ctx.services.audit.record(
        { ...ctx, em },
        AuditAction.PASSWORD_CHANGED,
        { type: 'Account', id: account.id, label: account.email },
        {
          sessionsRevoked: n,
        },
      ),
    );
    ctx.services.mail.notify(mails.passwordChanged(account.email, ctx.services.config.publicUrl.origin));
    return revoked;
  }

  @Mutation(() => SetupFirstAdminResult, {
    description: 'Creates the first admin with the one-time token printed on the server console. Closed once an admin exists.',
  })
  async setupFirstAdmin(
    @Arg('input', () => SetupFirstAdminInput, { description: 'Token and the new admin.' }) input: SetupFirstAdminInput,
    @Ctx() ctx: Context,
  ): Promise<typeof SetupFirstAdminResult> {
    const result = await ctx.services.accounts.setupFirstAdmin(ctx.em, input, (em, a) =>
      ctx.services.audit.record({ ...ctx, em }, AuditAction.FIRST_ADMIN_CREATED, { type: 'Account', id: a.id, label: a.email }),
    );
    if (result === 'TOKEN_INVALID') return new SetupTokenInvalidError();
    if (result === 'ALREADY_DONE') return new SetupAlreadyDoneError();
    ctx.services.logger.info({ accountId: result.id, ip: ctx.clientIp }, 'first admin created through setup token');
    return Object.assign(new SetupSuccess(), { account: result });
  }

  @Authorized(Permission.MANAGE_USERS, Permission.MANAGE_SUB_ADMINS, Permission.MANAGE_IPS)
  @Query(() => AccountPage, {
    description:
      'Accounts, oldest first. MANAGE_USERS lists every account; MANAGE_SUB_ADMINS alone lists sub-admins (filter role SUB_ADMIN); MANAGE_IPS alone looks enabled users up by a search of at least 3 characters, 20 at most, totalCount being the rows returned (to trust an IP for one of them).',
  })
  async accounts(
    @Ctx() ctx: Context,
    @Arg('filter', () => AccountFilter, { nullable: true, description: 'Optional filter.' }) filter?: AccountFilter,
    @Arg('page', () => PageInput, { nullable: true, description: 'Paging; 50 rows by default.' }) page?: PageInput,
  ): Promise<AccountPage> {
    let paging = page ?? new PageInput();
    const viewer = ctx.viewer!;
    if (!hasPermission(viewer, Permission.MANAGE_USERS)) {
      // Each permission sees what its own pages need, no more.
      const subAdmins = filter?.role === Role.SUB_ADMIN && hasPermission(viewer, Permission.MANAGE_SUB_ADMINS);
      const lookup = hasPermission(viewer, Permission.MANAGE_IPS) && (filter?.search?.trim().length ?? 0) >= 3;
      if (!subAdmins && !lookup) throw forbidden();
      if (!subAdmins) {
        // The lookup finds enabled users (whom MANAGE_IPS may trust an IP for), 20 at most, and says
        // no more than how many it returns: not a way to list staff, or to count accounts.
        paging = Object.assign(new PageInput(), { limit: Math.min(paging.limit, 20), offset: 0 });
        const usersOnly = Object.assign(new AccountFilter(), { search: filter!.search, role: Role.USER, includeDisabled: false });
        const [nodes] = await ctx.services.accounts.list(ctx.em, usersOnly, paging);
        return Object.assign(new AccountPage(), { nodes, totalCount: nodes.length });
      }
    }
    const [nodes, totalCount] = await ctx.services.accounts.list(ctx.em, filter, paging);
    return Object.assign(new AccountPage(), { nodes, totalCount });
  }

  @Authorized(Permission.MANAGE_USERS)
  @Query(() => Account, { description: 'One account by id. Needs MANAGE_USERS.' })
  async account(@Arg('id', () => ID, { description: 'Account id.' }) id: string, @Ctx() ctx: Context): Promise<Account> {
    assertUuid(id, 'id');
    return ctx.services.accounts.get(ctx.em, id);
  }

  @Authorized(Permission.MANAGE_USERS, Permission.MANAGE_SUB_ADMINS)
  @Mutation(() => CreateAccountResult, {
    description:
      'Creates an account. Users need MANAGE_USERS, sub-admins MANAGE_SUB_ADMINS, admins an admin; a sub-admin or an admin is a standing credential, so creating one also needs a recent re-authentication (not possible with an API token).',
  })
  async createAccount(
    @Arg('input', () => CreateAccountInput, { description: 'The new account.' }) input: CreateAccountInput,
    @Ctx() ctx: Context,
  ): Promise<typeof CreateAccountResult> {
    ctx.services.accounts.assertMayManageRole(ctx.viewer!, input.role);
    ctx.services.accounts.assertMayGrant(ctx.viewer!, input.permissions ?? []);
    // A new staff account outlives a stolen session (its password changed, its sessions revoked): a
    // hijacked dashboard must not leave one behind without the password (and second factor) again.
    if (input.role !== Role.USER) ctx.services.twoFactor.requireRecentReauth(ctx);
    const result = await ctx.services.accounts.create(ctx.em, input, (em, a) =>
      ctx.services.audit.record(
        { ...ctx, em },
        AuditAction.ACCOUNT_CREATED,
        { type: 'Account', id: a.id, label: a.email },
        { role: a.role, permissions: a.permissions, apiOnly: a.apiOnly },
      ),
    );
    if (!result.ok) return new EmailTakenError();
    // A new admin is announced to the other admins: an account someone made to have a second admin at
    // hand (to approve a reset of another admin's 2FA once a day old, say) does not go unnoticed.
    if (result.account.role === Role.ADMIN) {
      const others = await ctx.em.find(Account, {
        role: Role.ADMIN,
        disabledAt: null,
        id: { $nin: [result.account.id, ctx.viewer!.account.id] },
      });
      const link = new URL(`/users/${result.account.id}`, ctx.services.config.publicUrl.origin).toString();
      for (const a of others) {
        ctx.services.mail.notify(mails.adminCreated(a.email, result.account.email, ctx.viewer!.account.email, link));
      }
    }
    return Object.assign(new AccountCreated(), { account: result.account });
  }

  @Authorized(Permission.MANAGE_SUB_ADMINS)
  @Mutation(() => Account, {
    description:
      'Replaces a sub-admin’s permissions. Needs MANAGE_SUB_ADMINS, and only what you hold can be added; adding any also needs a recent re-authentication (taking some away does not).',
  })
  async setPermissions(
    @Arg('id', () => ID, { description: 'Sub-admin id.' }) id: string,
    @Arg('permissions', () => [Permission], { description: 'The complete new set.' }) permissions: Permission[],
    @Ctx() ctx: Context,
  ): Promise<Account> {
    assertUuid(id, 'id');
    const account = await ctx.services.accounts.get(ctx.em, id);
    if (account.role !== Role.SUB_ADMIN) {
      throw badInput([{ field: 'id', reason: 'ONLY_FOR_SUB_ADMINS', message: 'Only sub-admins carry permissions.' }]);
    }
    if (account.id === ctx.viewer!.account.id) {
      throw badInput([{ field: 'id', reason: 'OWN_PERMISSIONS', message: 'You cannot change your own permissions.' }]);
    }
    const after = [...new Set(permissions)].sort();
    // The set is read under the row's lock, so what counts as granted (and what the audit entry calls
    // "before") is what the change replaces, also when another admin changed it a moment ago. The
    // change and its audit entry commit together, or neither does.
    return ctx.em.transactional(async (tx) => {
      const [row] = await tx.execute<{ permissions: Permission[] }[]>(
        `select permissions from account where id = ? for no key update`,
        [id],
      );
      if (!row) throw notFound('Account');
      const before = [...row.permissions];
      const added = after.filter((p) => !before.includes(p));
      ctx.services.accounts.assertMayGrant(ctx.viewer!, added);
      // Granting more makes a standing credential stronger, as creating one does: a recent
      // re-authentication (taking permissions away needs none).
      if (added.length > 0) ctx.services.twoFactor.requireRecentReauth(ctx);
      // Written by statement: the request's loaded copy may be older than the row, and a flush
      // compares with that copy (setting it back to what it first read would write nothing).
      await tx.nativeUpdate(Account, { id }, { permissions: after });
      const managed = await tx.findOneOrFail(Account, { id }, { refresh: true });
      await ctx.services.audit.record(
        { ...ctx, em: tx },
        AuditAction.PERMISSIONS_CHANGED,
        { type: 'Account', id, label: account.email },
        { before, after },
      );
      return managed;
    });
  }

  @Authorized(Permission.MANAGE_USERS, Permission.MANAGE_SUB_ADMINS)
  @Mutation(() => Account, {
    description:
      'Disables (signing it out everywhere, and revoking its API tokens and those it minted for integrations, and closing the resets of admins’ 2FA it asked for) or re-enables an account; re-enabling brings no session or token back. You cannot disable yourself or the last admin, nor an admin whose request to reset your own 2FA waits (FORBIDDEN, reason RESET_TARGET: another admin may).',
  })
  async setAccountDisabled(
    @Arg('id', () => ID, { description: 'Account id.' }) id: string,
    @Arg('disabled', () => Boolean, { description: 'True to disable, false to enable.' }) disabled: boolean,
    @Ctx() ctx: Context,
  ): Promise<Account> {
    assertUuid(id, 'id');
    return ctx.services.accounts.setDisabled(
      ctx.em,
      ctx.viewer!,
      id,
      disabled,
      (em, a, details) =>
        ctx.services.audit.record(
          { ...ctx, em },
          disabled ? AuditAction.ACCOUNT_DISABLED : AuditAction.ACCOUNT_ENABLED,
          { type: 'Account', id, label: a.email },
          details,
        ),
      (em, a) => ctx.services.twoFactor.closeRequestsBy({ ...ctx, em }, a, 'DISABLED'),
    );
  }

  @Authorized(Permission.MANAGE_USERS, Permission.MANAGE_SUB_ADMINS)
  @Mutation(() => ID, {
    description:
      'Deletes an account (users need MANAGE_USERS, sub-admins MANAGE_SUB_ADMINS, admins an admin): its sessions, API tokens, second factors, access list, trusted IPs and incidents go with it, and the API tokens it minted for integrations are revoked; login history and audit entries stay; an admin’s waiting requests to reset other admins’ 2FA are closed. Not yourself, not the last admin, nor an admin whose request to reset your own 2FA waits (FORBIDDEN, reason RESET_TARGET: another admin may). Deleting an admin or a sub-admin needs a recent re-authentication. Returns the deleted id.',
  })
  async deleteAccount(@Arg('id', () => ID, { description: 'Account id.' }) id: string, @Ctx() ctx: Context): Promise<string> {
    assertUuid(id, 'id');
    await ctx.services.accounts.delete(
      ctx.em,
      ctx.viewer!,
      id,
      (tx, account, details) =>
        ctx.services.audit.record(
          { ...ctx, em: tx },
          AuditAction.ACCOUNT_DELETED,
          { type: 'Account', id, label: account.email },
          // When it was made: an admin deleted within a day still counts for resets of other admins' 2FA
          // if it was an admin of at least a day (see resetTwoFactor).
          {
            role: account.role,
            permissions: account.permissions,
            apiOnly: account.apiOnly,
            accountCreatedAt: account.createdAt.toISOString(),
            ...details,
          },
        ),
      (tx, a) => ctx.services.twoFactor.closeRequestsBy({ ...ctx, em: tx }, a, 'DELETED'),
      () => ctx.services.twoFactor.requireRecentReauth(ctx),
    );
    return id;
  }

  @Authorized(Permission.RESOLVE_INCIDENTS, Permission.MANAGE_USERS, Permission.MANAGE_SUB_ADMINS)
  @Mutation(() => Date, {
    description:
      'E-mails a new password reset link to an account whose password reset, forced when an incident was treated as compromised, is still pending (its e-mail was lost, or its link expired); earlier links die. NO_PASSWORD_RESET_PENDING otherwise; RESET_LINK_RECENT within a minute of the last link; MAIL_FAILED when the mail server refused the e-mail (that link is withdrawn and earlier ones stay: send again). Users: RESOLVE_INCIDENTS or MANAGE_USERS; staff: whoever may manage their role. Returns when the link expires.',
  })
  async sendPasswordResetLink(
    @Arg('accountId', () => ID, { description: 'Account id.' }) accountId: string,
    @Ctx() ctx: Context,
  ): Promise<Date> {
    assertUuid(accountId, 'accountId');
    const viewer = ctx.viewer!;
    const target = await ctx.em.findOne(Account, { id: accountId });
    if (!target) throw notFound('Account');
    if (target.role === Role.USER) {
      if (!hasPermission(viewer, Permission.RESOLVE_INCIDENTS) && !ctx.services.accounts.mayManageRole(viewer, Role.USER)) {
        throw forbidden();
      }
    } else ctx.services.accounts.assertMayManageRole(viewer, target.role);
    // The new link first, beside the earlier ones: they die (and the audit entry says it was sent) only
    // once it has been e-mailed, so a refused e-mail leaves the holder whatever link they had.
    const issued = await ctx.services.accounts.issueResetLink(ctx.em, accountId, true, async () => undefined, false);
    if (!issued) throw appError(ErrorCode.NO_PASSWORD_RESET_PENDING, `${target.email} has no password reset pending.`);
    if (issued === 'TOO_SOON') {
      throw appError(
        ErrorCode.RESET_LINK_RECENT,
        'A reset link was e-mailed less than a minute ago. Wait a minute before sending another.',
        {
          retryAfter: new Date(Date.now() + RESET_LINK_RESEND_SECONDS * 1000).toISOString(),
        },
      );
    }
    const url = ctx.services.config.publicUrl.origin;
    // This is the "the e-mail was lost" button: a link that did not leave is said so, and withdrawn, so
    // sending again is not held back by the one-a-minute rule.
    try {
      await ctx.services.mail.send(
        mails.passwordResetRequired(issued.account.email, `${url}/reset-password#token=${issued.token}`),
      );
    } catch (err) {
      ctx.services.logger.warn({ err }, 'password reset link e-mail failed');
      await ctx.services.accounts.withdrawResetLink(ctx.em, issued.token);
      throw appError(ErrorCode.MAIL_FAILED, `The e-mail to ${issued.account.email} could not be sent. Try again later.`);
    }
    await ctx.services.accounts.retireEarlierResetLinks(ctx.em, issued.account.id, issued.token, (em, a) =>
      ctx.services.audit.record({ ...ctx, em }, AuditAction.PASSWORD_RESET_LINK_SENT, {
        type: 'Account',
        id: a.id,
        label: a.email,
      }),
    );
    return issued.expiresAt;
  }
}
