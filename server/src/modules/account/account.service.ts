import { isEmail } from 'class-validator';
import { revokeApiTokensOf } from '../session/api-token.service.js';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { escapeLike } from '../../db/like.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../../config.js';
import type { Viewer } from '../../context.js';
import { hasPermission } from '../../common/auth/auth-checker.js';
import { Permission, Role } from '../../common/auth/roles.js';
import { hashToken, randomToken } from '../../common/crypto/tokens.js';
import { ErrorCode } from '../../common/errors/codes.js';
import { appError, badInput, forbidden, notFound } from '../../common/errors/errors.js';
import { REVOKE_EXPIRED_MARGIN_MS, type SessionService } from '../session/session.service.js';
import { Account, AccountPassword } from './account.entity.js';
import type { AccountFilter, PageInput } from './account.inputs.js';
import { checkPasswordPolicy, PASSWORD_PROBLEM_MESSAGES, type PasswordHasher } from './password.js';
import { SetupToken } from './setup-token.entity.js';
import { ACCOUNT_TURN_SQL } from '../two-factor/turn.js';

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export type CreateOutcome = { ok: true; account: Account } | { ok: false; reason: 'EMAIL_TAKEN' };

/** A change's audit step, run in the change's own transaction: both commit, or neither does. */
export type AuditStep = (tx: EntityManager, account: Account, details?: Record<string, unknown>) => Promise<void>;

/**
 * Closes, in the change's transaction, the waiting resets of admins' 2FA that an admin being disabled
 * or deleted asked for (`TwoFactorService.closeRequestsBy`); `tell` e-mails about them once it commits.
 */
export type RequestCloser = (tx: EntityManager, requester: Account) => Promise<{ closed: number; tell: () => void }>;

/**
 * Who may manage an account of this role (create, disable, reset its 2FA, lock it): users need
 * MANAGE_USERS, sub-admins MANAGE_SUB_ADMINS, admins an admin.
 */
export function mayManageRole(viewer: Viewer, role: Role): boolean {
  return role === Role.ADMIN
    ? viewer.account.role === Role.ADMIN
    : hasPermission(viewer, role === Role.SUB_ADMIN ? Permission.MANAGE_SUB_ADMINS : Permission.MANAGE_USERS);
}

/** How long a password reset link works, and how soon an admin may e-mail another. */
export const RESET_LINK_TTL_MS = 24 * 3600 * 1000;
export const RESET_LINK_RESEND_SECONDS = 60;

/**
 * Stores a new single-use reset link for the account in the caller's transaction and returns its token.
 * It ends by the database's clock, which the resend limit reads too.
 */
export async function newResetLink(em: EntityManager, accountId: string): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken();
  const [row] = await em.execute<{ expires_at: Date }[]>(
    `insert into password_reset_token (token_hash, account_id, expires_at) values (?, ?, now() + make_interval(secs => ?))
     returning expires_at`,
    [hashToken(token), accountId, RESET_LINK_TTL_MS / 1000],
  );
  return { token, expiresAt: new Date(row!.expires_at) };
}

/** `mayManageRole`, refused with FORBIDDEN. */
export function assertMayManageRole(viewer: Viewer, role: Role): void {
  if (!mayManageRole(viewer, role)) throw forbidden();
}

/**
 * The roles whose accounts a viewer may manage (see `mayManageRole`): an admin all; a sub-admin
 * users with MANAGE_USERS, sub-admins with MANAGE_SUB_ADMINS, never admins. Lists that show accounts'
 * own data (their trusted IPs, their sign-in history) to a viewer holding some other permission are
 * narrowed to these, with `always` added (e.g. users, whom MANAGE_IPS may trust IPs for).
 */
function manageableRoles(viewer: Viewer, always: readonly Role[] = []): Role[] {
  return [Role.ADMIN, Role.SUB_ADMIN, Role.USER].filter((role) => always.includes(role) || mayManageRole(viewer, role));
}

/**
 * A condition on rows with an `account` relation (trusted IPs, login events) that keeps what the
 * viewer may see of them: rows of no account, and of accounts `manageableRoles` (users always)
 * allows. Empty for a viewer who may see every row.
 */
