import { randomBytes } from 'node:crypto';
import type { Browser, Locator, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answerDatabaseTimeout,
  launchBrowser,
  operationOf,
  pageClient,
  signIn as signInAndWaitForHome,
  submitPassword,
} from '../support/browser.js';
import type { TestDatabase } from '../support/database.js';
import { createAccount, login, PASSWORD, reauthenticate, uniqueEmail } from '../support/factories.js';
import { codes, type GqlClient } from '../support/graphql.js';
import type { RunningServer } from '../support/server.js';
import type { MailSink } from '../support/smtp.js';
import { startStack, type Stack } from '../support/stack.js';
import { totp } from '../support/totp.js';
import { awayFromStepEdge, enrollTotp, loginWithTotp } from '../support/two-factor.js';

const RESET = `mutation($id: ID!) { resetTwoFactor(accountId: $id) { __typename ... on ErrorResult { code } } }`;
const SETTINGS = `{ twoFactorSettings { enabled requiredForStaff emailForStaff } }`;
const SET = `mutation($i: TwoFactorSettingsInput!) { updateTwoFactorSettings(input: $i) { enabled } }`;
const IMPACT = `query($i: TwoFactorSettingsInput!) { twoFactorSettingsImpact(input: $i) {
  accountsNewlyRequired staffNewlyRequired accountsSignedOut sessionsEnded staffLeftWithoutUsableFactor staffWithoutRecoveryCode } }`;
type Impact = Record<
  | 'accountsNewlyRequired'
  | 'staffNewlyRequired'
  | 'accountsSignedOut'
  | 'sessionsEnded'
  | 'staffLeftWithoutUsableFactor'
  | 'staffWithoutRecoveryCode',
  number
>;

/** What saving `i` would do, as the API tells `client` (the dialogs must say the same numbers). */
async function impactFor(client: GqlClient, i: Record<string, unknown>): Promise<Impact> {
  const r = await client.gql(IMPACT, { i });
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data!['twoFactorSettingsImpact'] as Impact;
}

/**
 * An admin's 2FA pages in Chromium: another account's 2FA card (what it holds, a reset waiting for a
 * second admin, refusals said for their case), the pending resets card, and the system-wide settings.
 */
