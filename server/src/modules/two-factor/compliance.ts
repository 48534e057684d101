import type { EntityManager } from '@mikro-orm/postgresql';
import { Role } from '../../common/auth/roles.js';
import { Account } from '../account/account.entity.js';
import type { TwoFactorSettings } from '../settings/settings.service.js';
import { TwoFactorMethod } from './two-factor.entity.js';

export interface ComplianceRow {
  account: Account;
  role: Role;
  enabled: boolean;
  methods: TwoFactorMethod[];
  unusableMethods: TwoFactorMethod[];
  recoveryCodesLeft: number;
  required: boolean;
  lastLoginAt: Date | null;
}

export interface ComplianceReport {
  rows: ComplianceRow[];
  matching: number;
  total: number;
  withTwoFactor: number;
  withoutTwoFactor: number;
  requiredButMissing: number;
  onlyUnusableMethods: number;
  cannotSignIn: number;
}

/**
 * Every account's methods as sign-in sees them (e-mail codes do not count for staff while they are off
 * for staff; a flagged security key does not count), computed in PostgreSQL: the counts cover all
 * accounts, however many, and only the page's rows are read.
 */
const STATUS = `
  with f as (
    select a.id, a.email, a.role,
      exists(select 1 from totp_authenticator t where t.account_id = a.id and t.status = 'ACTIVE') as has_totp,
      exists(select 1 from email_factor e where e.account_id = a.id and e.status = 'ACTIVE')
        and (a.role = 'USER' or ?::boolean) as has_email,
      exists(select 1 from webauthn_credential w where w.account_id = a.id and w.flagged_at is null) as has_webauthn,
      -- Held, and refused by sign-in now: e-mail codes while they are off for staff, a flagged key.
      exists(select 1 from email_factor e where e.account_id = a.id and e.status = 'ACTIVE')
        and not (a.role = 'USER' or ?::boolean) as refused_email,
      exists(select 1 from webauthn_credential w where w.account_id = a.id and w.flagged_at is not null) as flagged_key,
      -- API-only sub-admins never sign in with a password and disabled accounts cannot: no policy
      -- will ever lead them through enrollment, so they are not counted as "required but missing".
      not a.api_only and a.disabled_at is null as signs_in,
      ?::boolean and not a.api_only and a.disabled_at is null
        and (case when a.role = 'USER' then a.requires_two_factor else ?::boolean end) as required
    from account a where a.role = any(?::text[])),
  g as (select f.*, ?::boolean and (f.has_totp or f.has_email or f.has_webauthn) as enabled,
                -- Holds second factors and none sign-in accepts: asked for a recovery code while one
                -- is left, then refused (SECOND_FACTOR_UNAVAILABLE) until an admin resets its 2FA;
                -- never led through setup.
                ?::boolean and not (f.has_totp or f.has_email or f.has_webauthn) and (f.refused_email or f.flagged_key)
                  as unusable_only
           from f)`;

/**
 * STATUS's parameters: under settings `s`, the accounts of `roles` (an array literal: knex would
 * spread a JavaScript array into a list).
 */
const statusParams = (s: TwoFactorSettings, roles: readonly Role[]) => [
  s.emailForStaff,
  s.emailForStaff,
  s.enabled,
  s.requiredForStaff,
  `{${roles.join(',')}}`,
  s.enabled,
  s.enabled,
];
const EVERY_ROLE: readonly Role[] = [Role.ADMIN, Role.SUB_ADMIN, Role.USER];

/** Whether a policy under settings `s` requires 2FA of the account and it holds no factor sign-in could use. */
export async function owesEnrollment(em: EntityManager, s: TwoFactorSettings, accountId: string): Promise<boolean> {
  const [row] = await em.execute<{ owes: boolean }[]>(
    `${STATUS} select exists (select 1 from g where id = ? and required and not enabled) as owes`,
    [...statusParams(s, EVERY_ROLE), accountId],
  );
  return row?.owes === true;
}

/** A uuid[] literal (knex would spread a JavaScript array into a list). */
const list = (ids: readonly string[]) => `{${ids.join(',')}}`;

/**
 * The accounts that owe an enrollment under settings `s` (a policy requires 2FA of them and they hold
 * no factor sign-in could use), in id order. `only`: among these (all when null); `except`: never this one.
 */