export function visibleAccountRows(viewer: Viewer): Record<string, unknown> {
  const roles = visibleRoles(viewer);
  return roles.length < 3 ? { $or: [{ account: null }, { account: { role: { $in: roles } } }] } : {};
}

/**
 * The roles whose accounts' sign-ins (login history, incidents) the viewer may see: users always, staff
 * only for a viewer who may manage them (a sub-admin never sees an admin's).
 */
export function visibleRoles(viewer: Viewer): Role[] {
  return manageableRoles(viewer, [Role.USER]);
}

/**
 * The enabled admins, locked so that two concurrent disables or deletions cannot both pass the "not
 * the last admin" count. FOR NO KEY UPDATE: two of these still exclude each other, but a foreign-key
 * check on an admin's row (an audit entry it writes, say) is not blocked, which could close a lock cycle.
 */
export function lockEnabledAdmins(tx: EntityManager): Promise<{ id: string }[]> {
  // In id order, as every taker of these locks: two takers meeting on the rows in other orders deadlock.
  return tx.execute<{ id: string }[]>(
    `select id from account where role = 'ADMIN' and disabled_at is null order by id for no key update`,
  );
}

export class AccountService {
  constructor(
    private readonly config: Config,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
    /** Runs in the deletion's transaction, before the account's row (and what cascades with it) goes. */
    private readonly beforeDelete: (tx: EntityManager, accountId: string) => Promise<void> = async () => undefined,
  ) {}

  /** Throws BAD_USER_INPUT naming the password field when the policy is not met. */
  assertPasswordPolicy(password: string, email: string, field = 'password'): void {
    const problem = checkPasswordPolicy(password, email);
    if (problem !== undefined) {
      throw badInput([{ field, reason: problem, message: PASSWORD_PROBLEM_MESSAGES[problem] }]);
    }
  }

  /**
   * The holder sets a new password (the caller checked a recent re-authentication). Every other
   * session of the account is signed out; `keepSessionId` (the one asking) stays. The new hash, the
   * revocations and `record` (the audit entry) commit together. Returns how many sessions ended.
   */
  async changePassword(
    em: EntityManager,
    account: Account,
    keepSessionId: string,
    password: string,
    record: (tx: EntityManager, sessionsRevoked: number) => Promise<void>,
  ): Promise<number> {
    this.assertPasswordPolicy(password, account.email, 'newPassword');
    const current = await em.findOne(AccountPassword, { account: account.id });
    if (current && (await this.hasher.verify(current.hash, password))) {
      throw badInput([
        { field: 'newPassword', reason: 'SAME_AS_CURRENT', message: 'Choose a password other than your current one.' },
      ]);
    }
    const hash = await this.hasher.hash(password);
    return em.transactional(async (tx) => {
      // The account row first, then its sessions (the order of every writer of both: no deadlock). Its
      // password version moves on: a sign-in that checked the old password starts no session after this
      // revocation (see SessionService.startFull and createPending).
      await tx.execute(`update account set password_version = password_version + 1 where id = ?`, [account.id]);
      await tx.nativeUpdate(AccountPassword, { account: account.id }, { hash, changedAt: new Date() });
      const revoked = await tx.execute<{ id: string }[]>(
        `update session set revoked_at = now(), revoked_reason = 'PASSWORD_CHANGED'
          where account_id = ? and revoked_at is null and id <> ?
            and expires_at > now() - make_interval(secs => ${REVOKE_EXPIRED_MARGIN_MS / 1000})
          returning id`,
        [account.id, keepSessionId],
      );
      await record(tx, revoked.length);
      return revoked.length;
    });
  }

