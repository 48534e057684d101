// The rules of the two-factor issue, each broken on purpose (a mutant), with the tests that must then
// fail. Run by `node scripts/mutants.mjs` (see the README's Tests section). An edit is
// [file, text, replacement]: the text must occur exactly once in the file. `equivalent` marks a mutant
// that changes nothing a user can see (another check refuses the same thing), with the reason.
const TF = 'server/src/modules/two-factor/two-factor.service.ts';
const TFR = 'server/src/modules/two-factor/two-factor.resolver.ts';
// `totp_attempt` as it stands: the last migration that (re)defines it.
const MIG = 'server/src/db/migrations/Migration20261205100000.ts';
const FC = 'server/src/db/failure-counter.ts';
const SS = 'server/src/modules/session/session.service.ts';
const WA = 'server/src/modules/two-factor/webauthn.service.ts';
const AC = 'server/src/common/auth/auth-checker.ts';
const ST = 'server/src/modules/settings/settings.service.ts';
const T = 'test/specs/two-factor.test.ts';
const R = 'test/specs/two-factor-rules.test.ts';
const L = 'test/specs/two-factor-limits.test.ts';
const M = 'test/specs/two-factor-mail.test.ts';
const CO = 'server/src/modules/two-factor/compliance.ts';
const LP = 'test/specs/login-protection.test.ts';
const BI = 'test/specs/two-factor-bad-input.test.ts';