async function owingIds(
  em: EntityManager,
  s: TwoFactorSettings,
  only: readonly string[] | null,
  except: string | null,
): Promise<string[]> {
  const rows = await em.execute<{ id: string }[]>(
    `${STATUS} select id from g where required and not enabled
       and (?::uuid[] is null or id = any(?::uuid[])) and id is distinct from ?::uuid order by id`,
    [...statusParams(s, EVERY_ROLE), ...Array(2).fill(only === null ? null : list(only)), except],
  );
  return rows.map((r) => r.id);
}

export interface SettingsImpact {
  /** Accounts that would newly owe an enrollment: led through setting up a method at their next sign-in. */
  newlyRequired: number;
  /** Of those, admins and sub-admins. */
  newlyRequiredStaff: number;
  /** Accounts owing an enrollment under the new settings that are signed in now: signed out at once. */
  signedOut: number;
  /** Their live full sessions, all ended. */
  sessionsEnded: number;
  /**
   * Staff whose only factor is e-mail codes, which the change stops accepting from staff (with 2FA
   * on): at their next sign-in they can only use a recovery code, required of them or not.
   */
  staffLeftWithoutUsableFactor: number;
  /** Of those, the ones with no unused recovery code: locked out until an admin resets their 2FA. */
  staffWithoutRecoveryCode: number;
}

/**
 * Staff (able to sign in with a password) whose only factor is e-mail codes, except `except`: under
 * settings that refuse e-mail codes from staff they hold a factor and none they can use. The factors
 * are STATUS's, read under `s` with e-mail codes accepted from staff.
 */
async function emailOnlyStaff(
  em: EntityManager,
  s: TwoFactorSettings,
  except: string,
): Promise<{ all: number; noCodes: number }> {
  const [row] = await em.execute<{ all: number; no_codes: number }[]>(
    `${STATUS} select count(*)::int as all,
            count(*) filter (where not exists (select 1 from recovery_code r where r.account_id = g.id and r.used_at is null))::int as no_codes
       from g where signs_in and has_email and not has_totp and not has_webauthn and id is distinct from ?::uuid`,
    [...statusParams({ ...s, emailForStaff: true }, [Role.ADMIN, Role.SUB_ADMIN]), except],
  );
  return { all: row?.all ?? 0, noCodes: row?.no_codes ?? 0 };
}

/**
 * How many enabled admins (able to sign in with a password) could finish a sign-in under settings `s`:
 * 2FA off, or they hold no factor (the password, or an enrollment), a factor sign-in accepts (e-mail
 * codes only while staff may use them; a flagged key is none), or an unused recovery code. The others
 * are refused (SECOND_FACTOR_UNAVAILABLE) until an admin resets them.
 */
export async function adminsAbleToSignIn(em: EntityManager, s: TwoFactorSettings): Promise<number> {
  const [row] = await em.execute<{ n: number }[]>(
    `select count(*)::int as n from account a
      where a.role = 'ADMIN' and a.disabled_at is null and not a.api_only and ${ABLE_TO_SIGN_IN_SQL}`,
    [s.enabled, s.emailForStaff],
  );
  return row?.n ?? 0;
}

/** Whether this account could finish a sign-in under settings `s` (as `adminsAbleToSignIn` counts admins). */
export async function ableToSignIn(em: EntityManager, s: TwoFactorSettings, accountId: string): Promise<boolean> {
  const [row] = await em.execute<{ able: boolean }[]>(`select ${ABLE_TO_SIGN_IN_SQL} as able from account a where a.id = ?`, [
    s.enabled,
    s.emailForStaff,
    accountId,
  ]);
  return row?.able ?? false;
}

/**
 * What saving settings `after` over `before` would do at once, as `signOutOwingEnrollment` and
 * `signOutSignedInWhileOff` do it (`except`: the account saving them, never signed out by a policy of
 * its own change; `exceptSession`: its own session, which switching 2FA on leaves, while its other
 * sessions signed in meanwhile end too), changing nothing: for an admin to read before a policy signs
 * people out.
 */