describe('two-factor administration in the dashboard', () => {
  let stack: Stack;
  let db: TestDatabase;
  let server: RunningServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let admin: GqlClient;
  let adminEmail: string;
  let mail: MailSink;

  beforeAll(async () => {
    stack = await startStack('two_factor_admin');
    ({ db, server, admin, adminEmail, mail } = stack);
    // An admin of more than a day, as one asking for a reset another admin must approve has to be.
    await db.query(`update account set created_at = created_at - interval '25 hours' where lower(email) = lower($1)`, [
      adminEmail,
    ]);
    ({ browser, close: closeBrowser } = await launchBrowser());
  });
  afterAll(async () => {
    await closeBrowser?.();
    await stack?.stop();
  });

  /** A browser of its own, signed in with the password (an account without 2FA), on Home. */
  async function signedIn(email: string): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await signInAndWaitForHome(page, server.url, email, PASSWORD);
    return page;
  }

  /** A browser of its own, signed in with the password and an app code from `secret` (the pop-up), on the 2FA compliance page. */
  async function onCompliancePageWithApp(email: string, secret: string): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await awayFromStepEdge();
    await submitPassword(page, server.url, email, PASSWORD);
    const popUp = page.getByRole('dialog', { name: 'Two-step verification' });
    await popUp.getByLabel('Code from your authenticator app').fill(totp(secret, 0));
    await popUp.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await page.getByRole('link', { name: '2FA compliance' }).click();
    return page;
  }

  /** An admin who had been one for more than a day: it may approve resets asked for now. */
  async function agedAdmin() {
    const a = await createAccount(server, admin, { role: 'ADMIN' });
    await db.query(`update account set created_at = created_at - interval '25 hours' where id = $1`, [a.id]);
    return a;
  }

  /** `requester` (re-authenticated here) asks to reset admin `targetId`'s 2FA: a request that waits for a second admin. */
  async function askReset(requester: GqlClient, targetId: string): Promise<void> {
    await reauthenticate(requester);
    const res = await requester.gql(RESET, { id: targetId });
    expect(res.data?.['resetTwoFactor']?.__typename, JSON.stringify(res)).toBe('TwoFactorResetPending');
  }

  /**
   * When the page asks to confirm it is you (a session's first sensitive step), confirms with the
   * password (and an app code from `secret`); then waits for `then`.
   */
  async function confirmItIsYou(page: Page, then: Locator, secret?: string): Promise<void> {
    const reauth = page.getByRole('dialog', { name: 'Confirm it is you' });
    await reauth.or(then).first().waitFor();
    if (await reauth.isVisible()) {
      await reauth.getByLabel('Password').fill(PASSWORD);
      if (secret) {
        await reauth.getByRole('button', { name: 'Next' }).click();
        await awayFromStepEdge();
        // The next step's code: the sign-in's own code was used already.
        await reauth.getByLabel('Code from your authenticator app').fill(totp(secret, 1));
      }
      await reauth.getByRole('button', { name: 'Confirm' }).click();
    }
    await then.waitFor();
  }

  /** The text a control's aria-describedby points at: what a screen reader reads with it. */
  const description = (control: Locator) =>
    control.evaluate((el) =>
      (el.getAttribute('aria-describedby') ?? '')
        .split(/\s+/)
        .map((id) => document.getElementById(id)?.textContent ?? '')
        .join(' '),
    );

  /**
   * Flips a switch as a pointer does, on its label: Playwright waits until nothing (a closing dialog's
   * overlay) covers it, where a forced click on the hidden input may land on that overlay.
   */
  const flip = (control: Locator) => control.locator('xpath=ancestor::label[1]').click();

  /** Holds the page's GraphQL operations named `operation` until `release()` (the rest pass). */
  async function holdOperation(page: Page, operation: string): Promise<{ release: () => void }> {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/graphql', async (route: Route) => {
      if (operationOf(route) === operation) await gate;
      await route.fallback();
    });
    return { release };
  }

  it('a reset waiting for a second admin stays on the target’s page (who asked, when it lapses), where an admin who may approve it does', async () => {
    const target = await createAccount(server, admin, { role: 'ADMIN' });
    await enrollTotp(target.client);
    const approver = await agedAdmin();

    const page = await signedIn(adminEmail);
    await page.goto(`${server.url}/users/${target.id}`);
    await page.getByTestId('account-two-factor').getByText('Methods: Authenticator app').waitFor();
    await page.getByRole('button', { name: 'Reset two-factor authentication' }).click();
    const question = page.getByRole('dialog', { name: `Reset the two-factor authentication of ${target.email}?` });
    // An admin's reset: the question says it may only be asked for, another admin approving it.
    await question.getByText('this only asks for the reset: one of them must approve it').waitFor();
    await question.getByRole('button', { name: 'Reset' }).click();
    await confirmItIsYou(page, page.getByText(`Another admin must approve resetting ${target.email}'s 2FA`));
    // Back later (the notice is gone): the page still says that a request waits, who asked and until when.
    await page.reload();
    const waiting = page.getByRole('status').filter({ hasText: 'Reset waiting for a second admin' });
    await waiting.getByText(/^Asked for by you on .+; it lapses .+ unless another admin approves it first\./).waitFor();
    const [request] = await db.query<{ expires_at: Date }>(
      `select expires_at from two_factor_reset_request where target_id = $1`,
      [target.id],
    );
    expect(await waiting.locator('time').nth(1).getAttribute('datetime')).toBe(request!.expires_at.toISOString());
    expect(await waiting.getByRole('button').count()).toBe(0);
    await page.context().close();

    // An admin who may approve it, on the same page: who asked, and Approve there.
    const other = await signedIn(approver.email);
    await other.goto(`${server.url}/users/${target.id}`);
    const seen = other.getByRole('status').filter({ hasText: 'Reset waiting for a second admin' });
    await seen.getByText(`Asked for by ${adminEmail} on`, { exact: false }).waitFor();
    await seen.getByRole('button', { name: `Approve reset of ${target.email}` }).click();
    await other.getByRole('dialog', { name: 'Approve the reset?' }).getByRole('button', { name: 'Approve and reset' }).click();
    await confirmItIsYou(other, other.getByText(`Two-factor authentication of ${target.email} reset`));
    await other.getByTestId('account-two-factor').getByText('No second factor set up.').waitFor();
    await seen.waitFor({ state: 'detached' });
    expect(await db.query(`select 1 from totp_authenticator where account_id = $1`, [target.id])).toEqual([]);
    await other.context().close();
  });

  it('the account page of a user whose only key is flagged, or of a sub-admin with e-mail codes while they are off for staff, shows what it holds and the recovery codes left, not “no second factor”', async () => {
    // A user whose only security key was flagged as a possible copy, with the recovery codes of its app (gone since).
    const user = await createAccount(server, admin, { role: 'USER' });
    await enrollTotp(user.client);
    await db.query(
      `insert into webauthn_credential (id, account_id, credential_id, public_key, counter, transports, name, created_at, flagged_at)
       values (gen_random_uuid(), $1::uuid, 'cred-' || $1::text, 'pk', 0, '[]', 'Desk key', now(), now())`,
      [user.id],
    );
    await db.query(`delete from totp_authenticator where account_id = $1`, [user.id]);
    // A sub-admin whose only method is e-mail codes, which staff may not use (the default).
    const staff = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['READ_INCIDENTS'] });
    await enrollTotp(staff.client);
    await db.query(
      `insert into email_factor (id, account_id, address, status, created_at, confirmed_at)
       values (gen_random_uuid(), $1, $2, 'ACTIVE', now(), now())`,
      [staff.id, uniqueEmail('codes')],
    );
    await db.query(`delete from totp_authenticator where account_id = $1`, [staff.id]);

    const page = await signedIn(adminEmail);
    const card = page.getByTestId('account-two-factor');
    await page.goto(`${server.url}/users/${user.id}`);
    await card
      .getByText(
        'No method usable at sign-in; it holds a security key blocked as a possible copy (refused at sign-in). 10 recovery codes left.',
      )
      .waitFor();
    expect(await card.getByText('No second factor set up.').count()).toBe(0);
    await page.goto(`${server.url}/users/${staff.id}`);
    await card
      .getByText(
        'No method usable at sign-in; it holds e-mail codes, not allowed for admins and sub-admins now. 10 recovery codes left.',
      )
      .waitFor();
    expect(await card.getByText('No second factor set up.').count()).toBe(0);
    await page.context().close();
  });

  it('resetting an account whose factors went meanwhile says the account has nothing left to reset, and the card then shows it', async () => {
    const user = await createAccount(server, admin, { role: 'USER' });
    await enrollTotp(user.client);
    const page = await signedIn(adminEmail);
    await page.goto(`${server.url}/users/${user.id}`);
    const card = page.getByTestId('account-two-factor');
    await card.getByText('Methods: Authenticator app').waitFor();
    // Meanwhile, in another tab: reset already.
    await reauthenticate(admin);
    expect((await admin.gql(RESET, { id: user.id })).data?.['resetTwoFactor']).toEqual({ __typename: 'TwoFactorResetDone' });

    const reset = page.getByRole('button', { name: 'Reset two-factor authentication' });
    await reset.click();
    await page
      .getByRole('dialog', { name: `Reset the two-factor authentication of ${user.email}?` })
      .getByRole('button', { name: 'Reset' })
      .click();
    await confirmItIsYou(
      page,
      page.getByRole('alert').filter({ hasText: 'This account has nothing left to reset (no method, recovery code or lock).' }),
    );
    expect(await page.getByText('This method is not set up for your account.').count()).toBe(0);
    await card.getByText('No second factor set up.').waitFor();
    await expect.poll(() => reset.isDisabled()).toBe(true);
    await page.context().close();
  });

  it('resetting an admin whose would-be approver was deleted today is refused with the date and time from which it can be done alone; nothing changes', async () => {
    // A system of its own: this file's other tests make admins of a day, who would be asked instead.
    const own = await startStack('two_factor_admin_deleted_approver');
    try {
      const target = await createAccount(own.server, own.admin, { role: 'ADMIN' });
      await enrollTotp(target.client);
      const approver = await createAccount(own.server, own.admin, { role: 'ADMIN' });
      await own.db.query(`update account set created_at = created_at - interval '25 hours' where id = $1`, [approver.id]);
      await reauthenticate(own.admin);
      const deleted = await own.admin.gql(`mutation($id: ID!) { deleteAccount(id: $id) }`, { id: approver.id });
      expect(deleted.errors, JSON.stringify(deleted.errors)).toBeUndefined();
      const [deletion] = await own.db.query<{ at: Date }>(
        `select occurred_at as at from audit_log where action = 'ACCOUNT_DELETED' and target_id = $1`,
        [approver.id],
      );
      // A day after the deletion, said to the minute (rounded up: the minute said is never too early).
      const aloneFrom = Math.ceil((deletion!.at.getTime() + 24 * 3600_000) / 60_000) * 60_000;

      const page = await (await browser.newContext()).newPage();
      await signInAndWaitForHome(page, own.server.url, own.adminEmail, PASSWORD);
      await page.goto(`${own.server.url}/users/${target.id}`);
      const card = page.getByTestId('account-two-factor');
      await card.getByText('Methods: Authenticator app').waitFor();
      await page.getByRole('button', { name: 'Reset two-factor authentication' }).click();
      await page
        .getByRole('dialog', { name: `Reset the two-factor authentication of ${target.email}?` })
        .getByRole('button', { name: 'Reset' })
        .click();
      const refusal = page.getByRole('alert').filter({ hasText: 'was deleted less than a day ago' });
      await confirmItIsYou(page, refusal);
      // The time in the reader's own format, as the rest of the dashboard writes dates.
      const when = await page.evaluate(
        (ms) => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(ms)),
        aloneFrom,
      );
      expect(await refusal.textContent()).toContain(
        `From ${when} you can reset an admin's 2FA without a second admin's approval; until then, only from the server's command line (reset-2fa).`,
      );
      await page.reload();
      await card.getByText('Methods: Authenticator app').waitFor();
      expect(await own.db.query(`select 1 from totp_authenticator where account_id = $1`, [target.id])).toHaveLength(1);
      expect(await own.db.query(`select 1 from two_factor_reset_request`)).toEqual([]);
      await page.context().close();
    } finally {
      await own.stop();
    }
  });

  it('unlocking an account unlocked meanwhile says it was not locked any more, and the card then shows it unlocked', async () => {
    const user = await createAccount(server, admin, { role: 'USER' });
    await enrollTotp(user.client);
    await db.query(
      `insert into two_factor_state (account_id, consecutive_failures, locked_at) values ($1, 100, now())
       on conflict (account_id) do update set consecutive_failures = 100, locked_at = now()`,
      [user.id],
    );
    const page = await signedIn(adminEmail);
    await page.goto(`${server.url}/users/${user.id}`);
    const card = page.getByTestId('account-two-factor');
    await card.getByText('Second-step sign-in locked').waitFor();
    // Meanwhile, in another tab: unlocked already.
    await reauthenticate(admin);
    expect(
      (await admin.gql(`mutation($id: ID!) { unlockSecondFactor(accountId: $id) }`, { id: user.id })).errors,
    ).toBeUndefined();

    const unlock = page.getByRole('button', { name: 'Unlock second-step sign-in' });
    await unlock.click();
    await confirmItIsYou(page, page.getByRole('alert').filter({ hasText: 'Second-step sign-in was not locked any more' }));
    await expect.poll(() => card.getByText('Second-step sign-in locked').count()).toBe(0);
    await expect.poll(() => unlock.isDisabled()).toBe(true);
    expect(await page.getByText('Unlocked for').count()).toBe(0);
    // Nothing changed by the refused unlock: one unlock in the audit log, the API's.
    expect(
      await db.query(`select 1 from audit_log where target_id = $1 and action = 'SECOND_FACTOR_UNLOCKED'`, [user.id]),
    ).toHaveLength(1);
    await page.context().close();
  });

  /**
   * An admin with an app whose reset another admin asked for, and a second admin of a day on the 2FA
   * compliance page with the request's Approve button in view.
   */
  async function approvalInView() {
    const target = await createAccount(server, admin, { role: 'ADMIN' });
    const { secret } = await enrollTotp(target.client);
    const requester = await agedAdmin();
    const approver = await agedAdmin();
    await askReset(requester.client, target.id);
    const page = await signedIn(approver.email);
    await page.getByRole('link', { name: '2FA compliance' }).click();
    const card = page.getByRole('region', { name: 'Resets waiting for approval' });
    const approve = card.getByRole('button', { name: `Approve reset of ${target.email}` });
    await approve.waitFor();
    return { target, secret, requester, page, approve };
  }

  it('approving a reset whose requester was disabled meanwhile says to ask for the reset again, not “reload and try again”', async () => {
    const { target, requester, page, approve } = await approvalInView();
    // Meanwhile the admin who asked is disabled.
    await reauthenticate(admin);
    const disabled = await admin.gql(`mutation($id: ID!) { setAccountDisabled(id: $id, disabled: true) { id } }`, {
      id: requester.id,
    });
    expect(disabled.errors, JSON.stringify(disabled)).toBeUndefined();

    await approve.click();
    await page.getByRole('dialog', { name: 'Approve the reset?' }).getByRole('button', { name: 'Approve and reset' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'is no longer an admin, or was disabled' });
    await refusal.getByText(/To go ahead, ask for the reset again from/).waitFor();
    await refusal.getByRole('link', { name: `${target.email}’s page` }).waitFor();
    expect(await page.getByText('Reload and try again').count()).toBe(0);
    await page.context().close();
  });

  it('approving a reset that nobody may approve (its requester was an admin of less than a day) says so, and to ask again, not “only a second admin”', async () => {
    const { target, requester, page, approve } = await approvalInView();
    // Meanwhile the request turns out to come from an admin of less than a day (as one made before
    // requesters were held to that rule): nobody can approve it.
    await db.query(`update account set created_at = now() - interval '1 hour' where id = $1`, [requester.id]);

    await approve.click();
    await page.getByRole('dialog', { name: 'Approve the reset?' }).getByRole('button', { name: 'Approve and reset' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'asked for by an admin of less than a day' });
    await confirmItIsYou(page, refusal);
    await refusal.getByText(/so nobody can approve it\. If it is still needed, ask for it again yourself from/).waitFor();
    await refusal.getByRole('link', { name: `${target.email}’s page` }).waitFor();
    expect(await page.getByText('Only a second admin can approve this reset').count()).toBe(0);
    expect(
      await db.query(`select 1 from totp_authenticator where account_id = $1 and status = 'ACTIVE'`, [target.id]),
    ).toHaveLength(1);
    await page.context().close();
  });

  it('approving a reset whose holder signed in meanwhile says the request was closed and nothing removed', async () => {
    const { target, secret, page, approve } = await approvalInView();
    // Meanwhile the holder found the phone and signs in with it.
    await awayFromStepEdge();
    await loginWithTotp(server, target.email, secret, 0);

    await approve.click();
    await page.getByRole('dialog', { name: 'Approve the reset?' }).getByRole('button', { name: 'Approve and reset' }).click();
    const refusal = page
      .getByRole('alert')
      .filter({ hasText: `${target.email} signed in, or set up a method or new recovery codes` });
    await confirmItIsYou(page, refusal);
    await refusal
      .getByText(/the request was closed and nothing was removed\. If a reset is still needed, ask for it again from/)
      .waitFor();
    await refusal.getByRole('link', { name: `${target.email}’s page` }).waitFor();
    // The closed request is no longer offered.
    await expect.poll(() => approve.count()).toBe(0);
    expect(
      await db.query(`select 1 from totp_authenticator where account_id = $1 and status = 'ACTIVE'`, [target.id]),
    ).toHaveLength(1);
    await page.context().close();
  });

  it('the reset question says the next sign-in needs only the password, unless 2FA is required of the account', async () => {
    const user = await createAccount(server, admin, { role: 'USER' });
    await enrollTotp(user.client);
    const page = await signedIn(adminEmail);
    const ask = async () => {
      await page.goto(`${server.url}/users/${user.id}`);
      await page.getByTestId('account-two-factor').getByText('Methods: Authenticator app').waitFor();
      await page.getByRole('button', { name: 'Reset two-factor authentication' }).click();
      const question = page.getByRole('dialog', { name: `Reset the two-factor authentication of ${user.email}?` });
      await question.waitFor();
      const text = await question.innerText();
      await question.getByRole('button', { name: 'Cancel' }).click();
      await question.waitFor({ state: 'detached' });
      return text;
    };
    const unmarked = await ask();
    expect(unmarked).toContain('Their next sign-in needs only the password, until they set up a method again.');
    expect(unmarked).not.toContain('set up two-factor authentication again at their next sign-in');

    const marked = await admin.gql(`mutation($id: ID!) { setRequiresTwoFactor(accountId: $id, required: true) { accountId } }`, {
      id: user.id,
    });
    expect(marked.errors, JSON.stringify(marked)).toBeUndefined();
    const required = await ask();
    expect(required).toContain('They are led through setting up two-factor authentication again right after their password.');
    expect(required).not.toContain('needs only the password');

    // Switched off on this page, the question follows at once (no reload in between).
    const mark = page.getByRole('switch', { name: 'Require two-factor authentication' });
    await expect.poll(() => mark.isChecked()).toBe(true);
    // The card's answer comes back slowly: the change is reported done only once it has.
    const slow = await holdOperation(page, 'AccountTwoFactor');
    await flip(mark);
    await page.waitForTimeout(1_000);
    expect(await page.getByText(`${user.email} no longer has to use two-factor authentication.`).count()).toBe(0);
    slow.release();
    await page.getByText(`${user.email} no longer has to use two-factor authentication.`).waitFor();
    await page.getByRole('button', { name: 'Reset two-factor authentication' }).click();
    const question = page.getByRole('dialog', { name: `Reset the two-factor authentication of ${user.email}?` });
    await question.getByText('Their next sign-in needs only the password, until they set up a method again.').waitFor();
    await page.context().close();
  });

  it('switching 2FA off for everyone, or requiring it for staff, asks first and says what happens; nothing changes until confirmed; requiring it while you hold no method is refused at once, unasked', async () => {
    const page = await signedIn(adminEmail);
    await page.getByRole('link', { name: '2FA compliance' }).click();
    const settings = page.getByRole('region', { name: 'Two-factor authentication, system-wide' });
    const stored = async () => (await admin.gql(SETTINGS)).data!['twoFactorSettings'];
    const staffQuestion = 'Require two-factor authentication for admins and sub-admins?';
    try {
      const enabled = settings.getByRole('switch', { name: /^Two-factor authentication/ });
      await flip(enabled);
      const off = page.getByRole('dialog', { name: 'Switch off two-factor authentication for everyone?' });
      await off.getByText(/Nobody is asked for a second step at sign-in any more/).waitFor();
      expect((await stored()).enabled).toBe(true);
      await off.getByRole('button', { name: 'Cancel' }).click();
      await off.waitFor({ state: 'detached' });
      expect(await enabled.isChecked()).toBe(true);

      // This admin holds no method: requiring 2FA of staff would sign it out too, and the save refuses
      // that. Refused at once, as the save would refuse it, instead of a question whose answer is a refusal.
      const forStaff = settings.getByRole('switch', { name: 'Require 2FA for admins and sub-admins' });
      await flip(forStaff);
      const refusal = page.getByRole('alert').filter({ hasText: 'Not saved' });
      await refusal.getByText('This would require two-step sign-in of your own account, which has no method set up.').waitFor();
      expect(await page.getByRole('dialog', { name: staffQuestion }).count()).toBe(0);
      expect(await forStaff.isChecked()).toBe(false);
      // The switch waited, disabled, while the server was asked: the focus is back on it, not on the page.
      await expect.poll(() => forStaff.evaluate((el) => el === document.activeElement)).toBe(true);
      expect(await stored()).toEqual({ enabled: true, requiredForStaff: false, emailForStaff: false });

      // An admin with an authenticator app is asked, with the numbers: two more sub-admins without a
      // method, signed in, are counted with the others.
      const me = await createAccount(server, admin, { role: 'ADMIN' });
      const { secret } = await enrollTotp(me.client);
      const earlier = await impactFor(me.client, { requiredForStaff: true });
      await reauthenticate(admin);
      for (let i = 0; i < 2; i++) await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['READ_AUDIT_LOG'] });
      const told = await impactFor(me.client, { requiredForStaff: true });
      expect(told.staffNewlyRequired).toBe(earlier.staffNewlyRequired + 2);
      expect(told.accountsSignedOut).toBe(earlier.accountsSignedOut + 2);
      const mine = await onCompliancePageWithApp(me.email, secret);
      const mineForStaff = mine
        .getByRole('region', { name: 'Two-factor authentication, system-wide' })
        .getByRole('switch', { name: 'Require 2FA for admins and sub-admins' });
      await flip(mineForStaff);
      const staff = mine.getByRole('dialog', { name: staffQuestion });
      await staff.getByText(`${told.staffNewlyRequired} admins or sub-admins have no method they can use`).waitFor();
      expect(await staff.innerText()).toContain(
        `${told.accountsSignedOut} accounts signed in now are signed out at once, everywhere (${told.sessionsEnded} sessions).`,
      );
      expect((await stored()).requiredForStaff).toBe(false);
      await staff.getByRole('button', { name: 'Cancel' }).click();
      await staff.waitFor({ state: 'detached' });
      expect(await mineForStaff.isChecked()).toBe(false);
      // The question's dialog gives the focus back to the switch it was asked from, not to the page.
      await expect.poll(() => mineForStaff.evaluate((el) => el === document.activeElement)).toBe(true);
      expect(await stored()).toEqual({ enabled: true, requiredForStaff: false, emailForStaff: false });
      await mine.context().close();

      // Confirmed: switched off.
      await flip(enabled);
      await off.getByRole('button', { name: 'Switch off' }).click();
      await confirmItIsYou(page, page.getByText('Two-factor settings saved.').first());
      expect((await stored()).enabled).toBe(false);
    } finally {
      await reauthenticate(admin);
      expect((await admin.gql(SET, { i: { enabled: true } })).errors).toBeUndefined();
    }
    await page.context().close();
  });

  it('switching 2FA on asks first when its policies would sign people out, and says how many; nothing changes until confirmed', async () => {
    await reauthenticate(admin);
    expect((await admin.gql(SET, { i: { enabled: false } })).errors).toBeUndefined();
    try {
      // Marked while 2FA is off: nothing is owed yet, and they stay signed in.
      const users = [await createAccount(server, admin, { role: 'USER' }), await createAccount(server, admin, { role: 'USER' })];
      for (const u of users) {
        const r = await admin.gql(`mutation($id: ID!) { setRequiresTwoFactor(accountId: $id, required: true) { accountId } }`, {
          id: u.id,
        });
        expect(r.errors, JSON.stringify(r)).toBeUndefined();
      }
      const told = await impactFor(admin, { enabled: true });
      const marked = told.accountsNewlyRequired - told.staffNewlyRequired;
      expect(marked).toBeGreaterThanOrEqual(2);

      const page = await signedIn(adminEmail);
      await page.getByRole('link', { name: '2FA compliance' }).click();
      const settings = page.getByRole('region', { name: 'Two-factor authentication, system-wide' });
      const enabled = settings.getByRole('switch', { name: /^Two-factor authentication/ });
      await flip(enabled);
      const on = page.getByRole('dialog', { name: 'Switch on two-factor authentication?' });
      await on.getByText(`${marked} users marked as requiring 2FA`).waitFor();
      expect(await on.innerText()).toContain(
        `${told.accountsSignedOut} accounts signed in now are signed out at once, everywhere (${told.sessionsEnded} sessions).`,
      );
      await on.getByRole('button', { name: 'Cancel' }).click();
      await on.waitFor({ state: 'detached' });
      expect(await enabled.isChecked()).toBe(false);
      expect((await admin.gql(SETTINGS)).data!['twoFactorSettings'].enabled).toBe(false);
      for (const u of users) expect((await u.client.gql(`{ me { id } }`)).data!['me']).not.toBeNull();

      await flip(enabled);
      await on.getByRole('button', { name: 'Switch on' }).click();
      await page.getByText('Two-factor settings saved.').first().waitFor();
      expect((await admin.gql(SETTINGS)).data!['twoFactorSettings'].enabled).toBe(true);
      for (const u of users) expect((await u.client.gql(`{ me { id } }`)).data!['me']).toBeNull();
      await page.context().close();
    } finally {
      await reauthenticate(admin);
      expect((await admin.gql(SET, { i: { enabled: true } })).errors).toBeUndefined();
    }
  });

  /**
   * An admin with an app (re-authenticated with a recovery code, as `confirmWithCode` does again), and
   * two sub-admins whose only method is e-mail codes, signed in.
   */
  async function adminAndEmailOnlyStaff() {
    const me = await createAccount(server, admin, { role: 'ADMIN' });
    const { secret, recoveryCodes } = await enrollTotp(me.client);
    await reauthenticate(admin);
    const mailOnly = [];
    for (let i = 0; i < 2; i++) {
      const a = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['READ_AUDIT_LOG'] });
      await db.query(
        `insert into email_factor (id, account_id, address, status, created_at, confirmed_at)
         values (gen_random_uuid(), $1, $2, 'ACTIVE', now(), now())`,
        [a.id, uniqueEmail('codes')],
      );
      mailOnly.push(a);
    }
    const confirmWithCode = async () => {
      const r = await me.client.gql(`mutation($i: ReauthenticateInput!) { reauthenticate(input: $i) { __typename } }`, {
        i: { password: PASSWORD, secondFactor: { method: 'RECOVERY_CODE', code: recoveryCodes.pop()! } },
      });
      expect(r.data?.['reauthenticate']?.__typename, JSON.stringify(r)).toBe('ReauthSuccess');
    };
    await confirmWithCode();
    return { me, secret, mailOnly, confirmWithCode };
  }

  it('with 2FA required of staff, no longer accepting e-mail codes from them asks first and says whom it signs out', async () => {
    const { me, secret, mailOnly, confirmWithCode } = await adminAndEmailOnlyStaff();
    // Required of staff, e-mail codes allowed for them: the first admin (no method) is signed out.
    expect((await me.client.gql(SET, { i: { requiredForStaff: true, emailForStaff: true } })).errors).toBeUndefined();
    try {
      const told = await impactFor(me.client, { emailForStaff: false });
      expect(told.staffNewlyRequired).toBeGreaterThanOrEqual(2);
      const page = await onCompliancePageWithApp(me.email, secret);
      const settings = page.getByRole('region', { name: 'Two-factor authentication, system-wide' });
      const email = settings.getByRole('switch', { name: 'Allow e-mail codes for admins and sub-admins' });
      await flip(email);
      const question = page.getByRole('dialog', { name: 'Stop accepting e-mail codes from admins and sub-admins?' });
      await question.getByText(`${told.staffNewlyRequired} admins or sub-admins have no method they can use`).waitFor();
      expect(await question.innerText()).toContain(
        `${told.accountsSignedOut} accounts signed in now are signed out at once, everywhere (${told.sessionsEnded} sessions).`,
      );
      await question.getByRole('button', { name: 'Cancel' }).click();
      await question.waitFor({ state: 'detached' });
      expect(await email.isChecked()).toBe(true);
      for (const a of mailOnly) expect((await a.client.gql(`{ me { id } }`)).data!['me']).not.toBeNull();

      await flip(email);
      await question.getByRole('button', { name: 'Stop accepting them' }).click();
      await page.getByText('Two-factor settings saved.').first().waitFor();
      expect((await me.client.gql(SETTINGS)).data!['twoFactorSettings'].emailForStaff).toBe(false);
      for (const a of mailOnly) expect((await a.client.gql(`{ me { id } }`)).data!['me']).toBeNull();
      await page.context().close();
    } finally {
      await confirmWithCode();
      const r = await me.client.gql(SET, { i: { requiredForStaff: false, emailForStaff: false } });
      expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
      // The first admin signed in again, as the tests before left it.
      await login(admin, adminEmail);
    }
  });

  it('with 2FA not required of staff, no longer accepting e-mail codes from them still asks first, and says who is left with only recovery codes', async () => {
    const { me, secret, mailOnly, confirmWithCode } = await adminAndEmailOnlyStaff();
    expect((await me.client.gql(SET, { i: { requiredForStaff: false, emailForStaff: true } })).errors).toBeUndefined();
    try {
      const told = await impactFor(me.client, { emailForStaff: false });
      expect(told.staffLeftWithoutUsableFactor).toBeGreaterThanOrEqual(2);
      const page = await onCompliancePageWithApp(me.email, secret);
      const settings = page.getByRole('region', { name: 'Two-factor authentication, system-wide' });
      const email = settings.getByRole('switch', { name: 'Allow e-mail codes for admins and sub-admins' });
      await flip(email);
      const question = page.getByRole('dialog', { name: 'Stop accepting e-mail codes from admins and sub-admins?' });
      await question
        .getByText(
          `Of the admins and sub-admins, ${told.staffLeftWithoutUsableFactor} sign in with e-mail codes only: at the next sign-in they are asked for a recovery code instead.`,
        )
        .waitFor();
      expect(await question.innerText()).toMatch(
        /recovery code left: refused until an admin resets their two-factor authentication/,
      );
      await question.getByRole('button', { name: 'Cancel' }).click();
      await question.waitFor({ state: 'detached' });
      expect(await email.isChecked()).toBe(true);
      expect((await me.client.gql(SETTINGS)).data!['twoFactorSettings'].emailForStaff).toBe(true);

      await flip(email);
      await question.getByRole('button', { name: 'Stop accepting them' }).click();
      await page.getByText('Two-factor settings saved.').first().waitFor();
      expect((await me.client.gql(SETTINGS)).data!['twoFactorSettings'].emailForStaff).toBe(false);
      // Not required of them: nobody is signed out for it.
      for (const a of mailOnly) expect((await a.client.gql(`{ me { id } }`)).data!['me']).not.toBeNull();
      await page.context().close();
    } finally {
      await confirmWithCode();
      const r = await me.client.gql(SET, { i: { requiredForStaff: false, emailForStaff: false } });
      expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
      await login(admin, adminEmail);
    }
  });

  /**
   * `toggle` flipped is refused at once, unasked, with `sentence`: a refusal reason's own sentence, not
   * the code's (which is about IP access lists). The switch stays as it was.
   */
  async function refusedAtOnce(page: Page, toggle: Locator, sentence: string): Promise<void> {
    const was = await toggle.isChecked();
    await flip(toggle);
    const refusal = page.getByRole('alert').filter({ hasText: 'Not saved' });
    await refusal.getByText(sentence).waitFor();
    expect(await refusal.innerText()).not.toMatch(/access list/i);
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await toggle.isChecked()).toBe(was);
  }

  it('turning e-mail codes off for staff while they are your own only method is refused at once, unasked, with that reason’s own sentence', async () => {
    // An admin whose only method is e-mail codes, which staff may use.
    const me = await createAccount(server, admin, { role: 'ADMIN' });
    const address = uniqueEmail('own-codes');
    await db.query(
      `insert into email_factor (id, account_id, address, status, created_at, confirmed_at)
       values (gen_random_uuid(), $1, $2, 'ACTIVE', now(), now())`,
      [me.id, address],
    );
    await reauthenticate(admin);
    expect((await admin.gql(SET, { i: { emailForStaff: true } })).errors).toBeUndefined();
    try {
      const page = await (await browser.newContext()).newPage();
      const since = mail.count();
      await submitPassword(page, server.url, me.email, PASSWORD);
      // E-mail codes its only method: the pop-up sends the code by itself.
      const popUp = page.getByRole('dialog', { name: 'Two-step verification' });
      await popUp.getByLabel('Code from the e-mail').fill(await mail.codeFor(address, since));
      await popUp.getByRole('button', { name: 'Verify' }).click();
      await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
      await page.getByRole('link', { name: '2FA compliance' }).click();
      const settings = page.getByRole('region', { name: 'Two-factor authentication, system-wide' });
      const email = settings.getByRole('switch', { name: 'Allow e-mail codes for admins and sub-admins' });
      await expect.poll(() => email.isChecked()).toBe(true);
      await refusedAtOnce(
        page,
        email,
        'Your own second factor is e-mail codes: set up an authenticator app or a security key before turning them off for admins.',
      );
      expect((await admin.gql(SETTINGS)).data!['twoFactorSettings'].emailForStaff).toBe(true);
      await page.context().close();
    } finally {
      await reauthenticate(admin);
      expect((await admin.gql(SET, { i: { emailForStaff: false } })).errors).toBeUndefined();
    }
  });

  it('switching 2FA on while your only method would then be refused (a key flagged as a copy) is refused at once, unasked, with that reason’s own sentence', async () => {
    // An admin whose only method is a security key flagged as a possible copy, with no recovery code,
    // while 2FA is off for the system: signed in with the password alone now, refused once 2FA is on.
    const me = await createAccount(server, admin, { role: 'ADMIN' });
    await db.query(
      `insert into webauthn_credential (id, account_id, credential_id, public_key, counter, transports, name, created_at, flagged_at)
       values (gen_random_uuid(), $1::uuid, 'cred-' || $1::text, 'pk', 0, '[]', 'Desk key', now(), now())`,
      [me.id],
    );
    await reauthenticate(admin);
    expect((await admin.gql(SET, { i: { enabled: false } })).errors).toBeUndefined();
    try {
      const page = await signedIn(me.email);
      await page.getByRole('link', { name: '2FA compliance' }).click();
      const settings = page.getByRole('region', { name: 'Two-factor authentication, system-wide' });
      const enabled = settings.getByRole('switch', { name: /^Two-factor authentication/ });
      await expect.poll(() => enabled.isChecked()).toBe(false);
      await refusedAtOnce(
        page,
        enabled,
        'You could not sign in afterwards: your only second factor would be refused (e-mail codes while they are off for admins, or a security key flagged as a copy) and you have no recovery code left. Set up an authenticator app or a security key first.',
      );
      expect((await admin.gql(SETTINGS)).data!['twoFactorSettings'].enabled).toBe(false);
      await page.context().close();
    } finally {
      await reauthenticate(admin);
      expect((await admin.gql(SET, { i: { enabled: true } })).errors).toBeUndefined();
    }
  });

  it('after switching 2FA off, the next confirmation on the same page asks only for the password (your own methods are read again)', async () => {
    const me = await createAccount(server, admin, { role: 'ADMIN' });
    const { secret } = await enrollTotp(me.client);
    const someone = await createAccount(server, admin, { role: 'USER' });
    const page = await onCompliancePageWithApp(me.email, secret);
    const settings = page.getByRole('region', { name: 'Two-factor authentication, system-wide' });
    try {
      await flip(settings.getByRole('switch', { name: /^Two-factor authentication/ }));
      // (Asked first since that was fixed; this test is about what comes after.)
      const question = page.getByRole('dialog', { name: 'Switch off two-factor authentication for everyone?' });
      await question
        .or(page.getByRole('dialog', { name: 'Confirm it is you' }))
        .first()
        .waitFor();
      if (await question.isVisible()) await question.getByRole('button', { name: 'Switch off' }).click();
      await confirmItIsYou(page, page.getByText('Two-factor settings saved.').first(), secret);
      expect((await admin.gql(SETTINGS)).data!['twoFactorSettings'].enabled).toBe(false);

      // Minutes later: the confirmation has lapsed (until the server has heard of it, probed with a
      // reset of an account that holds nothing, which changes nothing either way).
      await db.query(`update session set reauth_at = now() - interval '1 hour' where account_id = $1`, [me.id]);
      const asPage = await pageClient(page, server.url);
      await expect
        .poll(async () => codes(await asPage.gql(RESET, { id: someone.id })), { interval: 50 })
        .toEqual(['REAUTH_REQUIRED']);

      // A weakening change: the confirmation asks for the password alone (2FA is off: no code is wanted).
      await flip(settings.getByRole('switch', { name: 'Allow e-mail codes for admins and sub-admins' }));
      const reauth = page.getByRole('dialog', { name: 'Confirm it is you' });
      await reauth.getByLabel('Password').fill(PASSWORD);
      const next = reauth.getByRole('button', { name: /^(Next|Confirm)$/ });
      await next.waitFor();
      expect(await next.textContent()).toBe('Confirm');
      await next.click();
      await expect.poll(async () => (await admin.gql(SETTINGS)).data!['twoFactorSettings'].emailForStaff).toBe(true);
    } finally {
      await reauthenticate(admin);
      expect((await admin.gql(SET, { i: { enabled: true, emailForStaff: false } })).errors).toBeUndefined();
    }
    await page.context().close();
  });

  it('at 375 px wide the compliance table scrolls sideways within its card, and a waiting reset’s Approve button is shown whole', async () => {
    const target = await createAccount(server, admin, {
      role: 'ADMIN',
      email: `a-rather-long-admin-address-${randomBytes(4).toString('hex')}@example.test`,
    });
    await enrollTotp(target.client);
    const approver = await agedAdmin();
    await askReset(admin, target.id);

    const page = await signedIn(approver.email);
    await page.goto(`${server.url}/security/two-factor`);
    await page.setViewportSize({ width: 375, height: 800 });
    const card = page.getByRole('region', { name: 'Resets waiting for approval' });
    const approve = card.getByRole('button', { name: `Approve reset of ${target.email}` });
    await approve.waitFor();
    // Its label is not cut off (a whole address in a button that cannot wrap was), and it lies in its card.
    const clipped = await approve.evaluate((b) =>
      [b, ...Array.from(b.querySelectorAll('*'))].some((e) => e.scrollWidth > e.clientWidth),
    );
    expect.soft(clipped).toBe(false);
    const box = (await approve.boundingBox())!;
    const within = (await card.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(within.x);
    expect(box.x + box.width).toBeLessThanOrEqual(within.x + within.width);

    // The table's last column, cut off at its card's edge, comes into view when the table is scrolled
    // sideways (as a finger or a trackpad does); the page itself does not scroll sideways.
    const table = page.getByRole('table', { name: '2FA status per account' });
    const email = table.getByText(target.email);
    await email.scrollIntoViewIfNeeded();
    const lastCell = table.getByRole('row').filter({ hasText: target.email }).getByRole('cell').last();
    const report = table.locator('xpath=ancestor::*[contains(@class, "mantine-Card-root")][1]');
    const edge = await report.evaluate((c) => c.getBoundingClientRect().right);
    expect(edge).toBeLessThanOrEqual(375);
    const start = (await email.boundingBox())!;
    await page.mouse.move(start.x + 10, start.y + start.height / 2);
    await expect
      .poll(async () => {
        await page.mouse.wheel(200, 0);
        const cell = (await lastCell.boundingBox())!;
        return cell.x + cell.width <= edge;
      })
      .toBe(true);
    expect(await page.evaluate(() => [window.scrollX, document.documentElement.scrollWidth])).toEqual([0, 375]);
    await page.context().close();
  });

  it('the pending resets card shows a failed query instead of vanishing', async () => {
    const page = await signedIn(adminEmail);
    await page.route('**/graphql', (route) =>
      operationOf(route) === 'PendingTwoFactorResets' ? answerDatabaseTimeout(route) : route.fallback(),
    );
    await page.getByRole('link', { name: '2FA compliance' }).click();
    const card = page.getByRole('region', { name: 'Resets waiting for approval' });
    const failed = card.getByRole('alert').filter({ hasText: 'Could not load the resets waiting for approval' });
    await failed.getByText('The server is waiting on its database. Try again in a moment.').waitFor();
    await failed.getByRole('button', { name: 'Try again' }).waitFor();
    await page.context().close();
  });

  it('a waiting reset can be withdrawn from the card: asked first, then gone from the list (the focus on the card’s heading), the target told', async () => {
    const target = await createAccount(server, admin, { role: 'ADMIN' });
    await enrollTotp(target.client);
    const requester = await agedAdmin();
    // This request is the only one waiting (earlier tests' are closed), so that withdrawing it empties the list.
    await db.query(`update two_factor_reset_request set expires_at = now() where approved_at is null and expires_at > now()`);
    await askReset(requester.client, target.id);
    const since = stack.mail.count();

    const page = await signedIn(requester.email);
    await page.getByRole('link', { name: '2FA compliance' }).click();
    const card = page.getByRole('region', { name: 'Resets waiting for approval' });
    const withdraw = card.getByRole('button', { name: `Withdraw reset of ${target.email}` });
    await withdraw.click();
    const dialog = page.getByRole('dialog', { name: 'Withdraw the reset request?' });
    await dialog.getByText(`nothing of ${target.email} changes`).waitFor();
    await dialog.getByRole('button', { name: 'Withdraw' }).click();
    // A recent re-authentication first (the session's sign-in does not count), then it goes.
    await confirmItIsYou(page, page.getByText(`The reset request for ${target.email} was withdrawn.`));
    await withdraw.waitFor({ state: 'detached' });
    // The focus, gone with the row's button, is on the card's heading, and the card stays, saying that
    // nothing else waits.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent?.trim()))
      .toBe('Resets waiting for a second admin');
    await card.getByText('No other reset waits.').waitFor();
    expect(
      await db.query(
        `select 1 from two_factor_reset_request where target_id = $1 and approved_at is null and expires_at > now()`,
        [target.id],
      ),
    ).toEqual([]);
    await stack.mail.waitFor(target.email, (m) => /was withdrawn/i.test(m.subject), since);
    await page.context().close();
  });

  it('the admin a waiting reset is against, disabling its requester, is told why not in words, not “no permission”', async () => {
    const target = await createAccount(server, admin, { role: 'ADMIN' });
    const { secret } = await enrollTotp(target.client);
    const requester = await agedAdmin();
    await agedAdmin();
    await askReset(requester.client, target.id);

    const page = await onCompliancePageWithApp(target.email, secret);
    await page.getByRole('heading', { level: 1, name: 'Two-factor authentication' }).waitFor();
    await page.goto(`${server.url}/users`);
    await page.getByLabel('Search').fill(requester.email);
    await page.getByRole('button', { name: `Disable ${requester.email}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Disable account?' });
    await dialog.getByRole('button', { name: 'Disable account' }).click();
    await dialog
      .getByRole('alert')
      .getByText(/asked for a reset of your own two-factor authentication, which waits for approval: .* Another admin can\./)
      .waitFor();
    expect(await dialog.getByText('You do not have permission to do this.').count()).toBe(0);
    expect(await db.query(`select disabled_at from account where id = $1`, [requester.id])).toEqual([{ disabled_at: null }]);
    await page.context().close();
  });

  it('a withdrawal done is said as done, and its button freed, when the list cannot be read again afterwards', async () => {
    const target = await createAccount(server, admin, { role: 'ADMIN' });
    await enrollTotp(target.client);
    const requester = await agedAdmin();
    await askReset(requester.client, target.id);

    const page = await signedIn(requester.email);
    // Once the withdrawal went through, the list's re-read fails (the database slow for a moment).
    let withdrawn = false;
    await page.route('**/graphql', async (route) => {
      const op = operationOf(route);
      if (op === 'WithdrawTwoFactorReset') {
        const response = await route.fetch();
        withdrawn = ((await response.json()) as { data?: unknown }).data != null;
        return route.fulfill({ response });
      }
      if (op !== 'PendingTwoFactorResets' || !withdrawn) return route.fallback();
      await answerDatabaseTimeout(route);
    });
    await page.getByRole('link', { name: '2FA compliance' }).click();
    const card = page.getByRole('region', { name: 'Resets waiting for approval' });
    const withdraw = card.getByRole('button', { name: `Withdraw reset of ${target.email}` });
    await withdraw.click();
    await page.getByRole('dialog', { name: 'Withdraw the reset request?' }).getByRole('button', { name: 'Withdraw' }).click();
    await confirmItIsYou(page, page.getByText(`The reset request for ${target.email} was withdrawn.`));
    expect(withdrawn).toBe(true);
    // The list stays as last read; its button spins no longer (a second press is answered: gone), and
    // nothing says the withdrawal failed.
    await expect.poll(() => withdraw.getAttribute('data-loading')).toBeNull();
    expect(await withdraw.isEnabled()).toBe(true);
    expect(await page.getByText('Withdraw failed').count()).toBe(0);
    await page.context().close();
  });

  it('approving one waiting reset spins only its own Approve button, and leaves the focus on the card’s heading; the card’s title fits requests you cannot approve', async () => {
    const first = await createAccount(server, admin, { role: 'ADMIN' });
    const second = await createAccount(server, admin, { role: 'ADMIN' });
    await enrollTotp(first.client);
    await enrollTotp(second.client);
    const approver = await agedAdmin();
    await askReset(admin, first.id);
    await askReset(admin, second.id);

    const page = await signedIn(approver.email);
    const held = await holdOperation(page, 'ApproveTwoFactorReset');
    await page.getByRole('link', { name: '2FA compliance' }).click();
    const card = page.getByRole('region', { name: 'Resets waiting for approval' });
    const approveFirst = card.getByRole('button', { name: `Approve reset of ${first.email}` });
    const approveSecond = card.getByRole('button', { name: `Approve reset of ${second.email}` });
    await approveSecond.waitFor();
    // It lists requests you asked for, about yourself, or may not approve, too.
    expect.soft(await card.getByRole('heading', { level: 2 }).textContent()).toBe('Resets waiting for a second admin');
    await approveFirst.click();
    await page.getByRole('dialog', { name: 'Approve the reset?' }).getByRole('button', { name: 'Approve and reset' }).click();
    // While the first approval is on its way: its button is busy, the other one is not.
    await expect.poll(() => approveFirst.getAttribute('data-loading')).toBe('true');
    expect(await approveSecond.isEnabled()).toBe(true);
    expect(await approveSecond.getAttribute('data-loading')).toBeNull();
    held.release();
    await confirmItIsYou(page, page.getByText(`Two-factor authentication of ${first.email} reset`));
    await approveFirst.waitFor({ state: 'detached' });
    expect(await approveSecond.isEnabled()).toBe(true);
    // The focus, gone with the approved row's button, is on the card's heading.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent?.trim()))
      .toBe('Resets waiting for a second admin');
    await page.context().close();
  });

  it('informational notes about waiting resets and missing 2FA are statuses, not alerts', async () => {
    const target = await createAccount(server, admin, { role: 'ADMIN' });
    await enrollTotp(target.client);
    await agedAdmin();
    await askReset(admin, target.id);
    const marked = await createAccount(server, admin, { role: 'USER' });
    await db.query(`update account set requires_two_factor = true where id = $1`, [marked.id]);

    const page = await signedIn(adminEmail);
    await page.getByRole('link', { name: '2FA compliance' }).click();
    const card = page.getByRole('region', { name: 'Resets waiting for approval' });
    await card.getByRole('status').filter({ hasText: 'You asked: another admin approves.' }).first().waitFor();
    await page.getByRole('status').filter({ hasText: 'must use 2FA and have none' }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    // The target's page says so too, as a status.
    await page.goto(`${server.url}/users/${target.id}`);
    await page.getByRole('status').filter({ hasText: 'Reset waiting for a second admin' }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.context().close();
  });

  it('while 2FA is off for the system, the requires-2FA switch says it takes effect only once 2FA is switched on', async () => {
    const user = await createAccount(server, admin, { role: 'USER' });
    await reauthenticate(admin);
    expect((await admin.gql(SET, { i: { enabled: false } })).errors).toBeUndefined();
    const page = await signedIn(adminEmail);
    try {
      await page.goto(`${server.url}/users/${user.id}`);
      await page.getByTestId('account-two-factor').waitFor();
      const required = page.getByRole('switch', { name: 'Require two-factor authentication' });
      await expect
        .poll(() => description(required))
        .toContain('Takes effect only when two-factor authentication is switched on for the system (it is off now).');
      await flip(required);
      await page.getByText(`${user.email} must use two-factor authentication once it is switched on for the system.`).waitFor();
    } finally {
      await reauthenticate(admin);
      expect((await admin.gql(SET, { i: { enabled: true } })).errors).toBeUndefined();
    }
    await page.context().close();
  });
});