  /**
   * Sets a new password through a reset link (e-mailed when an admin forces a reset). The link works
   * once: the claim and the new hash commit together; every session of the account is revoked.
   */
  async resetPassword(em: EntityManager, token: string, password: string, audit: AuditStep): Promise<Account | null> {
    if (token.length === 0 || token.length > 128) return null;
    const [row] = await em.execute<{ account_id: string; email: string }[]>(
      `select t.account_id, a.email from password_reset_token t join account a on a.id = t.account_id
         where t.token_hash = ? and t.used_at is null and t.expires_at > now()`,
      [hashToken(token)],
    );
    if (!row) return null;
    this.assertPasswordPolicy(password, row.email);
    const hash = await this.hasher.hash(password);
    return em.transactional(async (tx) => {
      // The account row first, then its links, as `issueResetLink` takes them (the other order deadlocked).
      await tx.execute(`select id from account where id = ? for no key update`, [row.account_id]);
      const claimed = await tx.execute<{ account_id: string }[]>(
        `update password_reset_token set used_at = now() where token_hash = ? and used_at is null and expires_at > now() returning account_id`,
        [hashToken(token)],
      );
      if (claimed.length === 0) return null;
      await tx.nativeUpdate(AccountPassword, { account: row.account_id }, { hash, changedAt: new Date() });
      await tx.execute(
        `update account set password_reset_required = false, password_version = password_version + 1 where id = ?`,
        [row.account_id],
      );
      // Any other outstanding reset link of the account dies too.
      await tx.execute(`update password_reset_token set used_at = now() where account_id = ? and used_at is null`, [
        row.account_id,
      ]);
      const account = await tx.findOneOrFail(Account, { id: row.account_id });
      await this.sessions.revokeAllForAccount(tx, account, 'PASSWORD_RESET');
      await audit(tx, account);
      return account;
    });
  }

  /**
   * A new reset link for the account: every earlier unused link of it dies. `pendingOnly`: only when an
   * admin forced a reset that is still pending (its e-mail lost, or its link expired); null otherwise.
   * The CLI issues one for any account (a sole owner who lost their password or their mailbox).
   */
  async issueResetLink(
    em: EntityManager,
    accountId: string,
    pendingOnly: boolean,
    audit: AuditStep,
    /** False: earlier links stay until `retireEarlierResetLinks` (once the new one was e-mailed). */
    retireEarlier = true,
  ): Promise<{ account: Account; token: string; expiresAt: Date } | null | 'TOO_SOON'> {
    return em.transactional(async (tx) => {
      const [row] = await tx.execute<{ id: string }[]>(
        `select id from account where id = ? and (password_reset_required or not ?) for no key update`,
        [accountId, pendingOnly],
      );
      if (!row) return null;
      // An admin's resend: at most one a minute, so repeated clicks neither flood the holder's inbox nor
      // keep killing the link they are about to open. (The CLI is the server's own shell: never held back.)
      if (pendingOnly) {
        const [recent] = await tx.execute<{ id: string }[]>(
          `select 1 as id from password_reset_token where account_id = ? and used_at is null
              and expires_at > now() + make_interval(secs => ?)`,
          [accountId, RESET_LINK_TTL_MS / 1000 - RESET_LINK_RESEND_SECONDS],
        );
        if (recent) return 'TOO_SOON';
      }
      if (retireEarlier) {
        await tx.execute(`update password_reset_token set used_at = now() where account_id = ? and used_at is null`, [accountId]);
      }
      const { token, expiresAt } = await newResetLink(tx, accountId);
      const account = await tx.findOneOrFail(Account, { id: accountId });
      await audit(tx, account);
      return { account, token, expiresAt };
    });
  }

  /** The link `token` was e-mailed: every other unused link of the account dies, with the audit entry. */
  async retireEarlierResetLinks(em: EntityManager, accountId: string, token: string, audit: AuditStep): Promise<void> {
    await em.transactional(async (tx) => {
      await tx.execute(
        `update password_reset_token set used_at = now() where account_id = ? and used_at is null and token_hash <> ?`,
        [accountId, hashToken(token)],
      );
      await audit(tx, await tx.findOneOrFail(Account, { id: accountId }));
    });
  }

  /** A reset link whose e-mail could not be sent: it ends, so nothing holds an admin's resend back. */
  async withdrawResetLink(em: EntityManager, token: string): Promise<void> {
    await em.execute(`update password_reset_token set used_at = now() where token_hash = ? and used_at is null`, [
      hashToken(token),
    ]);
  }