export async function settingsImpact(
  em: EntityManager,
  before: TwoFactorSettings,
  after: TwoFactorSettings,
  except: string,
  exceptSession: string | null,
): Promise<SettingsImpact> {
  // E-mail codes refused from staff with 2FA on, newly: their e-mail-only holders are left a recovery code.
  const refusesStaffEmail = (x: TwoFactorSettings) => x.enabled && !x.emailForStaff;
  const stuck =
    refusesStaffEmail(after) && !refusesStaffEmail(before) ? await emailOnlyStaff(em, after, except) : { all: 0, noCodes: 0 };
  const left = { staffLeftWithoutUsableFactor: stuck.all, staffWithoutRecoveryCode: stuck.noCodes };
  const now = await owingIds(em, after, null, except);
  const owedAlready = new Set(now.length > 0 ? await owingIds(em, before, null, except) : []);
  const newly = now.filter((id) => !owedAlready.has(id));
  // Switched on: the sessions signed in without the second step while it was off go too.
  const switchedOn = !before.enabled && after.enabled;
  if (newly.length === 0 && !switchedOn) {
    return { newlyRequired: 0, newlyRequiredStaff: 0, signedOut: 0, sessionsEnded: 0, ...left };
  }
  const [live] = await em.execute<{ accounts: number; sessions: number }[]>(
    `select count(distinct s.account_id)::int as accounts, count(*)::int as sessions from session s join account a on a.id = s.account_id
      where s.stage = 'FULL' and s.revoked_at is null and s.expires_at > now()
        and (s.account_id = any(?::uuid[])
             or (?::boolean and s.created_at >= ${OFF_SINCE_SQL} and s.id is distinct from ?::uuid and ${HOLDS_FACTOR_SQL}))`,
    [list(newly), switchedOn, exceptSession],
  );
  const [staff] = await em.execute<{ n: number }[]>(
    `select count(*)::int as n from account where role <> 'USER' and id = any(?::uuid[])`,
    [list(newly)],
  );
  return {
    newlyRequired: newly.length,
    newlyRequiredStaff: staff?.n ?? 0,
    signedOut: live?.accounts ?? 0,
    sessionsEnded: live?.sessions ?? 0,
    ...left,
  };
}

/**
 * Whether account `a` holds anything a sign-in asks for when 2FA is on: a factor (usable or not: one
 * that is not is refused, or asked for a recovery code) or an unused recovery code.
 */
const HOLDS_FACTOR_SQL = `(exists(select 1 from totp_authenticator t where t.account_id = a.id and t.status = 'ACTIVE')
  or exists(select 1 from email_factor e where e.account_id = a.id and e.status = 'ACTIVE')
  or exists(select 1 from webauthn_credential w where w.account_id = a.id)
  or exists(select 1 from recovery_code r where r.account_id = a.id and r.used_at is null))`;

/** Whether account `a` could finish a sign-in under settings `s` (see `adminsAbleToSignIn`), its own state aside (disabled, API-only). */
const ABLE_TO_SIGN_IN_SQL = `(not ?::boolean
             or exists(select 1 from totp_authenticator t where t.account_id = a.id and t.status = 'ACTIVE')
             or exists(select 1 from webauthn_credential w where w.account_id = a.id and w.flagged_at is null)
             or ((a.role = 'USER' or ?::boolean) and exists(select 1 from email_factor e where e.account_id = a.id and e.status = 'ACTIVE'))
             or not ${HOLDS_FACTOR_SQL}
             or exists(select 1 from recovery_code r where r.account_id = a.id and r.used_at is null))`;

/** The key of the setting that keeps when 2FA was last switched off (`{ at }`), while it is. */
const OFF_SINCE_KEY = 'twoFactorOffSince';

/**
 * When 2FA was switched off, as kept by `rememberSwitchedOff` (by the database's clock, a minute
 * earlier: a session's start is stamped by its instance's clock, which may be behind); when that is not
 * known (switched off before it was kept), minus infinity: every session counts as signed in while it was off.
 */
const OFF_SINCE_SQL = `coalesce((select (value->>'at')::timestamptz - interval '1 minute' from setting where key = '${OFF_SINCE_KEY}'), '-infinity'::timestamptz)`;