export default [
  // Authenticator app
  {
    id: 'drift2',
    why: 'two steps of clock drift accepted',
    edits: [['server/src/modules/two-factor/totp.ts', 'epochTolerance: TOTP_PERIOD,', 'epochTolerance: 2 * TOTP_PERIOD,']],
    tests: [[T, 'drift']],
  },
  {
    id: 'replay',
    why: 'a used time step accepted again',
    edits: [[MIG, 'and t.last_used_step < $3;', 'and t.last_used_step <= $3;']],
    tests: [[T, 'replayed']],
  },
  {
    id: 'replay-mail',
    why: 'a replayed code tells nobody',
    edits: [[TF, 'this.mail.notify(mails.totpReplay(account.email, ctx.clientIp, new Date(), this.url));', '']],
    tests: [[T, 'replayed']],
  },
  {
    id: 'replay-audit',
    why: 'a replayed code is not audited',
    edits: [
      [TF, 'await this.audit.record(asHolder(ctx, account), AuditAction.TOTP_REPLAY_REFUSED, target(account), { step });', ''],
    ],
    tests: [[T, 'replayed']],
  },
  {
    id: 'stale-as-replay',
    why: 'an older step never used (a device whose clock is behind the one that signed in last) is told, audited and e-mailed as a replay',
    edits: [
      [
        MIG,
        "when $3 < v_last and ($3 < v_last - 2 or (v_used >> (v_last - $3 - 1)) & 1 = 0) then 'STALE'",
        "when false then 'STALE'",
      ],
    ],
    tests: [[M, 'an older authenticator code never used']],
  },
  {
    id: 'replay-after-newer-as-stale',
    why: 'a used code replayed after a newer step signed in is refused quietly as no longer valid: no audit entry, no e-mail',
    edits: [
      [
        MIG,
        "when $3 < v_last and ($3 < v_last - 2 or (v_used >> (v_last - $3 - 1)) & 1 = 0) then 'STALE'",
        "when $3 < v_last then 'STALE'",
      ],
    ],
    tests: [[M, 'a used authenticator code replayed after a newer one signed in']],
  },
  {
    id: 'confirm-wrong',
    why: 'a setup confirmed with a wrong code',
    edits: [
      [
        TF,
        "if (step === null) return new TwoFactorFailure(ErrorCode.CODE_INVALID, 'The code is wrong. Check the time on your phone.');",
        'if (false as boolean) return null as never;',
      ],
    ],
    tests: [[T, 'a wrong code leaves 2FA off']],
  },
  {
    id: 'unconfirmed-login',
    why: 'an unconfirmed app owes a second step',
    edits: [
      [
        TF,
        "from totp_authenticator where account_id = ${accountId} and status = 'ACTIVE' limit 1), false) as tf_totp",
        'from totp_authenticator where account_id = ${accountId} limit 1), false) as tf_totp',
      ],
    ],
    tests: [
      [T, 'authenticator app'],
      [R, 'setup in progress'],
    ],
  },
  {
    id: 'totp-enroll-ttl',
    why: 'an unconfirmed setup never expires',
    edits: [[TF, 'const TOTP_ENROLLMENT_TTL_MS = 15 * 60_000;', 'const TOTP_ENROLLMENT_TTL_MS = 15 * 60_000_000;']],
    tests: [[T, 'unconfirmed past its expiry']],
  },
  {
    id: 'totp-added-mail',
    why: 'adding an app e-mails nobody',
    edits: [[TF, "this.mail.notify(mails.methodAdded(account.email, 'An authenticator app', this.url));", '']],
    tests: [[T, 'authenticator app']],
  },
  {
    id: 'issuer-ignored',
    why: 'the issuer setting is not in the otpauth URI',
    edits: [
      [
        TF,
        'const uri = totpUri(issuer, account.email, secret);',
        "const uri = totpUri(issuer && 'Security Center', account.email, secret);",
      ],
    ],
    tests: [[T, 'authenticator app']],
  },
  // E-mailed codes
  {
    id: 'email-ttl',
    why: 'e-mailed codes live 100 minutes',
    edits: [[TF, 'export const EMAIL_CODE_TTL_MS = 10 * 60_000;', 'export const EMAIL_CODE_TTL_MS = 100 * 60_000;']],
    tests: [[T, 'e-mail codes']],
  },
  {
    id: 'email-tries',
    why: 'six wrong tries per e-mailed code',
    edits: [[TF, 'export const EMAIL_CODE_MAX_FAILURES = 5;', 'export const EMAIL_CODE_MAX_FAILURES = 6;']],
    tests: [[T, 'e-mail codes']],
  },
  {
    id: 'email-resend-resets',
    why: 'a resend resets the failure count',
    edits: [
      [
        TF,
        'failures = case when email_code.failures >= ? or email_code.used_at is not null then 0 else email_code.failures end',
        'failures = case when email_code.failures >= ? or email_code.used_at is not null then 0 else 0 end',
      ],
    ],
    tests: [[T, 'e-mail codes']],
  },
  {
    id: 'email-alias',
    why: 'guesses arriving together are all compared',
    edits: [
      [
        TF,
        'where id = ? and code_hash = ? and failures < ? and used_at is null and expires_at > clock_timestamp() returning failures',
        'where id = ? and code_hash = ? and failures < ? + 100 and used_at is null and expires_at > clock_timestamp() returning failures',
      ],
    ],
    tests: [[T, 'only five are compared']],
  },
  {
    id: 'email-cooldown',
    why: 'no cool-down between sends',
    edits: [
      [
        TF,
        'where email_code.sent_at <= now() - make_interval(secs => ?)',
        'where email_code.sent_at <= now() + make_interval(secs => ?)',
      ],
    ],
    tests: [[T, 'e-mail codes']],
  },
  {
    id: 'email-single-use',
    why: 'an e-mailed code works twice',
    edits: [
      [TF, 'if (row.usedAt !== null) return codeUsedAlready();', ''],
      [
        TF,
        'where id = ? and code_hash = ? and failures < ? and used_at is null and expires_at > clock_timestamp() returning failures',
        'where id = ? and code_hash = ? and failures < ? and expires_at > clock_timestamp() returning failures',
      ],
      [TF, 'where id = ? and used_at is null and code_hash = ?`', 'where id = ? and code_hash = ?`'],
    ],
    tests: [[T, 'e-mail codes']],
  },
  {
    id: 'email-bound',
    why: 'an e-mailed code finishes another sign-in',
    edits: [
      [
        TF,
        'const row = await em.fork().findOne(EmailCode, { account: account.id, purpose, sessionId });',
        "const row = await em.fork().findOne(EmailCode, { account: account.id, purpose }, { orderBy: { sentAt: 'desc' } });",
      ],
    ],
    tests: [[T, 'bound to its sign-in']],
  },
  {
    id: 'email-code-address',
    why: 'a code not bound to the address it went to',
    edits: [
      [
        TF,
        'return hmacHex(this.keys.sessionSecret, `email-code:${address}:${code}`);',
        'return hmacHex(this.keys.sessionSecret, `email-code:${code}`);',
      ],
    ],
    tests: [[T, 'e-mail codes']],
  },
  {
    id: 'email-staff',
    why: 'e-mail codes for staff without the setting',
    edits: [[TF, '!isStaff(account) || s.emailForStaff;', 'true || !isStaff(account) || s.emailForStaff;']],
    tests: [
      [T, 'admins and sub-admins unless'],
      [R, 'e-mail codes off for staff'],
    ],
  },
  {
    id: 'email-staff-default',
    why: 'e-mail codes for staff on by default',
    edits: [[ST, '      emailForStaff: false,', '      emailForStaff: true,']],
    tests: [[T, 'admins and sub-admins unless']],
  },
  {
    id: 'mail-budget',
    why: 'no budget of code e-mails per account',
    edits: [[TF, 'export const EMAIL_CODES_PER_ACCOUNT = 10;', 'export const EMAIL_CODES_PER_ACCOUNT = 1000;']],
    tests: [[T, 'budgeted per address and per account']],
  },
  {
    id: 'code-sent-past-budget',
    why: 'a code is e-mailed while the account’s wrong codes are spent: it can only be refused when it comes, and the holder’s inbox fills for whoever has the password',
    edits: [
      [
        TFR,
        'if (refused) return TwoFactorError.from(refused);',
        'if (refused?.code === ErrorCode.SECOND_FACTOR_LOCKED) return TwoFactorError.from(refused);',
      ],
    ],
    tests: [[L, 'the account limit holds on its own for recovery codes and e-mailed codes too']],
  },
  {
    id: 'dead-code-hidden-by-budget',
    why: 'a dead e-mailed code with the code e-mails also spent is said as the budget, with its earlier time: asked again then, the dead code refuses',
    edits: [
      [
        TF,
        'if (budget instanceof TwoFactorFailure) return this.laterOfDeadCode(em, account.id, purpose, sessionId, budget);',
        'if (budget instanceof TwoFactorFailure) return budget;',
      ],
    ],
    tests: [[T, 'told the later of the two times']],
  },
  {
    id: 'dead-code-said-as-budget',
    why: 'an e-mailed code dead of wrong tries is said to be the mail budget: the pop-up cannot tell the holder to ask for a new code',
    edits: [[TF, 'TooManyAttemptsReason.CODE_DEAD,', 'TooManyAttemptsReason.CODES_EMAILED,']],
    tests: [[T, 'mail server refused changes nothing']],
  },
  // Recovery codes
  {
    id: 'recovery-reuse',
    why: 'a recovery code works twice',
    edits: [
      [SS, 'where id = $11 and account_id = $2 and used_at is null and exists', 'where id = $11 and account_id = $2 and exists'],
      [
        TF,
        "text: 'select id from recovery_code where account_id = $1 and code_hash = $2 and used_at is null',",
        "text: 'select id from recovery_code where account_id = $1 and code_hash = $2',",
      ],
    ],
    tests: [[T, 'recovery code']],
  },
  {
    id: 'recovery-regen-keeps',
    why: 'regenerating keeps the old set',
    edits: [
      [
        TF,
        '      await tx.nativeDelete(RecoveryCode, { account: account.id });\n      for (const code of codes)',
        '      for (const code of codes)',
      ],
    ],
    tests: [[T, 'replaces the set']],
  },
  {
    id: 'recovery-mail',
    why: 'using a recovery code e-mails nobody',
    edits: [[TF, 'this.mail.notify(mails.recoveryCodeUsed(account.email, remaining, this.url, purpose));', 'void remaining;']],
    tests: [[T, 'e-mails the holder']],
  },
  // Re-authentication (each call site is a mutant of its own too: see scripts/mutants.mjs)
  {
    id: 'reauth-window',
    why: 'a re-authentication never expires',
    edits: [[TF, 'if (!at || !this.withinReauthWindow(at)) {', 'if (!at) {']],
    tests: [[T, 'expires after REAUTH_SECONDS']],
  },
  {
    id: 'reauth-no-second-factor',
    why: 'a re-authentication with the password alone when the account has a factor',
    edits: [
      [TF, '    if (methods.length > 0) {\n      if (!proof) {', '    if (methods.length > 0 && proof) {\n      if (!proof) {'],
    ],
    tests: [
      [T, 're-authentication'],
      [R, 're-authentication'],
    ],
  },
  {
    id: 'reauth-wrong-password',
    why: 'a re-authentication with a wrong password',
    edits: [
      [
        TF,
        '    if (!ok) {\n      // A session that does not know',
        "    if (!ok && password === '\\u0000') {\n      // A session that does not know",
      ],
    ],
    tests: [
      [T, ''],
      [R, ''],
    ],
  },
  // Lost device
  {
    id: 'reset-no-revoke',
    why: 'an admin reset leaves the sessions',
    edits: [[TF, "{ revokedAt: now, revokedReason: '2FA_RESET' },", "{ revokedReason: '2FA_RESET' },"]],
    tests: [[T, 'resets a user']],
  },
  {
    id: 'reset-no-mail',
    why: 'an admin reset e-mails nobody',
    edits: [[TF, '        this.mail.notify(mails.twoFactorReset(account.email, this.url));\n', '\n']],
    tests: [[T, 'resets a user']],
  },
  {
    id: 'reset-no-approval',
    why: "an admin's reset waits for nobody",
    edits: [[TFR, '      if (others.length > 0) {', '      if (others.length < 0) {']],
    tests: [[T, 'waits for a second admin']],
  },
  {
    id: 'reset-deleted-approver-ignored',
    why: 'deleting the only admin who would approve lets an admin’s 2FA reset through alone',
    edits: [[TFR, '      if (others.length === 0) {', '      if (others.length < 0) {']],
    tests: [[R, 'deleting the admin who would approve']],
  },
  {
    id: 'reset-deleted-young-counts',
    why: 'an admin of less than a day, deleted, holds resets up as if it could have approved',
    edits: [
      [
        TFR,
        "coalesce((details->>'accountCreatedAt')::timestamptz <= ?, true)",
        "coalesce((details->>'accountCreatedAt')::timestamptz <= ?::timestamptz + interval '2 days', true)",
      ],
    ],
    tests: [[R, 'deleting the admin who would approve']],
  },
  {
    id: 'recovery-codes-without-factor',
    why: 'recovery codes regenerated while the last method is removed are written for an account with no factor',
    edits: [[TF, '      if (!held || !holdsFactor(held)) {', '      if (!held) {']],
    tests: [[T, 'regenerating recovery codes while the last method is removed']],
  },
  {
    id: 'rename-control-characters',
    why: 'a security key is renamed to a second line or to reversed text (the control characters dropped, not refused)',
    edits: [
      [
        WA,
        'nameInput: string): Promise<WebauthnCredential> {\n    const name = checkedDeviceName(nameInput);',
        "nameInput: string): Promise<WebauthnCredential> {\n    const name = checkedDeviceName(nameInput.replace(/[\\n\\u202e]/g, ''));",
      ],
    ],
    tests: [[BI, 'made only of invisible characters']],
  },
  {
    id: 'approve-self',
    why: 'the requester may approve',
    equivalent: 'mayApprove refuses the requester too (FORBIDDEN either way)',
    edits: [
      [
        TFR,
        'if (req.requestedBy.id === viewer.account.id || req.target.id === viewer.account.id) {',
        'if (req.target.id === viewer.account.id) {',
      ],
    ],
    tests: [[T, 'waits for a second admin']],
  },
  // Sign-in stages and policies
  {
    id: 'pending-can-act',
    why: 'a pending sign-in counts as signed in',
    edits: [
      [
        AC,
        'viewer.principal.apiTokenId === null && viewer.principal.stage !== SessionStage.FULL)',
        'viewer.principal.apiTokenId === null && viewer.principal.stage === null)',
      ],
    ],
    tests: [[T, 'pending session can do nothing else']],
  },
  {
    id: 'pending-single-use',
    why: 'one pending sign-in starts several full sessions',
    edits: [
      [
        SS,
        'insert into session (${INSERT_COLUMNS}, pending_id)\n    select $1, $2, $3, $4, $5, $6, $7, $8, $9, $10\n',
        'insert into session (${INSERT_COLUMNS}, pending_id)\n    select $1, $2, $3, $4, $5, $6, $7, $8, $9, null::uuid where $10::uuid is not null\n',
      ],
    ],
    tests: [[T, 'one pending sign-in yields one full session']],
  },
  {
    id: 'pending-epoch-start',
    why: 'a pending sign-in whose account’s sessions were all revoked while its code was checked still starts one',
    edits: [[SS, 'and session_epoch = ${epoch}::int', 'and (session_epoch = ${epoch}::int or true)']],
    tests: [[T, 'sessions are all revoked while its code is being checked']],
  },
  {
    id: 'pending-cancel',
    why: 'cancelling a pending sign-in leaves it usable',
    edits: [
      [
        SS,
        'select $1, $2, $3, $4, $5, $5, $6, $7, null, now(), $8, $1',
        'select $1, $2, $3, $4, $5, $5, $6, $7, null, now(), $8, null',
      ],
    ],
    tests: [[T, 'ends when cancelled']],
  },
  {
    id: 'pending-rotated',
    why: 'a new sign-in over a pending sign-in’s cookie leaves that pending sign-in usable',
    edits: [[SS, 'await this.cancelSealed(sealed, hashToken(token), ip, reason);', '']],
    tests: [['test/specs/auth.test.ts', 'a sign-in over a pending sign-in’s cookie cancels that pending sign-in']],
  },
  {
    id: 'enrollment-disabled',
    why: 'an account disabled while its password was checked still gets an enrollment-only session, live again on re-enable',
    edits: [[SS, ' and session_epoch = $11 and disabled_at is null', ' and (session_epoch = $11 or true)']],
    tests: [[R, 'a user disabled while its password sign-in is under way gets no enrollment-only session']],
  },
  {
    id: 'pending-code-purged',
    why: 'a waiting sign-in’s e-mailed code is deleted by maintenance (and its wrong tries forgotten)',
    edits: [['server/src/app.ts', '\n         and t.sent_at < now() - make_interval(secs => ?)`,', ' and ?::int is not null`,']],
    tests: [[R, 'outlives the maintenance rounds']],
  },
  {
    id: 'pending-epoch-resolve',
    why: 'a pending sign-in outlives a revocation of all of its account’s sessions',
    edits: [[SS, "r['session_epoch'] !== sealed.sessionEpoch", 'false']],
    tests: [['test/specs/auth.test.ts', 'a remembered pending sign-in ended by another instance']],
  },
  {
    id: 'pending-password-resolve',
    why: 'a pending sign-in outlives a password change',
    edits: [[SS, "r['password_version'] !== sealed.passwordVersion ||", '']],
    tests: [[T, 'cannot finish once the password was changed']],
  },
  {
    id: 'pending-spent',
    why: 'a finished pending sign-in is still one',
    edits: [[SS, "if (a === undefined || a['p_spent'] === true) return undefined;", 'if (a === undefined) return undefined;']],
    tests: [['test/specs/auth.test.ts', 'a second step is news of its own pending sign-in only']],
  },
  {
    id: 'pending-expiry',
    why: 'a pending sign-in never expires',
    edits: [
      [
        SS,
        'if (sealed === null || sealed.expiresAt.getTime() <= Date.now()) return undefined;',
        'if (sealed === null) return undefined;',
      ],
    ],
    tests: [[R, 'short-lived']],
  },
  {
    id: 'reset-ends-pending',
    why: "an admin reset leaves the account's pending sign-ins",
    edits: [[TF, '      await SessionService.endPendingSignIns(tx, id);\n', '']],
    tests: [[T, 'resets a user: needs re-authentication']],
  },
  {
    id: 'pending-ttl',
    why: 'a pending sign-in lives an hour',
    edits: [
      [
        'server/src/config.ts',
        "pendingSessionSeconds: int('PENDING_SESSION_SECONDS', 600, 10, 3600),",
        "pendingSessionSeconds: int('PENDING_SESSION_SECONDS', 3600, 10, 3600),",
      ],
    ],
    tests: [[R, 'short-lived']],
  },
  {
    id: 'policy-skip',
    why: 'a marked account is not led through enrollment',
    edits: [
      [
        TF,
        '    if (await this.policyRequires(em, account, s)) {\n      return { stage: SessionStage.ENROLLMENT_REQUIRED',
        '    if (false as boolean) {\n      return { stage: SessionStage.ENROLLMENT_REQUIRED',
      ],
    ],
    tests: [[T, 'requiresTwoFactor is led']],
  },
  {
    id: 'enroll-stage-can-act',
    why: 'an enrollment-only session can use the whole API',
    edits: [
      [
        AC,
        '  [StageRule.SESSION]: [SessionStage.FULL],',
        '  [StageRule.SESSION]: [SessionStage.FULL, SessionStage.ENROLLMENT_REQUIRED],',
      ],
      [
        AC,
        'viewer.principal.apiTokenId === null && viewer.principal.stage !== SessionStage.FULL)',
        'viewer.principal.apiTokenId === null && viewer.principal.stage === SessionStage.PENDING_SECOND_FACTOR)',
      ],
    ],
    tests: [
      [T, 'led through enrollment'],
      [T, 'policies'],
    ],
  },
  {
    id: 'required-staff-ignored',
    why: '"required for staff" ignored',
    edits: [
      [
        TF,
        'return isStaff(account) ? s.requiredForStaff : account.requiresTwoFactor;',
        'return isStaff(account) ? false : account.requiresTwoFactor;',
      ],
    ],
    tests: [
      [T, 'required for staff'],
      [R, ''],
    ],
  },
  {
    id: 'allowed-methods-ignored',
    why: 'methods the settings disallow can be set up',
    edits: [
      [
        TF,
        '    return s.allowedMethods.filter(\n      (m) => m !== TwoFactorMethod.RECOVERY_CODE',
        '    return Object.values(TwoFactorMethod).filter(\n      (m) => m !== TwoFactorMethod.RECOVERY_CODE',
      ],
    ],
    tests: [
      [R, 'no longer allow'],
      [R, ''],
    ],
  },
  {
    id: 'system-off-ignored',
    why: '2FA switched off system-wide still asks for the second step',
    edits: [
      [
        TF,
        '    const s = settings ?? (await this.settings.twoFactor(em));\n    if (s.enabled) {\n      // Flags read before',
        '    const s = settings ?? (await this.settings.twoFactor(em));\n    if (s.enabled || true) {\n      // Flags read before',
      ],
    ],
    tests: [[T, 'switched off system-wide: no second step']],
  },
  {
    id: 'recommend-second',
    why: 'no recommendation of a second method',
    edits: [[TFR, 'strong.length === 1 &&', 'strong.length === 100 &&']],
    tests: [[T, '']],
  },
  {
    id: 'compliance-filter',
    why: 'the "without 2FA" filter lists everyone',
    edits: [
      ['server/src/modules/two-factor/compliance.ts', 'where not ?::boolean or not enabled', 'where not ?::boolean or true'],
    ],
    tests: [[R, 'compliance report']],
  },
  {
    id: 'remove-last-usable',
    why: 'the last method that can sign you in goes while what stays cannot and no recovery code is left (the next sign-in fails)',
    edits: [
      [
        TFR,
        'if (heldAfter > 0 && m.recoveryRemaining === 0) {',
        'if ((false as boolean) && heldAfter > 0 && m.recoveryRemaining === 0) {',
      ],
    ],
    tests: [[R, 'the last method that can sign you in']],
  },
  {
    id: 'approvals-race',
    why: 'two approvals of one request at once both carry the reset out (twice audited)',
    edits: [
      [
        TF,
        '      // No factor written meanwhile survives the reset (see lockSecondFactors).\n      await lockSecondFactors(tx, id);\n',
        '',
      ],
    ],
    tests: [[R, 'two admins approving one request at once']],
  },
  {
    id: 'unlock-self',
    why: 'an admin unlocks its own second step: a session re-authenticated before the lock lets the guessing go on',
    edits: [
      [
        TFR,
        "if (account.id === ctx.viewer!.account.id) {\n      throw badInput([{ field: 'accountId', reason: 'SELF', message: 'Another admin must unlock your second step.' }]);",
        "if ((false as boolean)) {\n      throw badInput([{ field: 'accountId', reason: 'SELF', message: 'Another admin must unlock your second step.' }]);",
      ],
    ],
    tests: [[R, 'unlocking follows the same ranks']],
  },
  {
    id: 'disable-keeps-requests',
    why: 'a disabled requester’s waiting reset requests come back when it is enabled again',
    edits: [
      [
        TF,
        'where requested_by_id = ? and approved_at is null and expires_at > clock_timestamp()',
        'where false and requested_by_id = ?',
      ],
    ],
    tests: [
      [R, 'a request whose requester was disabled is closed for good'],
      [R, 'a waiting request whose requester another admin disables is closed for good'],
    ],
  },
  {
    id: 'approver-not-rechecked',
    why: 'an approver disabled while its approval waits still carries the reset out',
    edits: [
      [
        TF,
        'where id = (select id from req where stands and approver_stands and not recovered) returning id),',
        'where id = (select id from req where stands and not recovered) returning id),',
      ],
      [TF, '        if (!claimed.approver_stands) throw approverGone();\n', ''],
    ],
    tests: [[R, 'an approver disabled while its approval waits']],
  },
  {
    id: 'reset-after-recovery',
    why: 'a reset asked for before the account signed in again (or set up a factor) is approved and wipes what it uses now',
    edits: [
      [TF, "${recoveredSinceSql('r.target_id', 'r.created_at')} as recovered", 'false as recovered'],
      [
        TFR,
        '            oldEnough(open.requestedBy, open.createdAt) &&\n            !(await recoveredSince(tx, account.id, open.createdAt))',
        '            oldEnough(open.requestedBy, open.createdAt)',
      ],
    ],
    tests: [[R, 'a request the account made moot']],
  },
  // Attempt limits (the statements' own checks; the reads before them refuse sooner)
  {
    id: 'net-limit',
    why: 'no per-network limit on app codes',
    edits: [
      [MIG, ' or coalesce(n_count, 0) >= $8', ''],
      [MIG, '        if n_count >= $8 then', '        if false then'],
    ],
    tests: [[L, '']],
  },
  {
    id: 'site-limit',
    why: 'no IPv6 site (/48) limit: one /64 after another spends a network budget each',
    edits: [
      [MIG, '\n           or ($10 is not null and coalesce(s_count, 0) >= $11)', ''],
      [MIG, '          if s_count >= $11 then', '          if false then'],
      [
        TF,
        '    if (row?.site_start && (row.site_count ?? 0) >= this.siteMaxAttempts) return this.tooMany(row.site_start);\n',
        '',
      ],
    ],
    tests: [[L, 'an IPv6 site']],
  },
  {
    id: 'site-kept-by-right-codes',
    why: 'right codes keep the site budget spent: many people in one /48 signing in run it out',
    edits: [
      [TF, 'else await this.recordSuccess(account, [acct, ...net]);', 'else await this.recordSuccess(account, [acct, net[0]!]);'],
    ],
    tests: [[L, 'an IPv6 site']],
  },
  {
    id: 'acct-limit',
    why: 'no per-account limit on app codes',
    edits: [
      [MIG, 'coalesce(a_count, 0) >= $7 or', ''],
      [MIG, '        if a_count > $7 then', '        if false then'],
    ],
    tests: [[L, '']],
  },
  {
    id: 'lockout',
    why: 'consecutive failures never lock',
    edits: [[MIG, 's.consecutive_failures >= $9 then now()', 's.consecutive_failures >= $9 + 100000 then now()']],
    tests: [[L, '']],
  },
  {
    id: 'give-back-other-window',
    why: 'an attempt given back after its window ended cancels one counted in the next window (nearly twice the guesses per account)',
    edits: [[FC, 'on c.key = t.key and abs(extract(epoch from c.window_start - t.taken_in)) < 0.002', 'on c.key = t.key']],
    tests: [[L, 'an attempt given back after its window ended']],
  },
  // Security keys
  {
    id: 'wa-counter',
    why: 'a counter going backwards accepted',
    edits: [
      [
        WA,
        'where id = ? and flagged_at is null and (counter < ? or (? = 0 and counter = 0))',
        'where id = ? and flagged_at is null and (counter < ? or (? = 0 and counter = 0) or true)',
      ],
    ],
    tests: [[T, 'counter went backwards']],
  },
  {
    id: 'wa-owner',
    why: "another account's key finishes a sign-in",
    edits: [
      [
        WA,
        'const cred = await ctx.em.findOne(WebauthnCredential, { credentialId: id, account: account.id });',
        'const cred = await ctx.em.findOne(WebauthnCredential, { credentialId: id });',
      ],
    ],
    tests: [[T, 'another account’s key']],
  },
  {
    id: 'wa-challenge-reuse',
    why: 'a challenge works twice',
    edits: [
      [
        WA,
        '`delete from webauthn_challenge where session_id = ? and purpose = ? and account_id = ? and expires_at > now()\n          and challenge = ?\n         returning challenge, device_name`',
        '`select challenge, device_name from webauthn_challenge where session_id = ? and purpose = ? and account_id = ? and expires_at > now()\n          and challenge = ?`',
      ],
    ],
    tests: [[T, 'security keys over the API']],
  },
  {
    id: 'wa-challenge-session',
    why: "one sign-in's challenge finishes another",
    edits: [
      [
        WA,
        '`delete from webauthn_challenge where session_id = ? and purpose = ? and account_id = ? and expires_at > now()',
        '`delete from webauthn_challenge where (session_id = ? or true) and purpose = ? and account_id = ? and expires_at > now()',
      ],
    ],
    tests: [[T, 'does not finish another sign-in']],
  },
  {
    id: 'wa-challenge-ttl',
    why: 'challenges live an hour',
    edits: [[WA, 'const CHALLENGE_TTL_MS = 5 * 60_000;', 'const CHALLENGE_TTL_MS = 60 * 60_000;']],
    tests: [[T, 'past its expiry']],
  },
  {
    id: 'wa-uv-mismatch',
    why: 'verification asks for user verification the options only prefer',
    edits: [[WA, 'const REQUIRE_USER_VERIFICATION = false;', 'const REQUIRE_USER_VERIFICATION = true;']],
    tests: [[T, 'one user-verification policy']],
  },
  {
    id: 'wa-registered-mail',
    why: 'registering a key e-mails nobody',
    edits: [[WA, 'this.mail.notify(mails.webauthnRegistered(account.email, saved.name, this.config.publicUrl.origin));', '']],
    tests: [[T, 'security keys over the API']],
  },
  {
    id: 'removed-mail',
    why: 'removing a method e-mails nobody',
    edits: [
      [
        TF,
        'onCommit(ctx, () => this.mail.notify(mails.methodRemoved(account.email, label, this.url, { name, plural, last })));',
        '',
      ],
    ],
    tests: [[T, 'recovery codes and re-authentication']],
  },
  // Rules added in sessions 28–29 (resets, refusals with nothing compared, notices, key names)
  {
    id: 'reset-keeps-budget',
    why: 'a reset leaves the attempt budget the lost factor spent',
    edits: [[TF, 'await tx.execute(`delete from failure_counter where key = ?`, [`${ACCOUNT_BUDGET_PREFIX}${id}`]);', '']],
    tests: [[L, 'an admin reset starts the account']],
  },
  {
    id: 'unchecked-counts',
    why: 'a second step with nothing to compare (no code sent, expired, no key challenge) costs an attempt and a failure',
    edits: [
      [
        TF,
        'if (failure?.code === ErrorCode.METHOD_NOT_SET_UP || failure?.unchecked) {',
        'if (failure?.code === ErrorCode.METHOD_NOT_SET_UP) {',
      ],
    ],
    tests: [[L, 'a refusal with nothing to compare']],
  },
  {
    id: 'unchecked-enroll-counts',
    why: 'confirming an e-mail setup with no live code costs an attempt',
    edits: [[TF, 'if (failure?.unchecked) await this.giveBack([taken]);', '']],
    tests: [[L, 'a refusal with nothing to compare']],
  },
  {
    id: 'replay-notice-per-account',
    why: 'replay notices throttled per account only: the holder’s own double sign-in hides a replay from elsewhere',
    edits: [[TF, '`${account.id} ${this.protection.sourcePrefix(ctx.clientIp)}`', '`${account.id}`']],
    tests: [[L, 'a replayed app code is e-mailed once an hour']],
  },
  {
    id: 'replay-notice-flood',
    why: 'every replay e-mails the holder (an inbox flood for whoever holds one spent code)',
    edits: [[TF, 'if (this.replayTold.take(', 'if (true || this.replayTold.take(']],
    tests: [[L, 'a replayed app code is e-mailed once an hour']],
  },
  {
    id: 'new-set-mail',
    why: 'a new set of recovery codes (the old ones dead) e-mails nobody',
    edits: [
      [
        TF,
        'if (made && !onlyIfNone) onCommit(ctx, () => this.mail.notify(mails.recoveryCodesGenerated(account.email, this.url)));',
        '',
      ],
    ],
    tests: [[M, 'recovery code used to re-authenticate']],
  },
  {
    id: 'reset-request-untold',
    why: 'the target of an admin reset request is not told when it is made',
    edits: [[TF, 'this.mail.notify(mails.twoFactorResetRequestedForYou(account.email, requestedBy.email, expiresAt));', '']],
    tests: [[M, 'two-admin approval']],
  },
  {
    id: 'lock-mail',
    why: 'the second-step lock e-mails nobody',
    edits: [[TF, 'if (locked) this.mail.notify(mails.secondFactorLocked(account.email, this.url));', '']],
    tests: [[M, 'second step locked']],
  },
  {
    id: 'key-name-bidi',
    why: 'a key name with text-direction overrides accepted',
    edits: [
      [
        WA,
        'if (hasControlCharacter(name) || hasBidiControl(name)) {',
        'if (hasControlCharacter(name) || (hasBidiControl(name) && false)) {',
      ],
    ],
    tests: [[M, 'a device name cannot put extra lines']],
  },
  {
    id: 'reset-nothing-held',
    why: 'an account holding no factor is reset anyway (signed out, its tokens ended, e-mailed)',
    edits: [
      [
        TF,
        'if (TwoFactorService.holdsNothing(await this.heldForReset(tx, id))) {',
        'if ((false as boolean) && TwoFactorService.holdsNothing(await this.heldForReset(tx, id))) {',
      ],
    ],
    // The CLI and resetTwoFactor ask first; an approval relies on this check alone.
    tests: [
      ['test/specs/cli.test.ts', 'an API-only integration holds no second factor'],
      [T, 'a reset request whose admin removed every factor meanwhile has nothing left to approve'],
    ],
  },
  {
    id: 'wa-zero-counter',
    why: 'a passkey that keeps no counter (always 0) is flagged at its second sign-in',
    edits: [[WA, '(counter < ? or (? = 0 and counter = 0))', '(counter < ? or (? = 0 and counter = -1))']],
    tests: [[T, 'keeps no counter']],
  },
  {
    id: 'wa-exclude-flagged',
    why: 'a flagged key keeps its authenticator from being added again',
    edits: [
      [
        WA,
        'const existing = await ctx.em.find(WebauthnCredential, { account: account.id, flaggedAt: null });',
        'const existing = await ctx.em.find(WebauthnCredential, { account: account.id });',
      ],
    ],
    tests: [[T, 'not excluded from a new registration']],
  },
  {
    id: 'wa-removed-meanwhile',
    why: 'a key removed while its answer is checked counts as a failure (reported as flagged)',
    edits: [[WA, "return still?.n === 1 ? false : 'GONE';", 'return false;']],
    tests: [[T, 'removed while its answer is checked']],
  },
  // Rules a test already proves that no mutant broke (from a review of the list, session 30)
  {
    id: 'unusable-factor-password-only',
    why: 'a factor that cannot be used now is skipped: the password alone signs in',
    edits: [
      [
        TF,
        'if (f && holdsFactor(f)) return { stage: SessionStage.PENDING_SECOND_FACTOR, methods: [], enrollable: [] };',
        'if ((false as boolean) && f && holdsFactor(f)) return { stage: SessionStage.PENDING_SECOND_FACTOR, methods: [], enrollable: [] };',
      ],
    ],
    tests: [[L, 'a factor that cannot be used now still owes the second step']],
  },
  {
    id: 'reauth-unusable-factor',
    why: 're-authentication with the password alone when the only factor cannot be used now',
    edits: [
      [
        TF,
        'if (methods.length === 0 && (await this.settings.twoFactor(ctx.em)).enabled && (await this.holdsAnyFactor(account))) {',
        'if ((false as boolean) && methods.length === 0 && (await this.settings.twoFactor(ctx.em)).enabled && (await this.holdsAnyFactor(account))) {',
      ],
    ],
    tests: [[R, 're-authentication is refused, not done with the password alone']],
  },
  {
    id: 'pending-can-enroll',
    why: 'a sign-in that proved only the password may set up a method (and then finish with it)',
    edits: [
      [
        AC,
        '  [StageRule.ENROLL]: [SessionStage.FULL, SessionStage.ENROLLMENT_REQUIRED],',
        '  [StageRule.ENROLL]: [SessionStage.FULL, SessionStage.ENROLLMENT_REQUIRED, SessionStage.PENDING_SECOND_FACTOR],',
      ],
    ],
    tests: [[T, 'the pending session can do nothing else']],
  },
  {
    id: 'old-session-adds-method',
    why: 'a session signed in hours ago (a copied cookie) ties the account to a new phone, inbox or key',
    edits: [[TF, 'if (s && this.withinReauthWindow(s.createdAt)) return;', 'if (s) return;']],
    tests: [[T, 'adding a method in a session signed in longer ago than REAUTH_SECONDS']],
  },
  {
    id: 'reset-skip-by-disabling',
    why: 'disabling the other admins first skips the second admin’s approval',
    edits: [[TFR, 'createdAt: { $lte: since },', 'createdAt: { $lte: since },\n        disabledAt: null,']],
    tests: [
      [R, 'is not skipped by disabling the other admins first'],
      [R, 'a new request that no enabled admin can approve'],
    ],
  },
  {
    id: 'approver-any-age',
    why: 'an admin made minutes ago (by the requester, with a password it chose) approves a reset',
    edits: [
      [TFR, '  oldEnough(approver, req.createdAt) &&\n', '  ((true as boolean) || oldEnough(approver, req.createdAt)) &&\n'],
    ],
    tests: [
      [R, 'comes from an admin of a day when it was asked for'],
      [T, 'waits for a second admin, who is neither'],
    ],
  },
  {
    id: 'reset-any-rank',
    why: 'a sub-admin with MANAGE_USERS resets the 2FA of an admin or a sub-admin',
    edits: [
      [
        TFR,
        'const account = await managedAccount(ctx, accountId);\n    if (account.id === viewer.account.id) {',
        'const account = await ctx.em.findOneOrFail(Account, { id: accountId });\n    if (account.id === viewer.account.id) {',
      ],
    ],
    tests: [[R, 'for an account above the sub-admin']],
  },
  {
    id: 'policy-not-at-once',
    why: '“required for staff” switched on leaves staff without a factor signed in',
    edits: [[TFR, 'await signOutOwingEnrollment(tx, after, null, me, before);', '']],
    tests: [[T, 'a policy is in force at once']],
  },
  {
    id: 'mark-not-at-once',
    why: 'marking a user leaves its sessions without a factor alive',
    edits: [[TFR, 'await signOutOwingEnrollment(tx, settings, [account.id], null)', '0']],
    tests: [[T, 'a policy is in force at once']],
  },
  {
    id: 'mark-ignored-at-sign-in',
    why: 'an integrator’s mark (“has created orders”) does not lead the user through enrollment',
    edits: [
      [
        TF,
        'return isStaff(account) ? s.requiredForStaff : account.requiresTwoFactor;',
        'return isStaff(account) ? s.requiredForStaff : (false as boolean) && account.requiresTwoFactor;',
      ],
    ],
    tests: [[T, 'a user marked requiresTwoFactor is led through enrollment']],
  },
  {
    id: 'enrollment-sessions-survive',
    why: 'someone with only the password keeps an enrollment session after the holder set up a factor',
    edits: [
      [TFR, "await ctx.services.sessions.endEnrollmentSessions(ctx.em, account.id, session(ctx).id, 'FACTOR_SET_UP');", ''],
    ],
    tests: [[R, 'an enrollment-only session ends once its holder sets up a factor elsewhere']],
  },
  {
    id: 'last-method-removable',
    why: 'under a policy the last factor goes, leaving an enrollment anyone with the password could make',
    edits: [
      [
        TFR,
        '    if (required) {\n      throw appError(\n        ErrorCode.LAST_METHOD_REQUIRED,',
        '    if ((false as boolean) && required) {\n      throw appError(\n        ErrorCode.LAST_METHOD_REQUIRED,',
      ],
    ],
    tests: [
      [R, 'under a policy the last method stays until another is set up'],
      [T, 'under a policy the last key cannot be removed'],
    ],
  },
  {
    id: 'unlock-refills-budget',
    why: 'an unlock between rounds of guesses gives a fresh attempt budget',
    edits: [
      [
        TF,
        '`delete from two_factor_state where account_id = ? returning locked_at`,\n        [account.id],',
        "`with b as (delete from failure_counter where key = '2fa:acct:' || ?::text) delete from two_factor_state where account_id = ? returning locked_at`,\n        [account.id, account.id],",
      ],
    ],
    tests: [[L, 'consecutive failures lock the second step until an admin unlocks it']],
  },
  {
    id: 'reset-keeps-recovery-codes',
    why: 'a reset leaves the recovery codes of the lost device',
    edits: [
      [
        TF,
        '      await tx.nativeDelete(RecoveryCode, { account: id });\n      await tx.nativeDelete(TwoFactorState',
        '      await tx.nativeDelete(TwoFactorState',
      ],
    ],
    tests: [
      [R, 'with MANAGE_USERS resets a user'],
      ['test/specs/cli.test.ts', 'removes every factor, code, lock and request'],
    ],
  },
  {
    id: 'expired-email-code-accepted',
    why: 'an e-mailed code past its expiry still signs in',
    edits: [
      [TF, 'and used_at is null and expires_at > clock_timestamp() returning failures', 'and used_at is null returning failures'],
    ],
    tests: [[T, 'an expired code is refused; a used code cannot be used again']],
  },
  {
    id: 'email-expired-while-checked',
    why: 'a right e-mailed code that expires while it is checked is answered "used already" and counted as a failure',
    edits: [
      [TF, 'and used_at is null and expires_at > clock_timestamp() returning failures', 'and used_at is null returning failures'],
      [
        TF,
        'where id = ? and used_at is null and code_hash = ?`',
        'where id = ? and used_at is null and code_hash = ? and expires_at > now()`',
      ],
    ],
    tests: [[T, 'a right code that expires while it is being checked']],
  },
  {
    id: 'email-replaced-after-try',
    why: 'a right e-mailed code replaced by a resend just after its try was taken is answered "used already" and counted, its try left on the new code',
    edits: [[TF, 'where id = ? and code_hash <> ? returning 1', 'where id = ? and code_hash <> ? and false returning 1']],
    tests: [[T, 'a right code replaced by a resend just after its try was taken']],
  },
  {
    id: 'email-try-on-newer-code',
    why: 'the try on an e-mailed code is charged to a code a resend put in its place: a wrong code checked meanwhile is compared with the code it was sent for and counted',
    edits: [[TF, 'where id = ? and code_hash = ? and failures < ?', 'where id = ? and ? is not null and failures < ?']],
    tests: [[T, 'replaced by a resend while it is being checked']],
  },
  {
    id: 'totp-setup-expired-while-checked',
    why: 'an app setup read live and proven by its right code is refused when it expires meanwhile, its attempt kept',
    edits: [
      [
        TF,
        "where id = ? and status = 'PENDING' and secret_sealed = ?`",
        "where id = ? and status = 'PENDING' and secret_sealed = ? and expires_at > now()`",
      ],
    ],
    tests: [[T, 'an app setup that expires while its right code is being checked']],
  },
  {
    id: 'reset-expired-app-setup',
    why: 'an app setup past its expiry makes an account resettable (signed out, its tokens ended, e-mailed)',
    edits: [
      [
        TF,
        "and (status = 'ACTIVE' or expires_at > now() - interval '1 minute')) as app",
        'and (true or expires_at is null)) as app',
      ],
    ],
    tests: [[R, 'a setup that can no longer be confirmed']],
  },
  {
    id: 'reset-expired-email-setup',
    why: 'an e-mail setup whose code expired makes an account resettable (signed out, its tokens ended, e-mailed)',
    edits: [[TF, 'and c.failures < ? and c.expires_at > now()', 'and c.failures < ?']],
    tests: [[R, 'a setup that can no longer be confirmed']],
  },
  {
    id: 'reset-misses-setup-being-confirmed',
    why: 'a setup whose right code is being checked is nothing to reset: the reset is refused, and the setup is switched on after it',
    edits: [
      [
        TF,
        "and (status = 'ACTIVE' or expires_at > now() - interval '1 minute')) as app",
        "and (status = 'ACTIVE' or expires_at > now())) as app",
      ],
      [TF, "or c.used_at > now() - interval '1 minute'", 'or false'],
    ],
    tests: [[R, 'a setup that can no longer be confirmed']],
  },
  {
    id: 'counter-zero-always-ok',
    why: 'a key that counted and then reports 0 is accepted (a clone in a counterless authenticator goes unnoticed)',
    edits: [
      [
        WA,
        'where id = ? and flagged_at is null and (counter < ? or (? = 0 and counter = 0))`',
        'where id = ? and flagged_at is null and (counter < ? or ? = 0)`',
      ],
    ],
    tests: [[T, 'a key that counted and then reports 0']],
  },
  {
    id: 'recovery-regenerations-race',
    why: 'two regenerations of recovery codes at once both stay valid (twenty codes)',
    edits: [
      [
        TF,
        '      // One new set at a time: two at once would each delete what the other had not yet written.\n      await lockSecondFactors(tx, account.id, ctx);\n',
        '',
      ],
    ],
    tests: [[T, 'two regenerations of recovery codes at once']],
  },
  {
    id: 'flag-races-removal',
    why: 'a key flagged while another method is removed does not wait for the removal: each counts the other as the factor left, and the account keeps its sessions with none',
    edits: [[WA, '      await lockSecondFactors(tx, account.id);\n      const settings', '      const settings']],
    tests: [[T, 'a key flagged while another method is removed']],
  },
  {
    id: 'flag-races-mark',
    why: 'a key flagged while the user is marked does not wait for the mark: the mark finds the key usable, the flag finds no mark',
    edits: [[WA, '      await tx.execute(`select 1 from account where id = ? for no key update`, [account.id]);\n', '']],
    tests: [[T, 'a key flagged while another method is removed']],
  },
  {
    id: 'flag-keeps-policy-sessions',
    why: 'a key flagged as a clone leaves an account a policy covers signed in everywhere (the clone holder’s session too)',
    edits: [
      [
        WA,
        'const sessionsEnded = await signOutOwingEnrollment(tx, settings, [account.id], null);',
        'const sessionsEnded = (false as boolean) ? await signOutOwingEnrollment(tx, settings, [account.id], null) : 0;',
      ],
    ],
    tests: [[T, 'whose only key is flagged, is signed out everywhere']],
  },
  {
    id: 'flag-untold',
    why: 'a key flagged as a possible clone e-mails nobody',
    edits: [
      [
        WA,
        'if (flaggedNow) this.mail.notify(mails.webauthnFlagged(account.email, cred.name, this.config.publicUrl.origin));',
        'void flaggedNow;',
      ],
    ],
    tests: [[T, 'a key whose counter went backwards is flagged']],
  },
  {
    id: 'compliance-staff-email-counted',
    why: 'the compliance report (and policy enforcement) counts e-mail codes staff may not use',
    edits: [[CO, "and (a.role = 'USER' or ?::boolean) as has_email,", 'and (true or ?::boolean) as has_email,']],
    tests: [[R, 'e-mail codes off for staff: the report agrees with sign-in']],
  },
  {
    id: 'compliance-subadmin-sees-admins',
    why: 'a user manager sees the admins’ 2FA status in the compliance report',
    edits: [
      [
        TFR,
        'const roles = [Role.ADMIN, Role.SUB_ADMIN, Role.USER].filter((r) => mayManageRole(ctx.viewer!, r));',
        'const roles = [Role.ADMIN, Role.SUB_ADMIN, Role.USER].filter((r) => (true as boolean) || mayManageRole(ctx.viewer!, r));',
      ],
    ],
    tests: [[R, 'compliance report covers only the accounts it may manage']],
  },
  {
    id: 'locked-still-mails-codes',
    why: 'a locked second step still e-mails sign-in codes (an inbox flood for whoever has the password)',
    edits: [
      [
        TFR,
        'if (refused) return TwoFactorError.from(refused);',
        'if (refused && refused.code !== ErrorCode.SECOND_FACTOR_LOCKED) return TwoFactorError.from(refused);',
      ],
    ],
    tests: [[M, 'no sign-in code is e-mailed while second-step sign-in is locked']],
  },
  {
    id: 'approvers-untold',
    why: 'a reset request asks nobody: the admins who may approve it are not e-mailed',
    edits: [
      [
        TF,
        'this.mail.notify(mails.twoFactorResetRequested(a.email, account.email, requestedBy.email, expiresAt, link));',
        'void a; void link;',
      ],
    ],
    tests: [
      [T, 'waits for a second admin, who is neither'],
      [M, 'two-admin approval'],
    ],
  },
  {
    id: 'api-token-sudo',
    why: 'an API token passes every re-authentication check',
    edits: [
      [
        TF,
        'const at = ctx.viewer?.session?.reauthAt;',
        'const at = ctx.viewer?.session ? ctx.viewer.session.reauthAt : new Date();',
      ],
    ],
    tests: [[LP, 'needs an acknowledgement to trust a wide public range']],
  },
  // Rules no test proved, each with a test since (session 30)
  {
    id: 'wa-flagged-accepted',
    why: 'a security key flagged as a possible clone signs in again once its counter is past the stored one',
    // Both parts: each check alone covers for the other (either one alone is equivalent).
    edits: [
      [
        WA,
        'if (cred.flaggedAt)\n      return new TwoFactorFailure(ErrorCode.CREDENTIAL_FLAGGED',
        'if ((false as boolean) && cred.flaggedAt)\n      return new TwoFactorFailure(ErrorCode.CREDENTIAL_FLAGGED',
      ],
      [
        WA,
        'where id = ? and flagged_at is null and (counter < ? or (? = 0 and counter = 0))',
        'where id = ? and (counter < ? or (? = 0 and counter = 0))',
      ],
    ],
    tests: [[T, 'a flagged key stays refused once its counter is past the stored one again']],
  },
  {
    id: 'recovery-plaintext',
    why: 'recovery codes stored in clear (normalised), not as an HMAC',
    edits: [
      [
        TF,
        "return hmacHex(this.keys.sessionSecret, `recovery:${accountId}:${code.toUpperCase().replace(/[^A-Z0-9]/g, '')}`);",
        "return code.toUpperCase().replace(/[^A-Z0-9]/g, '');",
      ],
    ],
    tests: [[T, 'a recovery code signs in once, e-mails the holder']],
  },
  {
    id: 'recovery-reauth-reuse',
    why: 'a used recovery code confirms re-authentications again and again',
    edits: [
      [
        TF,
        "text: 'update recovery_code set used_at = now() where account_id = $1 and code_hash = $2 and used_at is null',",
        "text: 'update recovery_code set used_at = now() where account_id = $1 and code_hash = $2',",
      ],
    ],
    tests: [[T, 'a recovery code that confirmed a re-authentication is used up']],
  },
  {
    id: 'lock-other-methods',
    why: 'the second-step lock is ignored by recovery codes, e-mailed codes and security keys',
    edits: [
      [TF, '(select locked_at from two_factor_state where account_id = $1) as locked_at,', 'null::timestamptz as locked_at,'],
    ],
    tests: [[L, 'the lock holds for every method']],
  },
  {
    id: 'acct-limit-other-methods',
    why: 'no per-account limit on wrong recovery codes, e-mailed codes or key answers (only the network’s)',
    edits: [
      [
        TF,
        'acct.count as acct_count, acct.window_start as acct_start,\n         net.count - 1 as net_count',
        'null::int as acct_count, null::timestamptz as acct_start,\n         net.count - 1 as net_count',
      ],
    ],
    tests: [[L, 'the account limit holds on its own for recovery codes and e-mailed codes too']],
  },
  {
    id: 'reauth-password-unlimited',
    why: 'whoever holds a session cookie guesses re-authentication passwords without limit',
    edits: [
      [
        TF,
        'const taken = await this.takeAttempt(ctx.em, account.id, ctx.clientIp);\n    if (taken instanceof TwoFactorFailure) return taken;\n    const ok = account.password',
        "const taken = { key: '', windowStart: null };\n    const ok = account.password",
      ],
    ],
    tests: [[L, 're-authentication passwords are limited per account']],
  },
  {
    id: 'approver-age-boundary',
    why: '“an admin of at least a day” shrinks to two hours',
    edits: [[TF, 'export const APPROVER_MIN_AGE_MS = 24 * 3600_000;', 'export const APPROVER_MIN_AGE_MS = 2 * 3600_000;']],
    tests: [[T, 'only an admin of at least a day when the reset was asked for approves it']],
  },
  {
    id: 'reset-request-ttl',
    why: 'a reset request waits 48 hours for its approval instead of 24',
    edits: [[TFR, 'const RESET_REQUEST_TTL_MS = 24 * 3600_000;', 'const RESET_REQUEST_TTL_MS = 48 * 3600_000;']],
    tests: [[T, 'a reset request lapses a day after it was asked for']],
  },
  {
    id: 'api-unlock-forgets-failures',
    why: 'the dashboard’s unlock of an account that is not locked forgets its failures, unaudited (a manager keeps it below the lockout)',
    edits: [[TF, 'if (!held?.locked_at) return false;', 'if ((false as boolean) && !held?.locked_at) return false;']],
    tests: [[L, 'unlocking an account that is not locked changes nothing']],
  },
  {
    id: 'api-unlock-not-locked-done',
    why: 'an unlock of an account that is not locked answers as if it had unlocked it',
    edits: [
      [
        TFR,
        'if (!(await ctx.services.twoFactor.unlock(ctx, account))) throw notLocked();',
        'await ctx.services.twoFactor.unlock(ctx, account);',
      ],
    ],
    tests: [
      [L, 'unlocking an account that is not locked changes nothing'],
      [L, 'consecutive failures lock the second step until an admin unlocks it'],
    ],
  },
  // Replaces the listed `unlock-any-rank` (same mutant; the resolver's text changed).
  {
    id: 'unlock-any-rank',
    why: 'a sub-admin with MANAGE_USERS unlocks an admin’s second step',
    edits: [
      [
        TFR,
        'const account = await managedAccount(ctx, accountId);\n    // "Until an admin unlocks it"',
        'const account = await ctx.em.findOneOrFail(Account, { id: accountId });\n    // "Until an admin unlocks it"',
      ],
    ],
    tests: [[R, 'unlocking follows the same ranks as a reset']],
  },
  // The quality bar's transport defaults (cookies, CSRF, GraphQL limits, introspection, proxies, errors)
  {
    id: 'cookie-httponly',
    why: 'the session cookie readable by scripts',
    edits: [
      [
        'server/src/app.ts',
        "const cookieBase = { httpOnly: true, secure, sameSite: 'strict' as const, path: '/' };",
        "const cookieBase = { httpOnly: false, secure, sameSite: 'strict' as const, path: '/' };",
      ],
    ],
    tests: [['test/specs/auth.test.ts', 'HttpOnly']],
  },
  {
    id: 'cookie-samesite',
    why: 'the session cookie sent on cross-site requests',
    edits: [
      [
        'server/src/app.ts',
        "const cookieBase = { httpOnly: true, secure, sameSite: 'strict' as const, path: '/' };",
        "const cookieBase = { httpOnly: true, secure, sameSite: 'lax' as const, path: '/' };",
      ],
    ],
    tests: [['test/specs/auth.test.ts', 'HttpOnly']],
  },
  {
    id: 'csrf-off',
    why: "Apollo's CSRF prevention off",
    edits: [['server/src/app.ts', 'csrfPrevention: true,', 'csrfPrevention: false,']],
    tests: [['test/specs/transport.test.ts', 'CSRF']],
  },
  {
    id: 'batching-on',
    why: 'batched GraphQL requests accepted',
    edits: [['server/src/app.ts', 'allowBatchedHttpRequests: false,', 'allowBatchedHttpRequests: true,']],
    tests: [['test/specs/transport.test.ts', 'limits aliases and depth']],
  },
  {
    id: 'alias-limit',
    why: 'no alias limit',
    edits: [['server/src/app.ts', 'maxAliases: { n: 15 },', 'maxAliases: { n: 1500 },']],
    tests: [['test/specs/transport.test.ts', 'limits aliases and depth']],
  },
  {
    id: 'depth-limit',
    why: 'no depth limit',
    edits: [['server/src/app.ts', 'maxDepth: { n: 12 },', 'maxDepth: { n: 1200 },']],
    tests: [['test/specs/transport.test.ts', 'limits aliases and depth']],
  },
  {
    id: 'cost-limit',
    why: 'no cost limit',
    edits: [['server/src/app.ts', 'costLimit: { maxCost: 5000 },', 'costLimit: { maxCost: 5000000 },']],
    tests: [['test/specs/transport.test.ts', 'refuses a query whose cost is over 5 000']],
  },
  {
    id: 'introspection-on',
    why: 'introspection on outside development',
    edits: [
      ['server/src/config.ts', "bool('GRAPHQL_INTROSPECTION', nodeEnv === 'development')", "bool('GRAPHQL_INTROSPECTION', true)"],
    ],
    tests: [['test/specs/transport.test.ts', 'introspection']],
  },
  {
    id: 'suggestions-on',
    why: 'field suggestions outside development',
    edits: [
      [
        'server/src/app.ts',
        'blockFieldSuggestion: { enabled: !config.graphqlIntrospection },',
        'blockFieldSuggestion: { enabled: false },',
      ],
      [
        'server/src/app.ts',
        'hideSchemaDetailsFromClientErrors: !config.graphqlIntrospection,',
        'hideSchemaDetailsFromClientErrors: false,',
      ],
    ],
    tests: [['test/specs/transport.test.ts', 'introspection']],
  },
  {
    id: 'proxy-any',
    why: 'X-Forwarded-For believed from any peer',
    edits: [
      [
        'server/src/common/net/client-ip.ts',
        'if (trustedProxies.length === 0 || !inAnyRange(trustedProxies, peer)) return formatIp(peer);',
        'if (trustedProxies.length < 0) return formatIp(peer);',
      ],
    ],
    tests: [
      ['server/src/common/net/client-ip.test.ts', ''],
      ['test/specs/transport.test.ts', 'X-Forwarded-For'],
    ],
  },
  {
    id: 'stack-traces',
    why: 'stack traces in error answers',
    // Apollo's option and the error formatter's own drop of `stacktrace`: either alone keeps traces out.
    edits: [
      ['server/src/app.ts', 'includeStacktraceInErrorResponses: false,', 'includeStacktraceInErrorResponses: true,'],
      [
        'server/src/common/errors/format-error.ts',
        'const { stacktrace: _drop, ...rest } = formatted.extensions ?? {};',
        'const { ...rest } = formatted.extensions ?? {}; const _drop = 0;',
      ],
    ],
    tests: [['test/specs/transport.test.ts', 'stack trace']],
  },
  // Session 31's rules: the settings impact, WebAuthn's RP ID and backup state
  {
    id: 'impact-ignores-change',
    why: 'a settings change is judged under the stored staff policy, not the one asked for: the impact tells of nobody, and the save checks (ENROLL_YOURSELF_FIRST, the lock-outs) judge the settings before it',
    edits: [
      [TFR, 'requiredForStaff: input.requiredForStaff ?? before.requiredForStaff,', 'requiredForStaff: before.requiredForStaff,'],
    ],
    tests: [[T, 'what a settings change would do is told before it is saved']],
  },
  {
    id: 'impact-ignores-staff-email',
    why: 'a settings change is judged as if it left e-mail codes for staff as stored: the impact counts their holders as signed out, and the save checks judge the wrong settings',
    edits: [[TFR, 'emailForStaff: forStaff,', 'emailForStaff: before.emailForStaff,']],
    tests: [[T, 'what a settings change would do is told before it is saved']],
  },
  {
    id: 'impact-ignores-email-only-staff',
    why: 'turning e-mail codes off for staff is weighed without the staff it leaves with only recovery codes (and the dashboard does not ask)',
    edits: [[CO, 'refusesStaffEmail(after) && !refusesStaffEmail(before)', 'false']],
    tests: [[T, 'turning e-mail codes off for staff counts']],
  },
  {
    id: 'impact-email-only-staff-keys',
    why: 'staff holding a security key besides e-mail codes are counted as left with only recovery codes (the dashboard asks over nothing)',
    edits: [
      [
        CO,
        'where signs_in and has_email and not has_totp and not has_webauthn and',
        'where signs_in and has_email and not has_totp and',
      ],
    ],
    tests: [[T, 'turning e-mail codes off for staff counts']],
  },
  {
    id: 'impact-email-only-staff-disabled',
    why: 'disabled staff (who cannot sign in) are counted as left with only recovery codes',
    edits: [
      [
        CO,
        'where signs_in and has_email and not has_totp and not has_webauthn and',
        'where has_email and not has_totp and not has_webauthn and',
      ],
    ],
    tests: [[T, 'turning e-mail codes off for staff counts']],
  },
  {
    id: 'backup-state-frozen',
    why: 'a key keeps the backup state of its registration though its sign-ins report another',
    edits: [
      [
        WA,
        '[newCounter, info.credentialBackedUp, info.credentialDeviceType, cred.id,',
        '[newCounter, cred.backedUp, cred.deviceType, cred.id,',
      ],
    ],
    tests: [[T, 'a passkey backed up after its registration shows as backed up once it signs in']],
  },
  {
    id: 'rp-id-ip-defaulted',
    why: 'a public URL at an IP address becomes the RP ID: every key ceremony fails in the browser, with nothing said',
    edits: [
      ['server/src/config.ts', 'const webauthnRpId = isIpLiteral(rpHost) ? null : rpHost;', 'const webauthnRpId = rpHost;'],
    ],
    tests: [[T, 'a server whose public URL is an IP address starts, says so once']],
  },
  {
    id: 'rp-id-ip-named',
    why: 'WEBAUTHN_RP_ID set to an IP address starts the server (without keys) instead of naming the mistake',
    edits: [
      [
        'server/src/config.ts',
        'if (rawRpId !== undefined && isIpLiteral(rawRpId)) {',
        'if ((false as boolean) && rawRpId !== undefined && isIpLiteral(rawRpId)) {',
      ],
    ],
    tests: [['server/src/config.test.ts', 'refuses an IP address set as WEBAUTHN_RP_ID']],
  },
  {
    id: 'one-request-outlives-revocation',
    why: 'a sign-in with the app code sent with the password outlives a revocation of all the account’s sessions made while its code is checked',
    edits: [['server/src/modules/session/auth.service.ts', '{ event, totp, epoch },', '{ event, totp },']],
    tests: [[T, 'a sign-in with the app code sent with the password, whose account’s sessions are all revoked']],
  },
  {
    id: 'ws-any-stage',
    why: 'a pending sign-in’s or an enrollment-only session’s cookie opens a WebSocket',
    edits: [
      [
        'server/src/ws.ts',
        'if (!resolved || resolved.session?.stage !== SessionStage.FULL) return false;',
        'if (!resolved) return false;',
      ],
    ],
    tests: [
      ['test/specs/security-incidents.test.ts', 'a sign-in that passed only the password gets no socket'],
      ['test/specs/security-incidents.test.ts', 'a session held at enrollment by the staff policy gets no socket'],
    ],
  },
  {
    id: 'ws-ended-kept',
    why: 'a socket outlives its session (signed out by a policy): it keeps receiving incidents',
    edits: [
      [
        'server/src/ws.ts',
        "for (const s of sockets) s.close(WS_CLOSE.SESSION_ENDED, 'Session ended');\n        continue;",
        'continue;',
      ],
      [
        'server/src/ws.ts',
        'if (!seen.has(id)) for (const s of sockets)',
        'if ((false as boolean) && !seen.has(id)) for (const s of sockets)',
      ],
    ],
    tests: [
      [
        'test/specs/security-incidents.test.ts',
        'a socket whose account the staff policy newly requires to enroll is closed at once',
      ],
    ],
  },
  {
    id: 'reauth-future-fresh',
    why: 'a re-authentication stamped ahead of the clock stays fresh for as long as the clocks differ',
    edits: [[TF, 'elapsed >= -CLOCK_SKEW_MS && ', '']],
    tests: [[T, 'a re-authentication stamped ahead of the server’s clock']],
  },
  // Session 35
  {
    id: 'policy-stale-on-other-instance',
    why: 'a sign-in decides on the settings its instance remembers, kept until they lapse: 2FA switched on moments before is bypassed on another instance',
    edits: [
      [
        'server/src/modules/session/auth.service.ts',
        "this.settings.twoFactorFrom(row!['two_factor_settings'] as Partial<TwoFactorSettings> | null),",
        'undefined,',
      ],
      [ST, "if (table !== 'setting' && table !== '*') return;", 'return;'],
    ],
    tests: [['test/specs/two-factor-settings.test.ts', '2FA switched on holds at once on another instance']],
  },
  {
    id: 'keys-only-on-ip-server',
    why: 'settings leaving only security keys to set up are accepted on a server reached by an IP address, where no key can be registered',
    edits: [[TFR, 'const keys = ctx.services.config.webauthnRpId !== null;', 'const keys = true;']],
    tests: [[T, 'a server whose public URL is an IP address starts, says so once']],
  },
  {
    id: 'lock-only-by-app-codes',
    why: 'wrong e-mailed, recovery or key codes never lock the second step (only app codes do)',
    edits: [[TF, 'await this.lockIfDue(ctx, account, row);', 'void row;']],
    tests: [[L, 'wrong e-mailed and recovery codes count towards the lock']],
  },
  {
    id: 'success-keeps-failures',
    why: 'a right e-mailed, recovery or key code leaves the consecutive failures as they were',
    edits: [
      [
        TF,
        'update two_factor_state set consecutive_failures = 0 where account_id in (${accounts}) and consecutive_failures <> 0',
        'update two_factor_state set consecutive_failures = consecutive_failures where false',
      ],
    ],
    tests: [[L, 'wrong e-mailed and recovery codes count towards the lock']],
  },
  {
    id: 'staff-email-code-sent',
    why: 'an e-mailed code is sent to staff while e-mail codes are off for them',
    edits: [[TFR, 'if (!(await tf.loginMethods(ctx.em, account)).includes(TwoFactorMethod.EMAIL)) return notSetUp();', '']],
    tests: [[T, 'is off for admins and sub-admins unless the setting allows it']],
  },
  {
    id: 'reauth-every-session',
    why: 'a re-authentication in one session counts for every session of the account',
    edits: [
      [
        TF,
        'await ctx.em.nativeUpdate(Session, { id: session.id }, { reauthAt: now });',
        'await ctx.em.nativeUpdate(Session, { account: account.id }, { reauthAt: now });',
      ],
    ],
    tests: [[T, 'a re-authentication holds for the session that made it']],
  },
  {
    id: 'mailbox-by-spelling',
    why: 'each spelling of one mailbox (a +tag, Gmail dots, capitals) gets a budget of setup codes of its own',
    edits: [[TF, '`mail-budget:${mailboxOf(address)}`', '`mail-budget:${address}`']],
    tests: [[T, 'other spellings of one mailbox share its budget']],
  },
  {
    id: 'key-limit-options',
    why: 'an account at its 20 security keys still gets registration options (and a 21st key)',
    edits: [[WA, '(await ctx.em.count(WebauthnCredential, { account: account.id })) >= MAX_SECURITY_KEYS', 'false']],
    tests: [[T, 'an account holds at most 20 keys']],
  },
  {
    id: 'key-limit-race',
    why: 'two registrations finishing at once at 19 keys both store theirs (21 keys)',
    edits: [[WA, '(await tx.count(WebauthnCredential, { account: account.id })) >= MAX_SECURITY_KEYS', 'false']],
    tests: [[T, 'an account holds at most 20 keys']],
  },
  {
    id: 'unrecorded-lock',
    why: 'a count at the lockout with no lock written refuses every app code forever, with no lock its managers can see or end',
    edits: [[TF, 'if (res?.locked_at) await this.writeLock(ctx, account);', '']],
    tests: [[L, 'a run of failures at the lockout with no lock written']],
  },
  {
    id: 'restarted-setup-keeps-attempt',
    why: 'a right setup code whose setup was restarted meanwhile spends one of the account’s attempts',
    edits: [
      [
        TF,
        '      // Its code was right (for the secret it was checked against): no guess, so no attempt spent.\n      await this.giveBackAfterCommit([taken]);\n',
        '',
      ],
    ],
    tests: [[R, 'a right app setup code whose setup was restarted meanwhile']],
  },
  {
    id: 'revoked-app-sign-in-as-wrong-password',
    why: 'a right password and app code whose sessions were all ended meanwhile is answered and counted as a wrong password',
    edits: [
      [
        'server/src/modules/session/auth.service.ts',
        "if (now === 'same' && finish !== undefined) {",
        'if ((false as boolean) && finish !== undefined) {',
      ],
    ],
    tests: [[R, 'in one request is under way is told to sign in again']],
  },
  {
    id: 'second-step-refusals-every-request',
    why: 'a pending sign-in looping refusals that compare nothing (locked, no such method) writes a login row per request',
    edits: [['server/src/modules/session/auth.service.ts', '      nothing &&\n', '      (false as boolean) &&\n']],
    tests: [[L, 'second steps refused without comparing anything']],
  },
  {
    id: 'ip-not-allowed-every-request',
    why: 'a session or token used from outside its access list writes a login row per refused request',
    edits: [
      [
        'server/src/modules/admin-access/admin-access.service.ts',
        'if (this.refusalsRecorded.take(`${viewer.principal.accountId}|${service}|${sourcePrefixOf(ip)}`)) {',
        'if (true as boolean) {',
      ],
    ],
    // The whole file: its tests run in turn on one restricted account (restricting it is the test before).
    tests: [['test/specs/admin-access.test.ts', '']],
  },
  {
    id: 'second-step-from-blocked-source',
    why: 'a pending sign-in finishes from a blocked source (started elsewhere, or before the block)',
    edits: [
      [
        TFR,
        '    const blocked = await auth.secondStepBlocked(ctx, account);\n    if (blocked) return TwoFactorError.from(blocked);\n',
        '',
      ],
    ],
    tests: [[L, 'the second step from a blocked source is refused']],
  },
  {
    id: 'code-mailed-to-blocked-source',
    why: 'a sign-in from a blocked source still gets an e-mailed code it could not use from there',
    edits: [
      [
        TFR,
        'if (session(ctx).stage !== SessionStage.FULL) {',
        'if ((false as boolean) && session(ctx).stage !== SessionStage.FULL) {',
      ],
    ],
    tests: [[L, 'the second step from a blocked source is refused']],
  },
  {
    id: 'removal-reads-stale-mark',
    why: 'a removal of the last method reads the requires-2FA mark from the request’s own copy: a mark set meanwhile is missed, and the marked user keeps its sessions with no factor',
    edits: [
      [
        TFR,
        'const now = fresh ? { role: fresh.role, requiresTwoFactor: fresh.requires_two_factor } : account;',
        'const now = account;',
      ],
    ],
    tests: [[R, 'removing the last method while the user is being marked']],
  },
  {
    id: 'unlock-untold',
    why: 'an unlock of the second step (one someone talked an admin into, say) is not told to the holder',
    edits: [[TF, '    if (unlocked) this.mail.notify(mails.secondFactorUnlocked(account.email, this.url));\n', '']],
    tests: [[L, 'consecutive failures lock the second step until an admin unlocks it']],
  },
  {
    id: 'used-code-counted',
    why: 'an e-mailed code used already (a double submit) costs an attempt and a consecutive failure, though nothing is compared',
    edits: [
      [
        TF,
        "new TwoFactorFailure(ErrorCode.CODE_INVALID, 'This code was used already.', null, true)",
        "new TwoFactorFailure(ErrorCode.CODE_INVALID, 'This code was used already.')",
      ],
    ],
    tests: [[L, 'a refusal with nothing to compare costs no attempt and no failure']],
  },
  {
    id: 'reauth-guesses-unbounded',
    why: 'wrong re-authentication passwords never end the session: a stolen cookie guesses the password for ever, five per window',
    edits: [[TF, 'if ((run?.count ?? 0) >= this.config.twoFactor.maxAttempts) {', 'if ((run?.count ?? 0) < 0) {']],
    tests: [[L, 'five wrong passwords in a row end the session']],
  },
  {
    id: 'reauth-failure-unaudited',
    why: 'a re-authentication refused for a wrong password or code leaves no audit entry',
    edits: [
      [
        TF,
        '    await this.audit.record(ctx, AuditAction.REAUTH_FAILED, target(account), {',
        '    if (false as boolean) await this.audit.record(ctx, AuditAction.REAUTH_FAILED, target(account), {',
      ],
    ],
    tests: [[L, 'a wrong re-authentication password or second factor is audited']],
  },
  {
    id: 'reauth-run-not-reset',
    why: 'the right re-authentication password leaves the session’s run of wrong ones: a holder’s typos over a day sign it out',
    edits: [
      [TF, '    await ctx.em.execute(`delete from failure_counter where key = ?`, [`${REAUTH_RUN_PREFIX}${session.id}`]);\n', ''],
    ],
    tests: [[L, 'the right re-authentication password ends the session’s run of wrong ones']],
  },
  {
    id: 'new-admin-asks-reset',
    why: 'an admin made a minute ago asks for a reset of another admin, and whoever made it approves: one person decides alone',
    edits: [[TFR, 'if (!oldEnough(viewer.account, new Date())) {', 'if (false as boolean) {']],
    tests: [[R, 'is not asked for by an admin of less than a day']],
  },
  {
    id: 'new-admins-request-approvable',
    why: 'a request asked for by an admin of less than a day (made before that was refused) can be approved',
    edits: [
      [
        TFR,
        '  oldEnough(approver, req.createdAt) &&\n  oldEnough(req.requestedBy, req.createdAt);',
        '  oldEnough(approver, req.createdAt);',
      ],
    ],
    tests: [[R, 'is not asked for by an admin of less than a day']],
  },
  {
    id: 'approval-claim-before-wait',
    why: 'an approval claims a request that its requester’s disabling (or a withdrawal) closed at the same moment, deciding on what it read before waiting',
    edits: [
      [
        TF,
        'where id = ? and target_id = ? and approved_at is null and expires_at > clock_timestamp() for update`,',
        'where id = ? and target_id = ? and approved_at is null and expires_at > now()`,',
      ],
      [TF, 'r.approved_at is null and r.expires_at > clock_timestamp()),', 'r.approved_at is null and r.expires_at > now()),'],
    ],
    tests: [
      [R, 'a requester disabled at the very moment the approval claims the request'],
      [R, 'a request withdrawn while an approval waits for it'],
    ],
  },
  {
    id: 'approval-request-row-first',
    why: 'an approval takes the request’s row before the account’s: it deadlocks with disabling an admin, which takes the admins’ rows first',
    edits: [[TF, '        await tx.execute(`select 1 from account where id = ? for no key update`, [id]);\n', '']],
    tests: [[R, 'an approval and a disabling that holds the admins’ rows take them in one order']],
  },
  {
    id: 'save-signs-out-owing-already',
    why: 'any settings save (a new issuer name) signs out those who owed an enrollment already, signed in with a recovery code, costing them another',
    edits: [
      ['server/src/modules/two-factor/compliance.ts', '  if (newly.length === 0) return 0;\n', ''],
      [
        'server/src/modules/two-factor/compliance.ts',
        'select count(*)::int as n from ended`,\n    [list(newly)],',
        'select count(*)::int as n from ended`,\n    [list(now)],',
      ],
    ],
    tests: [['test/specs/two-factor-settings.test.ts', 'a settings change that requires nothing new']],
  },
  {
    id: 'switch-on-keeps-password-only-sessions',
    why: '2FA switched on again leaves the sessions signed in with the password alone while it was off (a stolen password’s among them)',
    edits: [
      [
        TFR,
        '          sessionsEnded += await signOutSignedInWhileOff(tx, { accountId: me, sessionId: ctx.viewer!.session?.id ?? null });\n',
        '\n',
      ],
    ],
    tests: [['test/specs/two-factor-settings.test.ts', 'switched on again, it signs out the sessions']],
  },
  {
    id: 'replaced-key-prompt-counted',
    why: 'an answer to a security-key prompt replaced by a newer one (another tab) takes the newer one’s challenge and costs a wrong attempt',
    edits: [
      [
        'server/src/modules/two-factor/webauthn.service.ts',
        '          and challenge = ?\n',
        '          and ?::text is not null\n',
      ],
    ],
    tests: [[L, 'a security-key prompt replaced by a newer one']],
  },
  {
    id: 'key-public-key-unbounded',
    why: 'a security key’s public key of any size is stored (padding read back at every sign-in)',
    edits: [
      ['server/src/modules/two-factor/webauthn.service.ts', ' || credential.publicKey.byteLength > MAX_PUBLIC_KEY_BYTES', ''],
    ],
    tests: [[T, 'a crafted registration']],
  },
  {
    id: 'switch-off-keeps-enrollment-sessions',
    why: '2FA switched off leaves the enrollment-only sessions on a page where nothing can be set up, with no way on',
    edits: [[TFR, "sessionsEnded += await ctx.services.sessions.endAllEnrollmentSessions(tx, 'TWO_FACTOR_OFF');", '']],
    tests: [['test/specs/two-factor-settings.test.ts', 'switched off, it ends the enrollment-only sessions']],
  },
  {
    id: 'no-admin-left',
    why: 'a sub-admin takes e-mail codes from staff while they are every admin’s only factor, with no recovery code left: no admin can sign in',
    edits: [[TFR, 'if ((await adminsAbleToSignIn(tx, after)) === 0 &&', 'if ((await adminsAbleToSignIn(tx, after)) === -1 &&']],
    tests: [['test/specs/two-factor-settings.test.ts', 'e-mail codes are not taken from staff when that leaves no admin']],
  },
  {
    id: 'target-withdraws-own-reset',
    why: 'a session of the admin being reset (a thief’s, say) withdraws the reset that would end it',
    edits: [[TFR, 'if (req.target.id === ctx.viewer!.account.id) {', 'if (req.target.id === ctx.viewer!.account.id && false) {']],
    tests: [[R, 'a waiting request can be withdrawn by its requester or another admin, not by its target']],
  },
  {
    id: 'moot-request-closed-unaudited',
    why: 'an approval that finds the account recovered closes the request for good, with nothing on record of who closed it',
    edits: [
      [
        TF,
        '        if (claimed.recovered) {\n          await this.audit.record(',
        '        if (claimed.recovered) {\n          if (false as boolean) await this.audit.record(',
      ],
    ],
    tests: [[R, 'a request the account made moot']],
  },
  {
    id: 'email-allowed-again-freely',
    why: 'e-mail codes, the weakest method, are allowed again without a re-authentication (by an API token, say)',
    edits: [
      [
        TFR,
        ' ||\n          (allowed.includes(TwoFactorMethod.EMAIL) && !before.allowedMethods.includes(TwoFactorMethod.EMAIL)) ||',
        ' ||',
      ],
    ],
    tests: [['test/specs/two-factor-settings.test.ts', 'allowing e-mail codes again']],
  },
  // Session 39
  {
    id: 'strong-method-taken-away-freely',
    why: 'the authenticator app and security keys are taken from everyone without a re-authentication (by an API token, say), leaving e-mail codes alone',
    edits: [[TFR, ' ||\n          takenAway(TwoFactorMethod.TOTP) ||\n          takenAway(TwoFactorMethod.WEBAUTHN);', ';']],
    tests: [['test/specs/two-factor-settings.test.ts', 'taking the authenticator app or security keys away']],
  },
  {
    id: 'enroll-beside-first-factor',
    why: 'an enrollment-only session (the password alone) adds a factor beside the first one the holder confirmed while it waited',
    edits: [
      [
        TF,
        '      await lockForNewFactor(tx, account.id, ctx);\n      const res = await tx.execute(',
        '      await lockSecondFactors(tx, account.id, ctx);\n      const res = await tx.execute(',
      ],
    ],
    tests: [[R, 'an enrollment-only session whose account gets a first factor while its own confirmation waits']],
  },
  {
    id: 'enrollment-session-reads-factors',
    why: "an enrollment-only session that outlived the first factor reads the holder's factors (address, key names, codes left)",
    edits: [
      [
        TFR,
        '    await this.assertFirstFactor(ctx);\n    const { account } = ctx.viewer!;\n    const tf = ctx.services.twoFactor;\n    const [m, methods',
        '    const { account } = ctx.viewer!;\n    const tf = ctx.services.twoFactor;\n    const [m, methods',
      ],
    ],
    tests: [[R, 'an enrollment-only session whose account gets a first factor while its own confirmation waits']],
  },
  {
    id: 'reset-target-disables-requester',
    why: 'the admin a waiting reset is against disables its requester from its own session, and so closes the request no approval can then carry out',
    edits: [[TF, '    if (rows.some((r) => r.target_id === me.id)) {', '    if ((false as boolean)) {']],
    tests: [
      [R, 'the target of a waiting request cannot stop it by disabling its requester'],
      [R, 'a waiting request whose requester is treated as compromised (a password reset alone) is closed for good'],
      [R, 'a waiting request whose requester another admin deletes is closed'],
    ],
  },
  {
    id: 'locked-refusal-spends-account',
    why: 'second-step answers refused for the lock spend the account’s attempts, so its holder waits out the window once unlocked',
    edits: [[TF, '      await this.giveBack(row.locked_at ? [acct, ...net] : net);', '      await this.giveBack(net);']],
    tests: [[L, 'the lock holds for every method']],
  },
  {
    id: 'locked-reauth-spends-account',
    why: 're-authentications refused for the lock spend the account’s attempts',
    edits: [
      [
        TF,
        'if (limited && row && (row.locked_at || !this.accountSpent(row))) await this.giveBack([taken]);',
        'if (limited && row && !row.locked_at && !this.accountSpent(row)) await this.giveBack([taken]);',
      ],
    ],
    tests: [[L, 're-authentications refused for the lock spend none of the account’s attempts']],
  },
  {
    id: 'keys-only-unsaid',
    why: 'a server on an IP address starts silently with settings that leave accounts sent to set up 2FA nothing to set up',
    edits: [
      [
        'server/src/app.ts',
        '  if (left.everyone.length > 0 && !(s.requiredForStaff && left.staff.length === 0)) return;',
        '  if (left.everyone.length >= 0) return;',
      ],
    ],
    tests: [[T, 'whose stored settings leave security keys the only method to set up says so at start']],
  },
  {
    id: 'compliance-unusable-counted-missing',
    why: 'the compliance report counts an account whose only factor sign-in refuses among those to be led through setup',
    edits: [
      [
        CO,
        '(count(*) filter (where required and not enabled and not unusable_only))::int as missing',
        '(count(*) filter (where required and not enabled))::int as missing',
      ],
    ],
    tests: [[R, 'the compliance report tells an account whose only factor sign-in refuses from one without 2FA']],
  },
  {
    id: 'compliance-flagged-key-unsaid',
    why: 'the compliance report shows an account whose only key is flagged as one holding nothing',
    edits: [[CO, '      ...(r.flagged_key && !r.has_webauthn ? [TwoFactorMethod.WEBAUTHN] : []),\n', '']],
    tests: [[R, 'the compliance report tells an account whose only factor sign-in refuses from one without 2FA']],
  },
  {
    id: 'request-made-behind-disabling',
    why: 'a reset request asked for while its requester is being disabled is left open behind the disabling',
    edits: [[TFR, '          if (!stands) throw appError(', '          if ((false as boolean)) throw appError(']],
    tests: [[R, 'a request asked for while its requester is being disabled waits for the disabling and is refused']],
  },
  {
    id: 'closure-tells-actor',
    why: 'the admin who disabled, deleted or treated a requester as compromised is e-mailed about its own act',
    edits: [[TF, '...asked.filter((a) => a.id !== me.id).map((a) => a.email)', '...asked.map((a) => a.email)']],
    tests: [[R, 'a waiting request whose requester another admin disables is closed for good']],
  },
  {
    id: 'compliance-unusable-while-off',
    why: 'with 2FA switched off the compliance report still calls methods unusable that sign-in does not ask for',
    edits: [[CO, '    const unusableMethods = s.enabled\n', '    const unusableMethods = (true as boolean)\n']],
    tests: [[R, 'your only factor, e-mail codes, is not switched off for staff by switching 2FA on in the same change']],
  },
  {
    id: 'removal-reauth-before-refusal',
    why: 'a removal that will be refused asks for a recent confirmation first, which may cost the holder a recovery code for nothing',
    edits: [
      [
        TFR,
        '      const tx = { ...ctx, em, afterCommit } as Context;\n      await this.assertKeepsAFactor(tx, removing);\n',
        '      const tx = { ...ctx, em, afterCommit } as Context;\n      requireReauth();\n      await this.assertKeepsAFactor(tx, removing);\n',
      ],
    ],
    tests: [[R, 'a removal that will be refused says so before asking for a recent confirmation']],
  },
  {
    id: 'compromised-requester-keeps-requests',
    why: 'an admin treated as compromised keeps its waiting requests to reset other admins’ 2FA, which a second admin may then approve',
    edits: [
      [
        'server/src/modules/security-incident/incident.service.ts',
        "      const closing = await ctx.services.twoFactor.closeRequestsBy({ ...ctx, em: tx }, account, 'COMPROMISED');",
        '      const closing = { closed: 0, tell: () => undefined };',
      ],
    ],
    tests: [[R, 'a waiting request whose requester is treated as compromised (a password reset alone) is closed for good']],
  },
  {
    id: 'deleted-requester-closes-silently',
    why: 'deleting an admin erases its waiting reset requests with no audit entry and nobody told',
    edits: [['server/src/modules/account/account.service.ts', '      tell = (await closeRequests(tx, account)).tell;\n', '']],
    tests: [[R, 'a waiting request whose requester another admin deletes is closed']],
  },
  {
    id: 'requester-gone-closure-unaudited',
    why: 'a request closed with its requester leaves no audit entry of its own',
    edits: [[TF, '        reason: `REQUESTER_${why}`,\n', "        reason: 'RESET',\n"]],
    tests: [[R, 'a waiting request whose requester another admin disables is closed for good']],
  },
  {
    id: 'requester-gone-closure-untold',
    why: 'the target and the admins asked are not told that a request closed with its requester',
    edits: [
      [
        TF,
        '    return { closed: rows.length, tell: () => told.forEach((t) => t()) };',
        '    return { closed: rows.length, tell: () => undefined };',
      ],
    ],
    tests: [[R, 'a waiting request whose requester another admin disables is closed for good']],
  },
  {
    id: 'last-method-notice-silent',
    why: 'the e-mail after the last method was removed hides that the recovery codes went too and that only the password is asked for now',
    edits: [['server/src/modules/two-factor/two-factor.service.ts', '{ name, plural, last }', '{ name, plural }']],
    tests: [['test/specs/two-factor-mail.test.ts', 'removing the app: refused without re-authentication']],
  },
  {
    id: 'lapsed-app-setup-kept',
    why: 'an authenticator-app setup never confirmed is kept for ever after it lapsed, its sealed secret with it',
    edits: [['server/src/db/retention.ts', "where status = 'PENDING' and expires_at <", 'where false and expires_at <']],
    tests: [['server/src/db/retention.test.ts', 'deletes an authenticator-app setup never confirmed']],
  },
  {
    id: 'lapsed-email-setup-kept',
    why: 'an e-mail address whose setup was never confirmed is kept for ever',
    edits: [
      [
        'server/src/db/retention.ts',
        "where status = 'PENDING' and created_at < now() - make_interval(days => $1) limit $2)",
        'where false limit $2)',
      ],
    ],
    tests: [['server/src/db/retention.test.ts', 'deletes an e-mail address whose setup was never confirmed a day after']],
  },
  {
    id: 'email-setup-restart-unstamped',
    why: 'an e-mail setup started again keeps the first start’s stamp: the daily pruning deletes it while its new code is good',
    edits: [[TF, 'set address = excluded.address, created_at = excluded.created_at', 'set address = excluded.address']],
    tests: [[T, 'an e-mail setup started again days after an unconfirmed one is stamped anew']],
  },
  {
    id: 'own-email-refusal-unexplained',
    why: 'turning e-mail codes off for staff while they are your own only factor is refused without saying why (the dashboard shows the IP-list sentence)',
    edits: [[TFR, "{ reason: 'OWN_EMAIL_CODES' }", '{}']],
    tests: [[R, 'your only factor, e-mail codes, is not switched off for staff']],
  },
  {
    id: 'reauth-before-refusal',
    why: 'a settings change that also weakens asks to confirm it is you before saying it is refused anyway',
    edits: [
      [
        TFR,
        '        const judged = await this.assertChangeAllowed(ctx, tx, before, input, methods);\n',
        '        if (input.enabled === false || input.requiredForStaff === false || input.emailForStaff === true) ctx.services.twoFactor.requireRecentReauth(ctx);\n        const judged = await this.assertChangeAllowed(ctx, tx, before, input, methods);\n',
      ],
    ],
    tests: [[T, 'a policy is in force at once: live sessions that owe an enrollment end']],
  },
  {
    id: 'email-setup-pruned-while-restarted',
    why: 'the pruning deletes an e-mail setup started again while its delete waited for the row',
    edits: [
      [
        'server/src/db/retention.ts',
        "\n            and status = 'PENDING' and created_at < now() - make_interval(days => $1)`,",
        '`,',
      ],
    ],
    tests: [['server/src/db/retention.test.ts', 'keeps an e-mail setup started again while the pruning waits']],
  },
  {
    id: 'locked-account-mailed-setup-code',
    why: 'an e-mail setup while the second step is locked (or its attempt budget spent) mails a code its confirmation will refuse, spending the mail budgets',
    edits: [
      [
        TF,
        '    const refused = await this.nextAttemptRefused(account.id, ctx.clientIp);\n    if (refused) return refused;\n    // Out of e-mail budget',
        '    // Out of e-mail budget',
      ],
    ],
    tests: [[L, 'an e-mail setup while the second step is locked, or the attempt budget is spent, mails no code']],
  },
  {
    id: 'methods-read-on-other-connections',
    why: 'a transaction holding the per-account lock reads the account’s methods on other connections of the pool, which the removals waiting for that lock hold: every one times out',
    edits: [
      [
        TF,
        '    if (em.isInTransaction()) {\n      const tx = em.fork({ keepTransactionContext: true });',
        '    if (false as boolean) {\n      const tx = em.fork({ keepTransactionContext: true });',
      ],
    ],
    tests: [
      [
        T,
        'more removals of one account’s methods at once than the server has connections are each answered in turn, none left waiting for a connection',
      ],
    ],
  },
  {
    id: 'removal-of-nothing-judged',
    why: 'removing a method the account does not hold is judged on what would be left: an account left with an unusable key hears WOULD_LOCK_YOU_OUT (or LAST_METHOD_REQUIRED) instead of NOT_FOUND',
    edits: [[TFR, '    if (!goes) return;\n', '']],
    tests: [[R, 'the last method that can sign you in does not go while what stays cannot and no recovery code is left']],
  },
  {
    id: 'challenge-less-registration-not-enrolling',
    why: 'a registration response naming no challenge is answered NOT_ENROLLING (no registration in progress) while one is',
    edits: [[WA, '      return live ? unverifiable() : notEnrolling;', '      return notEnrolling;']],
    tests: [[BI, 'malformed registration JSON is a typed error: nothing registered, and the live prompt not taken']],
  },
  {
    id: 'settings-read-in-tx-on-other-connection',
    why: 'a settings read missing the cache inside a transaction takes another connection of the pool while the transaction holds its own: transactions each waiting for one leave none',
    edits: [[ST, '    if (em.isInTransaction()) return this.readStored(em, key, defaults);\n', '']],
    tests: [['server/src/modules/settings/settings.service.test.ts', 'reads on the transaction’s own connection']],
  },
  {
    id: 'settings-read-in-tx-cached',
    why: 'a settings read inside a transaction is kept for everyone: a value that transaction wrote and rolled back is served from memory',
    edits: [
      [
        ST,
        '    if (em.isInTransaction()) return this.readStored(em, key, defaults);',
        '    if (em.isInTransaction()) {\n      const v = await this.readStored(em, key, defaults);\n      this.cache.set(key, { at: Date.now(), value: v });\n      return v;\n    }',
      ],
    ],
    tests: [['server/src/modules/settings/settings.service.test.ts', 'reads on the transaction’s own connection']],
  },
  {
    id: 'password-only-reauth-survives-switch-on',
    why: 'a re-authentication made with the password alone while 2FA was off still counts once it is switched on: a session can regenerate recovery codes or remove a method without the second factor',
    edits: [[CO, '`update session s set reauth_at = null\n', '`update session s set reauth_at = reauth_at\n']],
    tests: [
      [
        'test/specs/two-factor-settings.test.ts',
        'switched on again, it signs out the sessions that signed in without the second step meanwhile',
      ],
    ],
  },
  {
    id: 'switch-on-ends-every-reauth',
    why: 'switching 2FA on also ends the confirmations of accounts that hold no factor, whose password is all they can give',
    edits: [[CO, '        and exists (select 1 from account a where a.id = s.account_id and ${HOLDS_FACTOR_SQL})`,', '`,']],
    tests: [
      [
        'test/specs/two-factor-settings.test.ts',
        'switched on again, it signs out the sessions that signed in without the second step meanwhile',
      ],
    ],
  },
  {
    id: 'cli-reset-prints-first-read',
    why: 'the CLI’s reset-2fa prints what it read before its transaction, not what the reset removed: a key added meanwhile goes unnamed',
    edits: [['server/src/cli.ts', '(removed) => (gone = removed)', '() => undefined']],
    tests: [['test/specs/cli.test.ts', 'prints what it removed as read under the account’s locks']],
  },
  {
    id: 'closed-request-mail-says-directly',
    why: 'the requester of a waiting reset request closed by the approval of another request is told the account was reset directly',
    edits: [[TF, 'account.email, by, approval !== undefined));', 'account.email, by, false));']],
    tests: [
      [R, 'comes from an admin of a day when it was asked for, for a requester still standing behind it; once per account'],
    ],
  },
  {
    id: 'preview-skips-refusals',
    why: 'the settings preview answers numbers for a change the save refuses: the dashboard asks to confirm what cannot be saved',
    edits: [
      [
        TFR,
        'const after = await this.assertChangeAllowed(ctx, ctx.em, before, input, allowedMethodsOf(input));',
        'const after = { ...before, enabled: input.enabled ?? before.enabled, allowedMethods: allowedMethodsOf(input) ?? before.allowedMethods, requiredForStaff: input.requiredForStaff ?? before.requiredForStaff, emailForStaff: input.emailForStaff ?? before.emailForStaff };',
      ],
    ],
    tests: [['test/specs/two-factor-settings.test.ts', 'e-mail codes are not taken from staff when that leaves no admin']],
  },
  {
    id: 'slow-refused-resend-forgives-tries',
    why: 'wrong tries taken at a resent code while the mail server took its time vanish when it refuses: the code in the inbox gets five fresh tries, again and again',
    edits: [
      [
        'server/src/modules/two-factor/two-factor.service.ts',
        'used_at = ?, failures = greatest(failures, ?), sent_at = ?',
        'used_at = ?, failures = ?, sent_at = ?',
      ],
    ],
    tests: [['test/specs/two-factor.test.ts', 'wrong tries at a resent code while the mail server took its time']],
  },
  {
    id: 'sealed-tag-cut-short',
    why: 'a sealed TOTP secret or queued mail opens with its GCM tag cut to 4 bytes: a forgery by someone who can write the database takes 2^32 tries, not 2^128',
    edits: [
      [
        'server/src/common/crypto/secret-box.ts',
        '  if (authTag.length !== TAG_LENGTH) throw',
        '  if (authTag.length === 0) throw',
      ],
      [
        'server/src/common/crypto/secret-box.ts',
        "Buffer.from(iv, 'base64url'), { authTagLength: TAG_LENGTH });",
        "Buffer.from(iv, 'base64url'));",
      ],
    ],
    tests: [['server/src/common/crypto/secret-box.test.ts', 'refuses a tag cut short']],
  },
  {
    id: 'audit-names-no-token',
    why: 'an action taken with an API token is audited under its account alone: after a leak nobody can tell which token to revoke',
    edits: [
      [
        'server/src/modules/audit/audit.service.ts',
        'const details = token ? { ...given, apiToken: { id: token.id, name: token.name } } : given;',
        'const details = given;',
      ],
    ],
    tests: [['test/specs/api-tokens.test.ts', 'an action taken with a token is audited naming the token']],
  },
  {
    id: 'reported-panel-success-known',
    why: "an integrator reporting a success under the dashboard's own service name (a leaked token) makes the address known to the password guard",
    edits: [
      [
        'server/src/modules/login-event/login-event.service.ts',
        '\n                             and reporter_id is null and ip',
        '\n                             and ip',
      ],
    ],
    tests: [['test/specs/password-guard.test.ts', 'knows an IPv6 place by its /64']],
  },
  {
    id: 'staff-id-told-to-integration',
    why: 'an integration with REPORT_LOGINS alone learns which account ids are staff (NOT_A_USER) and which are unknown (NOT_FOUND) when it marks one',
    edits: [[TFR, '(accountId == null || !hasPermission(ctx.viewer!, Permission.MANAGE_USERS))', 'accountId == null']],
    tests: [[T, 'an integrator marks a user by e-mail address']],
  },
  {
    id: 'withdrawal-leaves-approvers-waiting',
    why: 'the admins asked to approve a reset are not told it was withdrawn: they may still act on a request that is gone',
    edits: [
      [TF, '    for (const a of asked) this.mail.notify(', '    for (const a of asked.slice(asked.length)) this.mail.notify('],
    ],
    tests: [[R, 'a waiting request can be withdrawn by its requester or another admin']],
  },
  {
    id: 'withdrawal-hidden-from-requester',
    why: 'the admin who asked for a reset is not told that another admin withdrew it',
    edits: [[TF, '    if (requester) this.mail.notify(', '    if (requester && asked.length < 0) this.mail.notify(']],
    tests: [[R, 'a waiting request can be withdrawn by its requester or another admin']],
  },
  {
    id: 'api-only-shown-required',
    why: 'an API-only account’s 2FA card says 2FA is required of it, and a reset of it says its holder is led through setting it up, though it never signs in with a password',
    edits: [[TFR, '      required: required && !account.apiOnly,', '      required,']],
    tests: [[T, '"required for staff" holds sub-admins at enrollment']],
  },
  {
    id: 'registered-key-owner-told',
    why: 'a crafted registration learns that a credential id is registered to another account (ALREADY_ENABLED instead of an unverifiable response)',
    edits: [[WA, '    return row.account_id === accountId\n', '    return row.account_id !== null\n']],
    tests: [[T, 'a key registered to one account is refused for another']],
  },
  {
    id: 'reset-closes-requests-silently',
    why: 'a reset carried out another way (the CLI) closes a request still waiting for approval with no audit entry, and its requester and the admins asked are not told',
    edits: [
      [TF, '      for (const r of closedRequests) {', '      for (const r of closedRequests.slice(closedRequests.length)) {'],
    ],
    tests: [['test/specs/cli.test.ts', 'removes every factor, code, lock and request']],
  },
  {
    id: 'reset-recloses-withdrawn',
    why: 'a reset closes waiting requests against its transaction’s start: one withdrawn while it waited for the account is closed (audited, e-mailed) a second time',
    edits: [
      [
        TF,
        'set expires_at = clock_timestamp()\n          where target_id = ? and approved_at is null and expires_at > clock_timestamp()',
        'set expires_at = now()\n          where target_id = ? and approved_at is null and expires_at > now()',
      ],
    ],
    tests: [['test/specs/cli.test.ts', 'a request withdrawn while the reset waits for the account']],
  },
  {
    id: 'switch-on-locks-saver-out',
    why: 'switching 2FA on is allowed to an admin whose only factor sign-in refuses (a flagged key) and who has no recovery code: it cannot sign in again',
    edits: [
      [TFR, 'if (!(await ableToSignIn(tx, after, me)) && (await ableToSignIn(tx, before, me))) {', 'if (false as boolean) {'],
    ],
    tests: [['test/specs/two-factor-settings.test.ts', 'switching 2FA on is refused to an admin whose only factor']],
  },
  {
    id: 'switch-on-spares-saver-sessions',
    why: 'switching 2FA on again leaves every session of the admin who did it, also one someone else opened with its password alone while 2FA was off',
    edits: [
      [
        CO,
        'or (account_id = ?::uuid and id is distinct from ?::uuid',
        'or (false and account_id = ?::uuid and id is distinct from ?::uuid',
      ],
    ],
    tests: [['test/specs/two-factor-settings.test.ts', 'switched on again by an admin who signed in meanwhile']],
  },
];

