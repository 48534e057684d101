import type { EntityManager } from '@mikro-orm/postgresql';
import type { Role } from '../../common/auth/roles.js';
import { Account } from '../account/account.entity.js';
import type { TwoFactorSettings } from '../settings/settings.service.js';
import { TwoFactorMethod } from './two-factor.entity.js';

export interface ComplianceRow {
  account: Account;
  role: Role;
  enabled: boolean;
  methods: TwoFactorMethod[];
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
      -- API-only sub-admins never sign in with a password and disabled accounts cannot: no policy
      -- will ever lead them through enrollment, so they are not counted as "required but missing".
      ?::boolean and not a.api_only and a.disabled_at is null
        and (case when a.role = 'USER' then a.requires_two_factor else ?::boolean end) as required
    from account a),
  g as (select f.*, ?::boolean and (f.has_totp or f.has_email or f.has_webauthn) as enabled from f)`;

export async function complianceReport(
  em: EntityManager,
  s: TwoFactorSettings,
  withoutOnly: boolean,
  page: { limit: number; offset: number },
): Promise<ComplianceReport> {
  const params = [s.emailForStaff, s.enabled, s.requiredForStaff, s.enabled];
  const [counts] = await em.execute<{ total: number; with_2fa: number; missing: number }[]>(
    `${STATUS}
     select count(*)::int as total, (count(*) filter (where enabled))::int as with_2fa,
            (count(*) filter (where required and not enabled))::int as missing
     from g`,
    params,
  );
  const page_ = await em.execute<
    { id: string; has_totp: boolean; has_email: boolean; has_webauthn: boolean; enabled: boolean; required: boolean }[]
  >(
    `${STATUS}
     select id, has_totp, has_email, has_webauthn, enabled, required from g
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
    return [{ account, role: account.role, enabled: r.enabled, methods, required: r.required, lastLoginAt: account.lastLoginAt }];
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
  };
}