  /**
   * Inserts account and password in one transaction. Validation (policy, hashing) happens before the
   * transaction opens, so a failure writes nothing.
   */
  async create(
    em: EntityManager,
    input: { email: string; name: string; password?: string | null; role: Role; permissions?: Permission[]; apiOnly?: boolean },
    audit: AuditStep,
  ): Promise<CreateOutcome> {
    const email = normalizeEmail(input.email);
    // The GraphQL input checks these too; the CLI comes here directly.
    if (email.length > 254 || !isEmail(email)) {
      throw badInput([{ field: 'email', reason: 'INVALID', message: 'Enter a valid e-mail address.' }]);
    }
    const name = input.name.trim();
    if (name.length === 0) throw badInput([{ field: 'name', reason: 'REQUIRED', message: 'The name must not be blank.' }]);
    const apiOnly = input.apiOnly ?? false;
    if (apiOnly && input.role !== Role.SUB_ADMIN) {
      throw badInput([{ field: 'apiOnly', reason: 'ONLY_FOR_SUB_ADMINS', message: 'Only sub-admins can be API-only.' }]);
    }
    if (!apiOnly && !input.password) {
      throw badInput([{ field: 'password', reason: 'REQUIRED', message: 'Set an initial password.' }]);
    }
    // An API-only account never signs in with a password: it gets an unguessable, unknown one.
    const password = apiOnly ? randomToken() : input.password!;
    if (!apiOnly) this.assertPasswordPolicy(password, email);
    const permissions = [...new Set(input.permissions ?? [])];
    if (input.role !== Role.SUB_ADMIN && permissions.length > 0) {
      throw badInput([{ field: 'permissions', reason: 'ONLY_FOR_SUB_ADMINS', message: 'Only sub-admins carry permissions.' }]);
    }
    if ((await em.count(Account, { email })) > 0) return { ok: false, reason: 'EMAIL_TAKEN' };
    const hash = await this.hasher.hash(password);
    try {
      const account = await em.transactional(async (tx) => {
        const account = tx.create(Account, { email, name, role: input.role, permissions, apiOnly });
        tx.create(AccountPassword, { account, hash });
        await tx.flush();
        await audit(tx, account);
        return account;
      });
      return { ok: true, account };
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) return { ok: false, reason: 'EMAIL_TAKEN' };
      throw err;
    }
  }

  /**
   * A sub-admin hands on only permissions it holds itself (an admin any): with MANAGE_SUB_ADMINS
   * alone it must not make a sub-admin that may change the settings, or manage users. Taking
   * permissions away is not granting.
   */
  assertMayGrant(viewer: Viewer, granted: Permission[]): void {
    const missing = [...new Set(granted)].filter((p) => !hasPermission(viewer, p));
    if (missing.length > 0) {
      throw appError(ErrorCode.FORBIDDEN, `You can only grant permissions you hold yourself (not ${missing.join(', ')}).`, {
        permissions: missing,
      });
    }
  }

  /** Who may create which role: users need MANAGE_USERS, sub-admins MANAGE_SUB_ADMINS, admins an admin. */
  mayManageRole(viewer: Viewer, role: Role): boolean {
    return mayManageRole(viewer, role);
  }

  assertMayManageRole(viewer: Viewer, role: Role): void {
    assertMayManageRole(viewer, role);
  }

  async list(em: EntityManager, filter: AccountFilter | undefined, page: PageInput): Promise<[Account[], number]> {
    const where: Record<string, unknown> = {};
    if (filter?.role) where['role'] = filter.role;
    if (filter?.includeDisabled === false) where['disabledAt'] = null;
    const search = filter?.search?.trim();
    if (search) {
      const like = `%${escapeLike(search)}%`;
      where['$or'] = [{ email: { $ilike: like } }, { name: { $ilike: like } }];
    }
    return em.findAndCount(Account, where, { orderBy: { createdAt: 'asc', id: 'asc' }, limit: page.limit, offset: page.offset });
  }

  async get(em: EntityManager, id: string): Promise<Account> {
    const account = await em.findOne(Account, { id });
    if (account === null) throw notFound('Account');
    return account;
  }

  /**
   * Disabling revokes every session at once; an admin cannot disable themself or the last admin.
   * `audit` runs in the change's transaction, and only when the state changed (read under the row's
   * lock: of two identical requests at once, one changes it and is audited, the other finds it done).
   */
  async setDisabled(
    em: EntityManager,
    viewer: Viewer,
    id: string,
    disabled: boolean,
    audit: AuditStep,
    closeRequests: RequestCloser,
  ): Promise<Account> {
    const account = await this.get(em, id);
    this.assertMayManageRole(viewer, account.role);
    if (disabled && account.id === viewer.account.id) {
      throw appError(ErrorCode.CANNOT_DISABLE_SELF, 'You cannot disable your own account.');
    }
    if ((account.disabledAt !== null) === disabled) return account;
    let tell: () => void = () => undefined;
    const changed = await em.transactional(async (tx) => {
      if (disabled && account.role === Role.ADMIN) {
        const admins = await lockEnabledAdmins(tx);
        if (admins.length <= 1) throw appError(ErrorCode.LAST_ADMIN, 'The last enabled admin cannot be disabled.');
      }
      // The account row first, then its sessions: the order every writer of both keeps (a sign-in's
      // full-session statement too), so that they cannot deadlock.
      const [row] = await tx.execute<{ disabled_at: Date | null }[]>(
        `select disabled_at from account where id = ? for no key update`,
        [account.id],
      );
      if (!row) throw notFound('Account');
      const managed = tx.merge(account);
      if ((row.disabled_at !== null) === disabled) {
        managed.disabledAt = row.disabled_at;
        return managed;
      }
      // The resets of admins' 2FA it asked for, still waiting, are closed for good: first, as it may
      // refuse the whole change (RESET_TARGET) before anything is touched.
      let resetRequestsClosed = 0;
      if (disabled) {
        const closing = await closeRequests(tx, managed);
        resetRequestsClosed = closing.closed;
        tell = closing.tell;
      }
      managed.disabledAt = disabled ? new Date() : null;
      let tokensRevoked = 0;
      if (disabled) {
        await this.sessions.revokeAllForAccount(tx, managed, 'ACCOUNT_DISABLED');
        tokensRevoked = await revokeApiTokensOf(tx, managed.id);
      }
      await tx.flush();
      await audit(
        tx,
        managed,
        disabled ? { apiTokensRevoked: tokensRevoked, ...(resetRequestsClosed > 0 ? { resetRequestsClosed } : {}) } : undefined,
      );
      return managed;
    });
    tell();
    return changed;
  }

  /**
   * Deletes an account and everything that is only its own (sessions, tokens, 2FA, access list, trusted
   * IPs, incidents); its login history and audit entries stay, without the link. Same rights as
   * disabling; never yourself, never the last admin.
   */
  async delete(
    em: EntityManager,
    viewer: Viewer,
    id: string,
    audit: AuditStep,
    closeRequests: RequestCloser,
    requireReauth: () => void = () => undefined,
  ): Promise<Account> {
    const account = await this.get(em, id);
    this.assertMayManageRole(viewer, account.role);
    if (account.id === viewer.account.id) throw appError(ErrorCode.CANNOT_DISABLE_SELF, 'You cannot delete your own account.');
    // Deleting a staff account cannot be undone and ends its standing credentials: a recent
    // re-authentication first (which an API token cannot give). Users are deleted as integrations need.
    if (account.role !== Role.USER) requireReauth();
    let tell: () => void = () => undefined;
    await em.transactional(async (tx) => {
      if (account.role === Role.ADMIN) {
        const admins = await lockEnabledAdmins(tx);
        if (admins.filter((a) => a.id !== account.id).length === 0)
          throw appError(ErrorCode.LAST_ADMIN, 'The last enabled admin cannot be deleted.');
      }
      // A sign-in deciding one of its app codes first (it holds the account's turn and its app's row
      // while it waits for the account row: see ACCOUNT_TURN_SQL).
      await tx.execute(ACCOUNT_TURN_SQL, [account.id]);
      // Its row locked first, as disabling does: a token it is minting meanwhile (which reads this row
      // `for share`) is waited for and then revoked below, or refused once the deletion has committed.
      await tx.execute(`select 1 from account where id = ? for no key update`, [account.id]);
      // Its own tokens go with it; those it minted for integrations are revoked (it saw their secrets).
      const tokensRevoked = await revokeApiTokensOf(tx, account.id);
      // The resets of admins' 2FA it asked for, still waiting, are closed (audited and told) before
      // their rows go with it.
      tell = (await closeRequests(tx, account)).tell;
      await this.beforeDelete(tx, account.id);
      // Its login history stays, unlinked (`on delete set null`): one statement over every login of the
      // account, which after a long attack may be millions: given longer than the statement timeout.
      const limit = this.config.dbStatementTimeoutMs;
      if (limit > 0) await tx.execute(`set local statement_timeout = ${Math.max(limit, 600_000)}`);
      await tx.nativeDelete(Account, { id: account.id });
      // The deletion and its audit entry commit together, or neither does.
      await audit(tx, account, { apiTokensRevoked: tokensRevoked });
    });
    tell();
    return account;
  }

  async adminExists(em: EntityManager): Promise<boolean> {
    return (await em.count(Account, { role: Role.ADMIN })) > 0;
  }

  /** Issues a one-time setup token when no admin exists; returns the raw token to print, or undefined. */
  async issueSetupTokenIfNeeded(em: EntityManager): Promise<{ token: string; expiresAt: Date } | undefined> {
    if (await this.adminExists(em)) return undefined;
    return this.issueSetupToken(em);
  }

  async issueSetupToken(em: EntityManager): Promise<{ token: string; expiresAt: Date }> {
    const token = randomToken();
    const expiresAt = new Date(Date.now() + this.config.setupTokenTtlSeconds * 1000);
    await em.insert(SetupToken, { tokenHash: hashToken(token), expiresAt, createdAt: new Date() });
    return { token, expiresAt };
  }

  /**
   * Consumes the token and creates the admin in one transaction, serialized by an advisory lock so two
   * racing setups cannot both create a "first" admin.
   */
  async setupFirstAdmin(
    em: EntityManager,
    input: { token: string; email: string; name: string; password: string },
    audit: AuditStep,
  ): Promise<'TOKEN_INVALID' | 'ALREADY_DONE' | Account> {
    const email = normalizeEmail(input.email);
    const name = input.name.trim();
    if (name.length === 0) throw badInput([{ field: 'name', reason: 'REQUIRED', message: 'The name must not be blank.' }]);
    this.assertPasswordPolicy(input.password, email);
    // Checked before the password is hashed: anyone may call this, and a closed setup or a wrong token
    // must not cost an argon2 hash (a flood of them would queue ahead of every sign-in). Checked again
    // under the lock below.
    if (await this.adminExists(em)) return 'ALREADY_DONE';
    const [live] = await em.execute<{ ok: boolean }[]>(
      `select exists (select 1 from setup_token where token_hash = ? and used_at is null and expires_at > now()) as ok`,
      [hashToken(input.token)],
    );
    if (!live?.ok) return 'TOKEN_INVALID';
    const hash = await this.hasher.hash(input.password);
    return em.transactional(async (tx) => {
      await tx.execute(`select pg_advisory_xact_lock(hashtext('security_center.first_admin_setup'))`);
      if (await this.adminExists(tx)) return 'ALREADY_DONE' as const;
      const consumed = await tx.nativeUpdate(
        SetupToken,
        { tokenHash: hashToken(input.token), usedAt: null, expiresAt: { $gt: new Date() } },
        { usedAt: new Date() },
      );
      if (consumed !== 1) return 'TOKEN_INVALID' as const;
      const account = tx.create(Account, { email, name, role: Role.ADMIN, permissions: [] });
      tx.create(AccountPassword, { account, hash });
      await tx.flush();
      await audit(tx, account);
      return account;
    });
  }

  /** CLI path: creates an admin directly (no token); used for automation and break-glass. */
  async createAdmin(
    em: EntityManager,
    input: { email: string; name: string; password: string },
    audit: AuditStep,
  ): Promise<CreateOutcome> {
    return this.create(em, { ...input, role: Role.ADMIN }, audit);
  }
}