/**
 * For the re-authentication mutants (one per call site, found by scripts/mutants.mjs): the spec files
 * that test each resolver's re-authentication, most likely first. A resolver not named here gets the
 * spec files that name it most.
 */
export const reauthTests = {
  updateIncidentSettings: ['security-incidents'],
  changePassword: ['two-factor', 'accounts'],
  createAccount: ['accounts', 'admin-access'],
  setPermissions: ['accounts', 'two-factor-rules'],
  deleteAccount: ['accounts', 'two-factor'],
  createNamedLocation: ['login-protection', 'protection-settings'],
  resumeSignIns: ['password-guard'],
  createApiToken: ['api-tokens'],
  markIpSafe: ['login-protection', 'protection-settings'],
  updateBruteForceSettings: ['protection-settings'],
  addAdminAccessEntries: ['admin-access'],
  removeAdminAccessEntry: ['admin-access'],
  setIpRestriction: ['admin-access'],
  requireRecentConfirmation: ['two-factor'],
  startTotpEnrollment: ['two-factor', 'two-factor-rules'],
  startEmailEnrollment: ['two-factor', 'two-factor-rules'],
  webauthnRegistrationOptions: ['two-factor', 'two-factor-rules'],
  removeWebauthnCredential: ['two-factor'],
  disableTotp: ['two-factor', 'two-factor-rules'],
  disableEmailFactor: ['two-factor'],
  generateRecoveryCodes: ['two-factor'],
  updateTwoFactorSettings: ['two-factor', 'two-factor-rules'],
  unlockSecondFactor: ['two-factor-limits', 'two-factor-rules'],
  resetTwoFactor: ['two-factor', 'two-factor-rules'],
  approveTwoFactorReset: ['two-factor', 'two-factor-rules'],
  withdrawTwoFactorReset: ['two-factor-rules'],
};