/** Keeps the moment 2FA is switched off, for `signOutSignedInWhileOff` when it is switched on again. */
export async function rememberSwitchedOff(em: EntityManager, by: string): Promise<void> {
  await em.execute(
    `insert into setting (key, value, updated_at, updated_by) values ('${OFF_SINCE_KEY}', jsonb_build_object('at', now()), now(), ?)
     on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    [by],
  );
}

/**
 * 2FA being switched on: the rows of every account either sign-out below may take (those a policy
 * covers, among them any that newly owe an enrollment, and those holding a factor or a recovery code),
 * taken in one pass in id order, so the two sign-outs' own passes wait for nothing (two passes, each
 * in id order, could cross another change taking accounts in id order).
 */
export async function lockForSwitchOn(em: EntityManager, s: TwoFactorSettings): Promise<void> {
  await em.execute(
    `select a.id from account a
      where ${HOLDS_FACTOR_SQL}
         or (not a.api_only and a.disabled_at is null and case when a.role = 'USER' then a.requires_two_factor else ?::boolean end)
      order by a.id for no key update`,
    [s.requiredForStaff],
  );
}

/**
 * 2FA switched on again: the live full sessions signed in while it was off by accounts holding a factor
 * or a recovery code skipped the second step the sign-in now asks of them, so they end
 * (`TWO_FACTOR_REQUIRED`), and those accounts' session epochs move (a sign-in of theirs under way, its
 * password checked while 2FA was still off, starts no session). Their rows are taken first, in id
 * order. `except`: the account switching it on, whose session epoch stays and whose own session
 * (`except.sessionId`) goes on; its other sessions signed in meanwhile end as everyone's do (one may be
 * someone else's, with the password alone). The re-authentications made while it was off (the password
 * alone) stop counting for every account holding a factor, the saver's included. The number of sessions ended.
 */
export async function signOutSignedInWhileOff(
  em: EntityManager,
  except: { accountId: string; sessionId: string | null },
): Promise<number> {
  const holders = await em.execute<{ id: string }[]>(
    `select a.id from account a where ${HOLDS_FACTOR_SQL} and a.id is distinct from ?::uuid order by a.id for no key update`,
    [except.accountId],
  );
  if (holders.length > 0) {
    await em.execute(`update account set session_epoch = session_epoch + 1 where id = any(?::uuid[])`, [
      list(holders.map((h) => h.id)),
    ]);
  }
  const [row] = await em.execute<{ n: number }[]>(
    `with ended as (
       update session set revoked_at = now(), revoked_reason = 'TWO_FACTOR_REQUIRED'
        where stage = 'FULL' and revoked_at is null and expires_at > now() and created_at >= ${OFF_SINCE_SQL}
          and (account_id = any(?::uuid[])
               or (account_id = ?::uuid and id is distinct from ?::uuid
                   and exists (select 1 from account a where a.id = ?::uuid and ${HOLDS_FACTOR_SQL})))
       returning 1)
     select count(*)::int as n from ended`,
    [list(holders.map((h) => h.id)), except.accountId, except.sessionId, except.accountId],
  );
  // A re-authentication made while it was off took the password alone: it no longer counts for an
  // account that holds a factor (one made just before, within the margin, goes too). The saver's own
  // as well: switching 2FA on needs none.
  await em.execute(
    `update session s set reauth_at = null
      where s.stage = 'FULL' and s.revoked_at is null and s.reauth_at >= ${OFF_SINCE_SQL}
        and exists (select 1 from account a where a.id = s.account_id and ${HOLDS_FACTOR_SQL})`,
  );
  await em.execute(`delete from setting where key = '${OFF_SINCE_KEY}'`);
  return row?.n ?? 0;
}

/**
 * A policy takes effect at once, not at each account's next sign-in: the live full sessions of the
 * accounts that owe an enrollment under settings `s` newly (a policy requires 2FA of them and they
 * hold no factor sign-in could use, and did not under `before`, when given) are revoked
 * (`TWO_FACTOR_REQUIRED`), each announced to every instance, so that their holders sign in again and
 * are led through enrollment; their session epoch is moved too, so a sign-in of theirs under way (its
 * password checked, its session not yet started) starts none (`SessionService.startFull`). Accounts
 * that owed one already are left as they are: a save that changes nothing for them (the issuer's
 * name, another method allowed) does not sign out one that signed in with a recovery code, as it may
 * (its factor cannot be used), nor cost it another code. Their rows
 * are taken first, in id order, as every change of an account and its sessions takes them.
 * `only`: among these accounts (all when null); `except`: never this one's. The number of sessions ended.
 */
export async function signOutOwingEnrollment(
  em: EntityManager,
  s: TwoFactorSettings,
  only: readonly string[] | null,
  except: string | null,
  before?: TwoFactorSettings,
): Promise<number> {
  const now = await owingIds(em, s, only, except);
  if (now.length === 0) return 0;
  const owedAlready = new Set(before ? await owingIds(em, before, only, except) : []);
  const newly = now.filter((id) => !owedAlready.has(id));
  if (newly.length === 0) return 0;
  await em.execute(`select id from account where id = any(?::uuid[]) order by id for no key update`, [list(newly)]);
  await em.execute(`update account set session_epoch = session_epoch + 1 where id = any(?::uuid[])`, [list(newly)]);
  const [row] = await em.execute<{ n: number }[]>(
    `with ended as (
       update session set revoked_at = now(), revoked_reason = 'TWO_FACTOR_REQUIRED'
        where stage = 'FULL' and revoked_at is null and expires_at > now() and account_id = any(?::uuid[])
       returning 1)
     select count(*)::int as n from ended`,
    [list(newly)],
  );
  return row?.n ?? 0;
}

/**
 * `roles`: the roles the viewer may manage (a sub-admin never sees admins, nor sub-admins without
 * MANAGE_SUB_ADMINS): rows and counts alike cover only those accounts.
 */
export async function complianceReport(
  em: EntityManager,
  s: TwoFactorSettings,
  withoutOnly: boolean,
  page: { limit: number; offset: number },
  roles: readonly Role[],
): Promise<ComplianceReport> {
  const params = statusParams(s, roles);
  const [counts] = await em.execute<
    { total: number; with_2fa: number; missing: number; unusable_only: number; no_way_in: number }[]
  >(
    `${STATUS}
     select count(*)::int as total, (count(*) filter (where enabled))::int as with_2fa,
            (count(*) filter (where required and not enabled and not unusable_only))::int as missing,
            (count(*) filter (where unusable_only and signs_in))::int as unusable_only,
            (count(*) filter (where unusable_only and signs_in and not exists
              (select 1 from recovery_code r where r.account_id = g.id and r.used_at is null)))::int as no_way_in
     from g`,
    params,
  );
  const page_ = await em.execute<
    {
      id: string;
      has_totp: boolean;
      has_email: boolean;
      has_webauthn: boolean;
      refused_email: boolean;
      flagged_key: boolean;
      codes_left: number;
      enabled: boolean;
      required: boolean;
    }[]
  >(
    `${STATUS}
     select id, has_totp, has_email, has_webauthn, refused_email, flagged_key, enabled, required,
            (select count(*) from recovery_code r where r.account_id = g.id and r.used_at is null)::int as codes_left
       from g
     where not ?::boolean or not enabled
     order by role, email, id limit ? offset ?`,
    [...params, withoutOnly, page.limit, page.offset],
  );
  const accounts = new Map(
    (page_.length ? await em.find(Account, { id: { $in: page_.map((r) => r.id) } }) : []).map((a) => [a.id, a]),
  );
  const rows = page_.flatMap((r) => {
    const account = accounts.get(r.id);
    if (!account) return []; // deleted between the two reads
    const methods = [
      ...(r.has_totp ? [TwoFactorMethod.TOTP] : []),
      ...(r.has_email ? [TwoFactorMethod.EMAIL] : []),
      ...(r.has_webauthn ? [TwoFactorMethod.WEBAUTHN] : []),
    ];
    // With 2FA switched off, sign-in asks for no method: none is refused.
    const unusableMethods = s.enabled
      ? [
          ...(r.refused_email ? [TwoFactorMethod.EMAIL] : []),
          ...(r.flagged_key && !r.has_webauthn ? [TwoFactorMethod.WEBAUTHN] : []),
        ]
      : [];
    return [
      {
        account,
        role: account.role,
        enabled: r.enabled,
        methods,
        unusableMethods,
        recoveryCodesLeft: r.codes_left,
        required: r.required,
        lastLoginAt: account.lastLoginAt,
      },
    ];
  });
  const total = counts?.total ?? 0;
  const withTwoFactor = counts?.with_2fa ?? 0;
  return {
    rows,
    matching: withoutOnly ? total - withTwoFactor : total,
    total,
    withTwoFactor,
    withoutTwoFactor: total - withTwoFactor,
    requiredButMissing: counts?.missing ?? 0,
    onlyUnusableMethods: counts?.unusable_only ?? 0,
    cannotSignIn: counts?.no_way_in ?? 0,
  };
}
