import pg from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addVirtualAuthenticator, launchBrowser, submitPassword } from '../support/browser.js';
import type { TestDatabase } from '../support/database.js';
import { startStack, type Stack } from '../support/stack.js';
import { CREATE_ACCOUNT, createAccount, PASSWORD, reauthenticate, uniqueEmail } from '../support/factories.js';
import { codes, GqlClient } from '../support/graphql.js';
import type { RunningServer } from '../support/server.js';
import type { MailSink } from '../support/smtp.js';
import { totp } from '../support/totp.js';
import { awayFromStepEdge, enrollTotp, loginStep, Q } from '../support/two-factor.js';

/** The Security page and the sign-in pop-up, driven in Chromium. */
describe('two-factor authentication in the dashboard', () => {
  let stack: Stack;
  let db: TestDatabase;
  let server: RunningServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let admin: GqlClient;
  let adminEmail: string;
  let mail: MailSink;

  beforeAll(async () => {
    stack = await startStack('two_factor_browser');
    ({ db, mail, server, admin, adminEmail } = stack);
    // An admin of more than a day, as one asking for a reset another admin must approve has to be.
    await db.query(`update account set created_at = created_at - interval '25 hours' where id = $1`, [stack.adminId]);
    ({ browser, close: closeBrowser } = await launchBrowser());
  });
  afterAll(async () => {
    await closeBrowser?.();
    await stack?.stop();
  });

  /** E-mail and password sent from the login page (a second step, or Home, comes next). */
  const signIn = (page: Page, email: string, password = PASSWORD) => submitPassword(page, server.url, email, password);
  const withAuthenticator = addVirtualAuthenticator;

  /** A new user, signed in in a browser of its own and gone from Home to the Security page. */
  async function newUserOnSecurityPage(): Promise<{ email: string; page: Page }> {
    const { email } = await createAccount(server, admin, { role: 'USER' });
    const page = await (await browser.newContext()).newPage();
    await signIn(page, email);
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await page.getByRole('link', { name: 'Security', exact: true }).click();
    return { email, page };
  }

  async function signOut(page: Page): Promise<void> {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  }

  it('enables the authenticator app from the Security page, then signs in with the pop-up (app code, then a recovery code)', async () => {
    const { email } = await createAccount(server, admin, { role: 'USER' });
    const page = await (await browser.newContext()).newPage();
    await signIn(page, email);
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    // Home tells them 2FA is off and leads them to set it up.
    const card = page.getByTestId('home-two-factor');
    await card.getByText('Two-factor authentication is off').waitFor();
    await card.getByRole('link', { name: 'Set up two-factor authentication' }).click();
    await page.getByText('Two-factor authentication off').waitFor();
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    await page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
    const secret = (await page.getByTestId('totp-secret').textContent())!.replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);

    // A wrong code leaves 2FA off and says why.
    const code = totp(secret, -1);
    await page.getByLabel('Code from the app').fill(code === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByRole('alert').getByText('That code is not right').waitFor();

    await awayFromStepEdge();
    await page.getByLabel('Code from the app').fill(totp(secret, -1));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByText('Two-factor authentication on').waitFor();
    const codes = (await page.getByTestId('recovery-codes').locator('p').allTextContents()).map((c) => c.trim());
    expect(codes).toHaveLength(10);
    await page.getByText('10 of 10 recovery codes left.').waitFor();
    // Home now says it is on, and recommends a second method.
    await page.getByRole('link', { name: 'Home', exact: true }).click();
    await card.getByText('Two-factor authentication is on with one method').waitFor();
    await card.getByRole('link', { name: 'Add a second method' }).waitFor();
    await page.getByRole('link', { name: 'Security', exact: true }).click();

    await signOut(page);
    await signIn(page, email);
    const dialog = page.getByRole('dialog', { name: 'Two-step verification' });
    await dialog.waitFor();
    // Spaces only are no code: dropped as typed (apps show "123 456"), so the field stays empty and
    // Verify sends nothing (the field is required); the pop-up still waits for a code.
    await dialog.getByLabel('Code from your authenticator app').pressSequentially('   ');
    expect(await dialog.getByLabel('Code from your authenticator app').inputValue()).toBe('');
    await dialog.getByRole('button', { name: 'Verify' }).click();
    expect(
      await dialog
        .getByLabel('Code from your authenticator app')
        .evaluate((el) => (el as HTMLInputElement).validity.valueMissing),
    ).toBe(true);
    await dialog.waitFor();
    await awayFromStepEdge();
    await dialog.getByLabel('Code from your authenticator app').fill(totp(secret, 0));
    await dialog.getByRole('button', { name: 'Verify' }).click();
    // Signed in: back on the page they signed out from.
    await page.getByRole('heading', { level: 1, name: 'Security' }).waitFor();

    await signOut(page);
    await signIn(page, email);
    await dialog.waitFor();
    await dialog.getByText('Recovery code', { exact: true }).click();
    await dialog.getByRole('textbox', { name: 'Recovery code' }).fill(codes[0]!);
    await dialog.getByRole('button', { name: 'Verify' }).click();
    // Signed in: back on the page they signed out from.
    await page.getByRole('heading', { level: 1, name: 'Security' }).waitFor();
    await page.getByRole('link', { name: 'Security', exact: true }).click();
    await page.getByText('9 of 10 recovery codes left.').waitFor();
  });

  it('a confirmation answered after its dialog was closed runs nothing', async () => {
    const { email, id, client } = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(client);
    const before = await db.query(`select id from recovery_code where account_id = $1 order by id`, [id]);
    const page = await (await browser.newContext()).newPage();
    await signIn(page, email);
    await awayFromStepEdge();
    const dialog = page.getByRole('dialog', { name: 'Two-step verification' });
    await dialog.getByLabel('Code from your authenticator app').fill(totp(secret, 0));
    await dialog.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await page.getByRole('link', { name: 'Security', exact: true }).click();
    await page.getByRole('button', { name: 'Generate new recovery codes' }).click();
    await page
      .getByRole('dialog', { name: 'Generate new recovery codes?' })
      .getByRole('button', { name: 'Generate new codes' })
      .click();
    const reauth = page.getByRole('dialog', { name: 'Confirm it is you' });
    await reauth.getByLabel('Password').fill(PASSWORD);
    await reauth.getByRole('button', { name: 'Next' }).click();
    await reauth.getByLabel('Code from your authenticator app').fill(totp(secret, 1));
    // The confirmation's answer held back until the dialog was closed (Esc while the key was being touched).
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let seen = false;
    await page.route('**/graphql', async (route) => {
      if (route.request().postData()?.includes('reauthenticate')) {
        seen = true;
        await held;
      }
      await route.continue();
    });
    await reauth.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => seen).toBe(true);
    await page.keyboard.press('Escape');
    await reauth.waitFor({ state: 'detached' });
    release();
    // The confirmation went through on the server, and nothing was done with it.
    await expect
      .poll(
        async () =>
          (await db.query(`select reauth_at from session where account_id = $1 and reauth_at is not null`, [id])).length,
      )
      .toBe(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(await page.getByRole('region', { name: 'Recovery codes' }).count()).toBe(0);
    expect(await db.query(`select id from recovery_code where account_id = $1 order by id`, [id])).toEqual(before);
    await page.context().close();
  });

  it('codes shown at setup are taken off the page once the last method (and with it every code) is removed', async () => {
    const { page } = await newUserOnSecurityPage();
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent())!.replace(/\s/g, '');
    await awayFromStepEdge();
    await page.getByLabel('Code from the app').fill(totp(secret, -1));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByRole('region', { name: 'Recovery codes' }).waitFor();
    await page.getByRole('button', { name: 'Remove authenticator app' }).click();
    // The question says what else goes: with the last method, the recovery codes just shown.
    const question = page.getByRole('dialog', { name: 'Remove the authenticator app?' });
    await question.getByText(/your last method: your recovery codes are deleted with it/).waitFor();
    await question.getByRole('button', { name: 'Remove app' }).click();
    const reauth = page.getByRole('dialog', { name: 'Confirm it is you' });
    await reauth.getByLabel('Password').fill(PASSWORD);
    await reauth.getByRole('button', { name: 'Next' }).click();
    await reauth.getByLabel('Code from your authenticator app').fill(totp(secret, 0));
    await reauth.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('Two-factor authentication off').waitFor();
    await page.getByText('Recovery codes are created when you set up your first method.').waitFor();
    // The keyboard focus, on the removed app's button, went to the app's card (not to the top of the page).
    await expect
      .poll(() => page.evaluate(() => `${document.activeElement?.tagName} ${document.activeElement?.textContent?.trim()}`))
      .toBe('H2 Authenticator app');
    // The set shown at setup died with the app: it is no longer offered for copying or download.
    expect(await page.getByRole('region', { name: 'Recovery codes' }).count()).toBe(0);
    await page.context().close();
  });

  it('a method that cannot finish a sign-in now is said so, not "off", with the recovery codes counted and renewable; with none left, what follows is said', async () => {
    const SET = `mutation($i: TwoFactorSettingsInput!) { updateTwoFactorSettings(input: $i) { emailForStaff } }`;
    await reauthenticate(admin);
    expect((await admin.gql(SET, { i: { emailForStaff: true } })).errors).toBeUndefined();
    try {
      // A sub-admin whose only method is e-mail codes, which the settings then take from staff.
      const staff = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['READ_AUDIT_LOG'] });
      const since = mail.count();
      await staff.client.gql(Q.startEmail, { a: staff.email });
      const confirmed = await staff.client.gql(Q.confirmEmail, { c: await mail.codeFor(staff.email, since) });
      const recovery = confirmed.data!['confirmEmailEnrollment'].recoveryCodes as string[];
      expect(recovery).toHaveLength(10);
      expect((await admin.gql(SET, { i: { emailForStaff: false } })).errors).toBeUndefined();

      const page = await (await browser.newContext()).newPage();
      await signIn(page, staff.email);
      const dialog = page.getByRole('dialog', { name: 'Two-step verification' });
      await dialog.getByRole('textbox', { name: 'Recovery code' }).fill(recovery[0]!);
      await dialog.getByRole('button', { name: 'Verify' }).click();
      await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
      await page.getByTestId('home-two-factor').getByText('Your second factor cannot be used now').waitFor();
      await page.getByRole('link', { name: 'Security', exact: true }).click();
      await page.getByText('Two-factor authentication: no usable method').waitFor();
      await page.getByText('Your method cannot be used now').waitFor();
      expect(await page.getByText('Two-factor authentication off').count()).toBe(0);
      await page.getByText('9 of 10 recovery codes left.').waitFor();
      await page.getByRole('button', { name: 'Generate new recovery codes' }).waitFor();
      // Its last code used (signed in with it): the next sign-in will be refused, and a new set needs a
      // confirmation nothing held can give. Said at once, and no button that could only fail.
      await db.query(`update recovery_code set used_at = now() where account_id = $1 and used_at is null`, [staff.id]);
      await page.reload();
      await page
        .getByRole('alert')
        .filter({ hasText: 'Set up another method now' })
        .getByText(/next sign-in will be refused/)
        .waitFor();
      await page.getByText('0 of 10 recovery codes left.').waitFor();
      expect(await page.getByRole('button', { name: 'Generate new recovery codes' }).count()).toBe(0);
      expect(await page.getByText('each sign-in uses up one of your recovery codes').count()).toBe(0);
      await page.context().close();
    } finally {
      await reauthenticate(admin);
      await admin.gql(SET, { i: { emailForStaff: false } });
    }
  });

  it('sets up e-mail codes from the Security page, then signs in with the code the pop-up had sent', async () => {
    const { email, page } = await newUserOnSecurityPage();
    const address = uniqueEmail('codes');
    await page.getByLabel('Address for codes').fill(address);
    let since = mail.count();
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.getByText(`A code is on its way to ${address}.`).waitFor();
    // Another code only after the cool-down: the button counts it down instead of taking a click.
    expect(await page.getByRole('button', { name: /^Send again in \d+ s$/ }).isDisabled()).toBe(true);
    const code = await mail.codeFor(address, since);
    // A wrong code says so and empties the field; the right one switches e-mail codes on.
    const field = page.getByLabel('Code from the e-mail');
    await field.fill(code === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Confirm address' }).click();
    await page.getByRole('alert').getByText('That code is not right').waitFor();
    expect(await field.inputValue()).toBe('');
    await field.fill(code);
    await page.getByRole('button', { name: 'Confirm address' }).click();
    await page.getByText('Two-factor authentication on').waitFor();
    await page.getByRole('region', { name: 'Recovery codes' }).waitFor();

    await signOut(page);
    since = mail.count();
    await signIn(page, email);
    const dialog = page.getByRole('dialog', { name: 'Two-step verification' });
    // E-mail codes are the only method: the code is sent without asking.
    await dialog.getByText('A code is on its way to your verified address').waitFor();
    expect(await dialog.getByRole('button', { name: /^Send again in \d+ s$/ }).isDisabled()).toBe(true);
    const signInCode = await mail.codeFor(address, since);
    await dialog.getByLabel('Code from the e-mail').fill(signInCode);
    await dialog.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { level: 1, name: 'Security' }).waitFor();
    await page.context().close();
  });

  it('a sign-in that ended while the pop-up waited closes it and says to sign in again (at the code, or at asking for one)', async () => {
    const { email, id, client } = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(client);
    // E-mail codes as well, so that the pop-up offers to send one.
    const address = uniqueEmail('ended');
    const since = mail.count();
    await client.gql(Q.startEmail, { a: address });
    await client.gql(Q.confirmEmail, { c: await mail.codeFor(address, since) });
    for (const noticedAt of ['code', 'sending'] as const) {
      const page = await (await browser.newContext()).newPage();
      await signIn(page, email);
      const dialog = page.getByRole('dialog', { name: 'Two-step verification' });
      await dialog.waitFor();
      // The pending sign-in ends while the holder looks for the phone (an admin revoked the account's
      // sessions, which moves its session epoch on; a lapse of PENDING_SESSION_SECONDS ends it alike).
      await db.query(`update account set session_epoch = session_epoch + 1 where id = $1`, [id]);
      // (Until the server has seen it: sessions are cached for a moment.)
      await expect
        .poll(
          () =>
            page.evaluate(async () => {
              const res = await fetch('/graphql', {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ query: '{ pendingSignIn { stage } }' }),
              });
              return ((await res.json()) as { data?: { pendingSignIn: unknown } }).data?.pendingSignIn ?? null;
            }),
          { interval: 50 },
        )
        .toBeNull();
      if (noticedAt === 'code') {
        await awayFromStepEdge();
        await dialog.getByLabel('Code from your authenticator app').fill(totp(secret, 0));
        await dialog.getByRole('button', { name: 'Verify' }).click();
      } else {
        await dialog.getByText('E-mail code', { exact: true }).click();
        await dialog.getByRole('button', { name: 'Send code by e-mail' }).click();
      }
      await dialog.waitFor({ state: 'detached' });
      await page.getByRole('alert').getByText('This sign-in has ended').waitFor();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      await page.context().close();
    }
  });

  it('says when the second step may be tried again after too many wrong codes', async () => {
    const { email, id, client } = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(client);
    // Five wrong codes for this account ten minutes ago (from wherever): its budget is spent for five
    // more, which end before the sign-in does (one that ends after it ends the pop-up instead:
    // two-factor-signin.browser.test.ts).
    const [{ until }] = (await db.query(
      `insert into failure_counter (key, count, window_start) values ($1, 5, now() - interval '10 minutes')
       on conflict (key) do update set count = excluded.count, window_start = excluded.window_start
       returning window_start + interval '15 minutes' as until`,
      [`2fa:acct:${id}`],
    )) as [{ until: Date }];
    const page = await (await browser.newContext()).newPage();
    await signIn(page, email);
    const dialog = page.getByRole('dialog', { name: 'Two-step verification' });
    await awayFromStepEdge();
    await dialog.getByLabel('Code from your authenticator app').fill(totp(secret, 0));
    await dialog.getByRole('button', { name: 'Verify' }).click();
    // Said as the next whole minute, in the browser's own clock format.
    const at = await page.evaluate(
      (t) => new Date(Math.ceil(Date.parse(t) / 60_000) * 60_000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }),
      until.toISOString(),
    );
    await dialog.getByText(`Too many attempts. You can try again at ${at}.`).waitFor();
    await page.context().close();
  });

  it('asks before replacing the recovery codes or removing the app, saying what is lost', async () => {
    const user = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(user.client);
    const page = await (await browser.newContext()).newPage();
    await awayFromStepEdge();
    await signIn(page, user.email);
    const step = page.getByRole('dialog', { name: 'Two-step verification' });
    await step.getByLabel('Code from your authenticator app').fill(totp(secret, 0));
    await step.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await page.getByRole('link', { name: 'Security', exact: true }).click();
    const codesOf = () =>
      db.query(`select id from recovery_code where account_id = $1 and used_at is null order by id`, [user.id]);
    const before = await codesOf();
    expect(before).toHaveLength(10);

    // Cancelled: nothing happens, and no password is asked for.
    await page.getByRole('button', { name: 'Generate new recovery codes' }).click();
    const ask = page.getByRole('dialog', { name: 'Generate new recovery codes?' });
    await ask.getByText('Your current recovery codes stop working at once').waitFor();
    await ask.getByRole('button', { name: 'Cancel' }).click();
    await ask.waitFor({ state: 'detached' });
    expect(await page.getByRole('dialog', { name: 'Confirm it is you' }).count()).toBe(0);
    expect(await codesOf()).toEqual(before);

    // Confirmed: then the re-authentication, then the new set.
    await page.getByRole('button', { name: 'Generate new recovery codes' }).click();
    await ask.getByRole('button', { name: 'Generate new codes' }).click();
    const reauth = page.getByRole('dialog', { name: 'Confirm it is you' });
    // A wrong password shows only once the code is sent with it: back to the password, saying so.
    await reauth.getByLabel('Password').fill(`${PASSWORD}!`);
    await reauth.getByRole('button', { name: 'Next' }).click();
    await reauth.getByLabel('Code from your authenticator app').fill(totp(secret, 1));
    await reauth.getByRole('button', { name: 'Confirm' }).click();
    await reauth.getByRole('alert').getByText('The password is incorrect. Enter it again.').waitFor();
    expect(await reauth.getByLabel('Password').inputValue()).toBe('');
    expect(await codesOf()).toEqual(before);
    await reauth.getByLabel('Password').fill(PASSWORD);
    await reauth.getByRole('button', { name: 'Next' }).click();
    await reauth.getByLabel('Code from your authenticator app').fill(totp(secret, 1));
    await reauth.getByRole('button', { name: 'Confirm' }).click();
    await page.getByTestId('recovery-codes').waitFor();
    // Both dialogs gone, the keyboard is back where it was: on the button that asked.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Generate new recovery codes');
    const after = await codesOf();
    expect(after).toHaveLength(10);
    expect(after.filter((c) => before.some((b) => b['id'] === c['id']))).toEqual([]);

    // Removing the app asks too (the re-authentication is still fresh: only the question).
    await page.getByRole('button', { name: 'Remove authenticator app' }).click();
    const remove = page.getByRole('dialog', { name: 'Remove the authenticator app?' });
    await remove.getByRole('button', { name: 'Cancel' }).click();
    await remove.waitFor({ state: 'detached' });
    expect(await db.query(`select status from totp_authenticator where account_id = $1`, [user.id])).toEqual([
      { status: 'ACTIVE' },
    ]);
    await page.context().close();
  });

  it('a key the browser or device fails with an error of its own is said to have failed, not the network', async () => {
    const { page } = await newUserOnSecurityPage();
    // A phone's credential manager failing ("UnknownError"), as Chrome on Android reports it.
    await page.evaluate(() => {
      const fail = () =>
        Promise.reject(new DOMException('An unknown error occurred while talking to the credential manager.', 'UnknownError'));
      Object.defineProperty(navigator.credentials, 'create', { value: fail, configurable: true });
    });
    await page.getByLabel('Device name').fill('Phone');
    await page.getByRole('button', { name: 'Add security key' }).click();
    await page
      .getByRole('alert')
      .getByText('The security key or passkey could not be used. Try again, or use another one.')
      .waitFor();
    expect(await page.getByText('The server cannot be reached').count()).toBe(0);
    await page.context().close();
  });

  it('registers a security key with a virtual authenticator, signs in with it, and refuses a key whose counter went backwards', async () => {
    const { email, id } = await createAccount(server, admin, { role: 'USER' });
    const context = await browser.newContext();
    const page = await context.newPage();
    await withAuthenticator(context, page);

    await signIn(page, email);
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await page.getByRole('link', { name: 'Security', exact: true }).click();
    await page.getByLabel('Device name').fill('Virtual key');
    await page.getByRole('button', { name: 'Add security key' }).click();
    await page.getByRole('table', { name: 'Security keys' }).getByText('Virtual key').waitFor();
    await page.getByText('Two-factor authentication on').waitFor();
    const [stored] = await db.query(`select credential_id, counter, name from webauthn_credential where account_id = $1`, [id]);
    expect(stored).toMatchObject({ name: 'Virtual key' });

    await signOut(page);
    await signIn(page, email);
    const dialog = page.getByRole('dialog', { name: 'Two-step verification' });
    await dialog.getByRole('button', { name: 'Use security key' }).click();
    await page.getByRole('heading', { level: 1, name: 'Security' }).waitFor();
    const [after] = await db.query(
      `select counter::int as counter, last_used_at from webauthn_credential where account_id = $1`,
      [id],
    );
    expect(after!['last_used_at']).not.toBeNull();
    // The key's signature counter moved forward, and the stored one with it.
    expect(after!['counter']).toBeGreaterThan(Number(stored!['counter']));

    // Renamed with Save; a rename abandoned with Escape changes nothing.
    const keys = page.getByRole('table', { name: 'Security keys' });
    await keys.getByRole('button', { name: 'Rename' }).click();
    await keys.getByLabel('New name for Virtual key').fill('Desk key');
    await keys.getByRole('button', { name: 'Save' }).click();
    await keys.getByText('Desk key').waitFor();
    await expect
      .poll(async () => (await db.query(`select name from webauthn_credential where account_id = $1`, [id]))[0]!['name'])
      .toBe('Desk key');
    // A name of spaces only is refused, saying why.
    await keys.getByRole('button', { name: 'Rename' }).click();
    await keys.getByLabel('New name for Desk key').fill('   ');
    await keys.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Give the device a name of 1 to 64 characters.').waitFor();
    await keys.getByLabel('New name for Desk key').fill('Something else');
    await keys.getByLabel('New name for Desk key').press('Escape');
    await keys.getByText('Desk key').waitFor();
    expect((await db.query(`select name from webauthn_credential where account_id = $1`, [id]))[0]!['name']).toBe('Desk key');

    // A cloned key would present a counter at or below the stored one.
    await db.query(`update webauthn_credential set counter = 1000000 where account_id = $1`, [id]);
    await signOut(page);
    await signIn(page, email);
    await dialog.getByRole('button', { name: 'Use security key' }).click();
    await dialog.getByRole('alert').getByText('looks cloned').waitFor();
    const [flagged] = await db.query(`select flagged_at from webauthn_credential where account_id = $1`, [id]);
    expect(flagged!['flagged_at']).not.toBeNull();
    const audit = await db.query(
      `select details from audit_log where target_id = $1 and action = 'WEBAUTHN_COUNTER_REGRESSION'`,
      [id],
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]!['details']).toMatchObject({ credential: 'Desk key', storedCounter: 1000000 });
    // Still not signed in, and the pop-up no longer offers the key: what is left (a recovery code) is
    // asked for instead, under the refusal that says why.
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    await dialog.getByLabel('Recovery code').waitFor();
    expect(await dialog.getByRole('button', { name: 'Use security key' }).count()).toBe(0);
    await dialog.getByRole('alert').getByText('looks cloned').waitFor();
  });

  it('a cloned key used at the same moment as the original: one sign-in passes, the other is refused and the key flagged', async () => {
    const { email, id } = await createAccount(server, admin, { role: 'USER' });
    const contextA = await browser.newContext();
    const pageA = await contextA.newPage();
    const a = await withAuthenticator(contextA, pageA);
    await signIn(pageA, email);
    await pageA.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await pageA.getByRole('link', { name: 'Security', exact: true }).click();
    await pageA.getByLabel('Device name').fill('Original key');
    await pageA.getByRole('button', { name: 'Add security key' }).click();
    await pageA.getByRole('table', { name: 'Security keys' }).getByText('Original key').waitFor();
    await signOut(pageA);

    // A second "device" holding a copy of the key: same private key, same signature counter.
    const contextB = await browser.newContext();
    const pageB = await contextB.newPage();
    const b = await withAuthenticator(contextB, pageB);
    const { credentials } = await a.cdp.send('WebAuthn.getCredentials', { authenticatorId: a.authenticatorId });
    expect(credentials).toHaveLength(1);
    await b.cdp.send('WebAuthn.addCredential', { authenticatorId: b.authenticatorId, credential: credentials[0]! });

    await signIn(pageA, email);
    await signIn(pageB, email);
    const dialogA = pageA.getByRole('dialog', { name: 'Two-step verification' });
    const dialogB = pageB.getByRole('dialog', { name: 'Two-step verification' });
    await dialogA.waitFor();
    await dialogB.waitFor();
    // Both assertions carry the same counter. The key's row is held locked until both are being
    // accepted, so both have read the stored counter before either moves it.
    const [row] = await db.query<{ id: string }>(`select id from webauthn_credential where account_id = $1`, [id]);
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('select 1 from webauthn_credential where id = $1 for update', [row!.id]);
      await Promise.all([
        dialogA.getByRole('button', { name: 'Use security key' }).click(),
        dialogB.getByRole('button', { name: 'Use security key' }).click(),
      ]);
      const waiting = async () =>
        (
          await db.query<{ n: number }>(
            `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'
               and query like 'update webauthn_credential set counter%'`,
          )
        )[0]!.n;
      for (let i = 0; i < 400 && (await waiting()) < 2; i++) await new Promise((r) => setTimeout(r, 25));
      expect(await waiting()).toBe(2);
      await locker.query('commit');
    } finally {
      await locker.end();
    }
    const outcome = (page: Page) =>
      Promise.race([
        page
          .getByRole('button', { name: 'Sign out' })
          .waitFor()
          .then(() => 'signed in'),
        page
          .getByRole('dialog', { name: 'Two-step verification' })
          .getByRole('alert')
          .getByText('looks cloned')
          .waitFor()
          .then(() => 'refused'),
      ]);
    expect([await outcome(pageA), await outcome(pageB)].sort()).toEqual(['refused', 'signed in']);
    const [key] = await db.query(`select flagged_at from webauthn_credential where id = $1`, [row!.id]);
    expect(key!['flagged_at']).not.toBeNull();
    expect(
      await db.query(`select 1 from audit_log where target_id = $1 and action = 'WEBAUTHN_COUNTER_REGRESSION'`, [id]),
    ).toHaveLength(1);
    await contextA.close();
    await contextB.close();
  });

  /**
   * Whether the pending sign-in in `context`'s cookie is still waiting, asked with its token from
   * outside the browser (nothing of a pending sign-in is stored to look at).
   */
  async function pendingProbe(context: BrowserContext): Promise<() => Promise<boolean>> {
    const replay = new GqlClient(server.url);
    replay.setCookie('sc_session', (await context.cookies()).find((c) => c.name === 'sc_session')!.value);
    return async () => (await replay.gql(Q.pending)).data!['pendingSignIn'] !== null;
  }

  it('an abandoned sign-in ends on the server: closing the pop-up, or "Cancel and sign out" while a policy asks for a method', async () => {
    const live = async (id: string, stage: string) =>
      (
        await db.query(`select count(*)::int as n from session where account_id = $1 and stage = $2 and revoked_at is null`, [
          id,
          stage,
        ])
      )[0]!['n'];
    // The second step, closed: the waiting sign-in ends on the server (its token, replayed, is no
    // sign-in), and /login does not bring it back.
    const withApp = await createAccount(server, admin, { role: 'USER' });
    await enrollTotp(withApp.client);
    const page = await (await browser.newContext()).newPage();
    await signIn(page, withApp.email);
    const dialog = page.getByRole('dialog', { name: 'Two-step verification' });
    await dialog.waitFor();
    const waiting = await pendingProbe(page.context());
    expect(await waiting()).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(waiting).toBe(false);
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await dialog.count()).toBe(0);

    // A policy, no method yet: the set-up page signs out, and /login stays the sign-in page.
    const { id, email } = await createAccount(server, admin, { role: 'USER' });
    await db.query(`update account set requires_two_factor = true where id = $1`, [id]);
    await signIn(page, email);
    await page.getByText(`Signed in as ${email}.`, { exact: false }).waitFor();
    expect(await live(id, 'ENROLLMENT_REQUIRED')).toBe(1);
    await page.getByRole('button', { name: 'Cancel and sign out' }).click();
    await page.waitForURL('**/login');
    expect(await live(id, 'ENROLLMENT_REQUIRED')).toBe(0);
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(page.url()).toMatch(/\/login$/);

    // Set up meanwhile from another device: this page's session ended with it (it may be someone
    // else's who has the password only); its next step lands on the sign-in page, which says so.
    await signIn(page, email);
    await page.getByText(`Signed in as ${email}.`, { exact: false }).waitFor();
    const elsewhere = new GqlClient(server.url);
    expect((await loginStep(elsewhere, email)).typename).toBe('TwoFactorEnrollmentRequired');
    await enrollTotp(elsewhere);
    expect(await live(id, 'ENROLLMENT_REQUIRED')).toBe(0);
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    await page.getByRole('alert').getByText('Your session has ended. Sign in again.').waitFor();
    expect(page.url()).toMatch(/\/login$/);
    await page.context().close();
  });

  it('a tab closed half-way through a sign-in: the next person who opens the dashboard cannot pick it up', async () => {
    const live = async (id: string) =>
      (
        await db.query(
          `select count(*)::int as n from session where account_id = $1 and stage <> 'FULL' and revoked_at is null`,
          [id],
        )
      )[0]!['n'];
    const context = await browser.newContext();
    // A policy, no method yet: the holder reaches the set-up page, then closes the tab.
    const { id, email } = await createAccount(server, admin, { role: 'USER' });
    await db.query(`update account set requires_two_factor = true where id = $1`, [id]);
    const first = await context.newPage();
    await signIn(first, email);
    await first.getByText(`Signed in as ${email}.`, { exact: false }).waitFor();
    await first.close();
    // The next person opens the dashboard in the same browser: the sign-in form, and the waiting sign-in ended.
    const next = await context.newPage();
    await next.goto(`${server.url}/enroll-2fa`);
    await next.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await next.getByText(email, { exact: false }).count()).toBe(0);
    await expect.poll(() => live(id)).toBe(0);

    // The same for a sign-in left at its second step.
    const withApp = await createAccount(server, admin, { role: 'USER' });
    await enrollTotp(withApp.client);
    await signIn(next, withApp.email);
    await next.getByRole('dialog', { name: 'Two-step verification' }).waitFor();
    const waiting = await pendingProbe(context);
    expect(await waiting()).toBe(true);
    await next.close();
    const third = await context.newPage();
    await third.goto(`${server.url}/login`);
    await third.getByRole('button', { name: 'Sign in' }).waitFor();
    await expect.poll(waiting).toBe(false);
    expect(await third.getByRole('dialog', { name: 'Two-step verification' }).count()).toBe(0);
    await context.close();
  });

  it('signing out in one tab signs the other tabs out too; signing in as someone else there shows them as that account', async () => {
    const first = await createAccount(server, admin, { role: 'USER' });
    const second = await createAccount(server, admin, { role: 'USER' });
    const context = await browser.newContext();
    const one = await context.newPage();
    await signIn(one, first.email);
    await one.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    const two = await context.newPage();
    await two.goto(`${server.url}/`);
    await two.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await two.getByText(first.email, { exact: false }).first().waitFor();

    await signOut(one);
    // No reload and no request of its own: the other tab hears of it and leaves the account's pages.
    await two.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: 5_000 });
    expect(await two.getByText(first.email, { exact: false }).count()).toBe(0);

    await signIn(one, second.email);
    await one.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    // The other tab, left on the sign-in page, follows: signed in, as the second account.
    await two.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 5_000 });
    await two.getByRole('link', { name: 'Home', exact: true }).click();
    await two.getByText(second.email, { exact: false }).first().waitFor();
    expect(await two.getByText(first.email, { exact: false }).count()).toBe(0);
    await context.close();
  });

  it('an admin requires 2FA of a user from the user’s page; the user is then led to set a method up', async () => {
    const { id, email } = await createAccount(server, admin, { role: 'USER' });
    const page = await (await browser.newContext()).newPage();
    await signIn(page, adminEmail);
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await page.goto(`${server.url}/users/${id}`);
    // What the account has, and nothing to unlock while nothing is locked.
    await page.getByTestId('account-two-factor').getByText('No second factor set up.').waitFor();
    expect(await page.getByRole('button', { name: 'Unlock second-step sign-in' }).isDisabled()).toBe(true);
    const required = page.getByRole('switch', { name: 'Require two-factor authentication' });
    expect(await required.isChecked()).toBe(false);
    await required.click({ force: true });
    await page.getByText(`${email} must use two-factor authentication.`).waitFor();
    await expect.poll(() => required.isChecked()).toBe(true);
    expect(await db.query(`select requires_two_factor from account where id = $1`, [id])).toEqual([
      { requires_two_factor: true },
    ]);
    expect((await loginStep(new GqlClient(server.url), email)).typename).toBe('TwoFactorEnrollmentRequired');
    await page.context().close();
  });

  it('changes your password from the Security page after confirming it is you', async () => {
    const { email, page } = await newUserOnSecurityPage();
    const NEW = 'a fresh passphrase for me';
    await page.getByLabel('New password', { exact: true }).fill(NEW);
    await page.getByLabel('Repeat the new password').fill(`${NEW}!`);
    await page.getByText('The two passwords differ.').waitFor();
    await page.getByLabel('Repeat the new password').fill(NEW);
    await page.getByRole('button', { name: 'Change password' }).click();
    const reauth = page.getByRole('dialog', { name: 'Confirm it is you' });
    await reauth.getByLabel('Password').fill(PASSWORD);
    await reauth.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('Password changed.').waitFor();
    await signOut(page);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(NEW);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  });

  it('asks to confirm it is you before setting up a method in a session signed in a while ago', async () => {
    const { email, id } = await createAccount(server, admin, { role: 'USER' });
    const page = await (await browser.newContext()).newPage();
    await signIn(page, email);
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await db.query(`update session set created_at = now() - interval '10 minutes' where account_id = $1`, [id]);
    // Until the server has heard of it (its cache of the session row follows the announcement). The
    // probe starts nothing: its address is refused once the session's age has been checked.
    const asPage = new GqlClient(server.url);
    asPage.setCookie('sc_session', (await page.context().cookies()).find((c) => c.name === 'sc_session')!.value);
    await expect
      .poll(async () => codes(await asPage.gql(`mutation { startEmailEnrollment(address: "not an address") { __typename } }`)), {
        interval: 20,
      })
      .toEqual(['REAUTH_REQUIRED']);
    await page.getByRole('link', { name: 'Security', exact: true }).click();
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    const reauth = page.getByRole('dialog', { name: 'Confirm it is you' });
    await reauth.waitFor();
    expect(await page.getByTestId('totp-secret').count()).toBe(0);
    await reauth.getByLabel('Password').fill(PASSWORD);
    await reauth.getByRole('button', { name: 'Confirm' }).click();
    // Confirmed: the set-up it asked for goes ahead.
    await page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
    expect((await page.getByTestId('totp-secret').textContent())!.replace(/\s/g, '')).toMatch(/^[A-Z2-7]{32}$/);
  });

  it('asks for the second factor an app set up in another tab since the page loaded', async () => {
    const user = await createAccount(server, admin, { role: 'USER' });
    const page = await (await browser.newContext()).newPage();
    await signIn(page, user.email);
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await page.getByRole('link', { name: 'Security', exact: true }).click();
    await page.getByLabel('New password', { exact: true }).waitFor();
    // Meanwhile, elsewhere: an authenticator app is switched on (this page still knows of no method).
    const { secret } = await enrollTotp(user.client);
    const NEW = 'another fresh passphrase';
    await page.getByLabel('New password', { exact: true }).fill(NEW);
    await page.getByLabel('Repeat the new password').fill(NEW);
    await page.getByRole('button', { name: 'Change password' }).click();
    const reauth = page.getByRole('dialog', { name: 'Confirm it is you' });
    await reauth.getByLabel('Password').fill(PASSWORD);
    await reauth.getByRole('button', { name: 'Confirm' }).click();
    // The server wants a second factor: the dialog reads the methods again and asks for the code.
    await awayFromStepEdge();
    await reauth.getByLabel('Code from your authenticator app').fill(totp(secret));
    await reauth.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('Password changed.').waitFor();
    expect((await loginStep(new GqlClient(server.url), user.email, NEW)).typename).toBe('SecondFactorRequired');
    await page.context().close();
  });

  it('warns on the Security page once 3 or fewer recovery codes are left', async () => {
    const user = await createAccount(server, admin, { role: 'USER' });
    const page = await (await browser.newContext()).newPage();
    await signIn(page, user.email);
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await enrollTotp(user.client);
    const useUp = (n: number) =>
      db.query(
        `update recovery_code set used_at = now()
          where id in (select id from recovery_code where account_id = $1 and used_at is null order by id limit $2)`,
        [user.id, n],
      );
    const warning = page.getByText('Few recovery codes are left. Generate a new set and store it safely.');
    // Four left: counted, no warning yet.
    await useUp(6);
    await page.getByRole('link', { name: 'Security', exact: true }).click();
    await page.getByText('4 of 10 recovery codes left.').waitFor();
    expect(await warning.count()).toBe(0);
    // Three left: the warning.
    await useUp(1);
    await page.reload();
    await page.getByText('3 of 10 recovery codes left.').waitFor();
    await warning.waitFor();
    await page.context().close();
  });

  it('the compliance page shows each account’s role, methods and last sign-in', async () => {
    const staff = await createAccount(server, admin, {
      role: 'SUB_ADMIN',
      permissions: ['READ_INCIDENTS'],
      email: uniqueEmail('aaa-staff'),
    });
    await enrollTotp(staff.client);
    await db.query(
      `insert into webauthn_credential (id, account_id, credential_id, public_key, counter, transports, name, created_at)
       values (gen_random_uuid(), $1::uuid, 'cred-' || $1::text, 'pk', 0, '[]', 'Desk key', now())`,
      [staff.id],
    );
    const neverEmail = uniqueEmail('aaa-never');
    const created = await admin.gql(CREATE_ACCOUNT, {
      input: { email: neverEmail, name: 'Never Signed In', password: PASSWORD, role: 'USER' },
    });
    expect(created.data!['createAccount'].__typename).toBe('AccountCreated');
    const [stored] = await db.query<{ at: Date }>(`select last_login_at as at from account where id = $1`, [staff.id]);

    const page = await (await browser.newContext()).newPage();
    await signIn(page, adminEmail);
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await page.getByRole('link', { name: '2FA compliance' }).click();
    const table = page.getByRole('table', { name: '2FA status per account' });
    const cells = async (email: string) => {
      const row = table.getByRole('row').filter({ hasText: email });
      await row.waitFor();
      return (await row.getByRole('cell').allTextContents()).map((t) => t.trim());
    };
    const staffRow = await cells(staff.email);
    expect(staffRow.slice(1, 4)).toEqual(['Sub-admin', 'On', 'Authenticator app, Security key or passkey']);
    // The last sign-in is the stored one, to the millisecond (shown in the reader's time zone).
    const time = table.getByRole('row').filter({ hasText: staff.email }).locator('time');
    expect(await time.getAttribute('datetime')).toBe(stored!.at.toISOString());
    expect(staffRow[4]).not.toBe('Never');
    expect(await cells(neverEmail)).toEqual([`Never Signed In${neverEmail}`, 'User', 'Off', '—', 'Never']);
    await page.context().close();
  });

  it('the 2FA settings say why e-mail codes are off for staff, and that a new issuer name breaks nobody’s codes', async () => {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, adminEmail);
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await page.getByRole('link', { name: '2FA compliance' }).click();
    const settings = page.getByRole('region', { name: 'Two-factor authentication, system-wide' });
    /** The text a control's aria-describedby points at: what a screen reader reads with it. */
    const description = (name: string) =>
      settings.getByLabel(name).evaluate((el) =>
        (el.getAttribute('aria-describedby') ?? '')
          .split(/\s+/)
          .map((id) => document.getElementById(id)?.textContent ?? '')
          .join(' '),
      );
    expect(await description('Issuer name in authenticator apps')).toContain(
      "Changing it never breaks anyone's codes: existing app entries keep their old label and keep working",
    );
    const emailForStaff = settings.getByRole('switch', { name: 'Allow e-mail codes for admins and sub-admins' });
    expect(await emailForStaff.isChecked()).toBe(false);
    expect(await description('Allow e-mail codes for admins and sub-admins')).toContain(
      'NIST SP 800-63B-4 does not accept e-mail as an out-of-band authenticator',
    );
    await page.context().close();
  });

  it('a second admin approves a waiting reset of an admin’s 2FA from the compliance page', async () => {
    const target = await createAccount(server, admin, { role: 'ADMIN' });
    const second = await createAccount(server, admin, { role: 'ADMIN' });
    // An admin of more than a day approves; one made just now cannot.
    await db.query(`update account set created_at = created_at - interval '25 hours' where id = $1`, [second.id]);
    const recent = await createAccount(server, admin, { role: 'ADMIN' });
    await enrollTotp(target.client);
    await reauthenticate(admin);
    const asked = await admin.gql(`mutation($id: ID!) { resetTwoFactor(accountId: $id) { __typename } }`, { id: target.id });
    expect(asked.data!['resetTwoFactor'].__typename).toBe('TwoFactorResetPending');

    const newcomer = await (await browser.newContext()).newPage();
    await signIn(newcomer, recent.email);
    await newcomer.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await newcomer.getByRole('link', { name: '2FA compliance' }).click();
    const seen = newcomer.getByRole('region', { name: 'Resets waiting for approval' });
    await seen.getByText('Only an admin of at least a day when it was asked for can approve it.').waitFor();
    expect(await seen.getByRole('button', { name: `Approve reset of ${target.email}` }).count()).toBe(0);
    await newcomer.context().close();

    const page = await (await browser.newContext()).newPage();
    await signIn(page, second.email);
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await page.getByRole('link', { name: '2FA compliance' }).click();
    const card = page.getByRole('region', { name: 'Resets waiting for approval' });
    await card.getByText(`asked by ${adminEmail}`).waitFor();
    await card.getByRole('button', { name: `Approve reset of ${target.email}` }).click();
    // A confirmation first, then the server asks who is approving.
    await page.getByRole('dialog', { name: 'Approve the reset?' }).getByRole('button', { name: 'Approve and reset' }).click();
    const reauth = page.getByRole('dialog', { name: 'Confirm it is you' });
    await reauth.getByLabel('Password').fill(PASSWORD);
    await reauth.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText(`Two-factor authentication of ${target.email} reset`).waitFor();
    // Gone from the list; the card stays (with the focus on its heading), saying what is left.
    await card.getByRole('button', { name: `Approve reset of ${target.email}` }).waitFor({ state: 'detached' });
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent?.trim()))
      .toBe('Resets waiting for a second admin');
    const [left] = await db.query(`select count(*)::int as n from totp_authenticator where account_id = $1`, [target.id]);
    expect(left!['n']).toBe(0);
    const [audit] = await db.query(`select actor_id from audit_log where target_id = $1 and action = 'TWO_FACTOR_RESET'`, [
      target.id,
    ]);
    expect(audit!['actor_id']).toBe(second.id);
  });

  it('resets a user’s 2FA from the user’s page; asking to reset an admin’s says who was asked, or who asked already', async () => {
    /** Clicks the reset on an account's page and confirms it (and that it is you, if asked): the notice saying `expected`. */
    const resetFrom = async (page: Page, id: string, email: string, expected: string) => {
      await page.goto(`${server.url}/users/${id}`);
      await page.getByTestId('account-two-factor').getByText('Methods: Authenticator app').waitFor();
      await page.getByRole('button', { name: 'Reset two-factor authentication' }).click();
      await page
        .getByRole('dialog', { name: `Reset the two-factor authentication of ${email}?` })
        .getByRole('button', { name: 'Reset' })
        .click();
      const reauth = page.getByRole('dialog', { name: 'Confirm it is you' });
      const notice = page.getByText(expected);
      await reauth.or(notice).first().waitFor();
      if (await reauth.isVisible()) {
        await reauth.getByLabel('Password').fill(PASSWORD);
        await reauth.getByRole('button', { name: 'Confirm' }).click();
      }
      await notice.waitFor();
      return (await notice.textContent())!;
    };

    // A user: reset at once.
    const user = await createAccount(server, admin, { role: 'USER' });
    await enrollTotp(user.client);
    const page = await (await browser.newContext()).newPage();
    await signIn(page, adminEmail);
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await resetFrom(
      page,
      user.id,
      user.email,
      `Two-factor authentication of ${user.email} reset; they were signed out and e-mailed.`,
    );
    await page.getByTestId('account-two-factor').getByText('No second factor set up.').waitFor();
    expect(await db.query(`select 1 from totp_authenticator where account_id = $1`, [user.id])).toEqual([]);
    // Nothing is left to reset: the button is off (the server would refuse it, METHOD_NOT_SET_UP).
    await expect.poll(() => page.getByRole('button', { name: 'Reset two-factor authentication' }).isDisabled()).toBe(true);

    // An admin: a request, which the admins who may approve it are e-mailed about (other tests' too).
    const target = await createAccount(server, admin, { role: 'ADMIN' });
    await enrollTotp(target.client);
    // Two admins of a day besides this file's admin (who asks).
    const approver = await createAccount(server, admin, { role: 'ADMIN' });
    const third = await createAccount(server, admin, { role: 'ADMIN' });
    await db.query(`update account set created_at = created_at - interval '25 hours' where id = any($1::uuid[])`, [
      [approver.id, third.id],
    ]);
    const [{ n: askable }] = (await db.query(
      `select count(*)::int as n from account where role = 'ADMIN' and disabled_at is null
         and created_at <= now() - interval '1 day' and email <> all($1::text[])`,
      [[target.email, adminEmail]],
    )) as [{ n: number }];
    const asked = await resetFrom(page, target.id, target.email, `Another admin must approve resetting ${target.email}'s 2FA`);
    expect(asked).toContain(
      askable === 1 ? 'The admin who can approve it was e-mailed' : `The ${askable} admins who can approve it were e-mailed`,
    );
    // Asking again: the same request, and nobody is e-mailed again.
    const again = await resetFrom(page, target.id, target.email, `You already asked to reset ${target.email}'s 2FA`);
    expect(again).toContain('it still waits for another admin');
    expect(again).toContain('Nobody was e-mailed again.');
    await page.context().close();

    // Another admin asking learns who asked, and that it may approve it.
    const other = await (await browser.newContext()).newPage();
    await signIn(other, approver.email);
    await other.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    const byOther = await resetFrom(other, target.id, target.email, `${adminEmail} already asked to reset ${target.email}'s 2FA`);
    expect(byOther).toContain('You can approve it on the 2FA compliance page');
    await other.context().close();
    expect(await db.query(`select count(*)::int as n from two_factor_reset_request where target_id = $1`, [target.id])).toEqual([
      { n: 1 },
    ]);
  });

  it('shows the compliance page to an admin: counts over every account, the "without 2FA" filter, and pages of 50', async () => {
    // Enough accounts for a second page.
    for (let i = 0; i < 52; i++) {
      const res = await admin.gql(CREATE_ACCOUNT, {
        input: { email: uniqueEmail('many'), name: `Many ${i}`, password: PASSWORD, role: 'USER' },
      });
      expect(res.data!['createAccount'].__typename).toBe('AccountCreated');
    }
    const [counts] = await db.query<{ total: number; on: number }>(
      `select count(*)::int as total,
         (count(*) filter (where exists(select 1 from totp_authenticator t where t.account_id = a.id and t.status = 'ACTIVE')
            or exists(select 1 from webauthn_credential w where w.account_id = a.id and w.flagged_at is null)
            or exists(select 1 from email_factor e where e.account_id = a.id and e.status = 'ACTIVE'
                        and (a.role = 'USER' or (select (value->>'emailForStaff')::boolean from setting where key = 'twoFactor')))))::int as on
       from account a`,
    );
    expect(counts!.on).toBeGreaterThan(0);
    const page = await (await browser.newContext()).newPage();
    await signIn(page, adminEmail);
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await page.getByRole('link', { name: '2FA compliance' }).click();
    await page.getByRole('heading', { level: 1, name: 'Two-factor authentication' }).waitFor();
    const stat = (label: string) => page.getByText(label, { exact: true }).locator('xpath=following-sibling::*[1]');
    await expect.poll(() => stat('Accounts').textContent()).toBe(String(counts!.total));
    expect(await stat('With 2FA').textContent()).toBe(String(counts!.on));
    expect(await stat('Without 2FA').textContent()).toBe(String(counts!.total - counts!.on));
    const table = page.getByRole('table', { name: '2FA status per account' });
    const rows = table.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(50);
    // The second page holds the rest.
    await page.getByRole('button', { name: '2', exact: true }).click();
    await expect.poll(() => rows.count()).toBe(counts!.total - 50);
    // Only accounts without 2FA: back to the first page, and no row says "On".
    await page.getByLabel('Only accounts without 2FA').check();
    await expect.poll(() => rows.count()).toBe(Math.min(50, counts!.total - counts!.on));
    expect(await table.getByText('On', { exact: true }).count()).toBe(0);
  });

  it('an admin sets up every method from the Security page and signs in with each, then with a recovery code', async () => {
    // E-mail codes are off for staff unless the setting allows them (NIST SP 800-63B-4): allowed here.
    const EMAIL_FOR_STAFF = `mutation($on: Boolean!) { updateTwoFactorSettings(input: { emailForStaff: $on }) { emailForStaff } }`;
    await reauthenticate(admin);
    expect((await admin.gql(EMAIL_FOR_STAFF, { on: true })).errors).toBeUndefined();
    const context = await browser.newContext();
    try {
      const { email, id } = await createAccount(server, admin, { role: 'ADMIN' });
      const page = await context.newPage();
      await withAuthenticator(context, page);
      await signIn(page, email);
      await page.getByRole('link', { name: 'Security', exact: true }).click();

      // The authenticator app first: it brings the recovery codes.
      await page.getByRole('button', { name: 'Set up authenticator app' }).click();
      const secret = (await page.getByTestId('totp-secret').textContent())!.replace(/\s/g, '');
      await awayFromStepEdge();
      await page.getByLabel('Code from the app').fill(totp(secret, -1));
      await page.getByRole('button', { name: 'Turn on' }).click();
      await page.getByText('Two-factor authentication on').waitFor();
      const recovery = (await page.getByTestId('recovery-codes').locator('p').allTextContents()).map((c) => c.trim());
      expect(recovery).toHaveLength(10);
      // A security key, through the browser's prompt (a virtual authenticator here).
      await page.getByLabel('Device name').fill('Admin key');
      await page.getByRole('button', { name: 'Add security key' }).click();
      await page.getByRole('table', { name: 'Security keys' }).getByText('Admin key').waitFor();
      // E-mail codes, confirmed with the code the SMTP server received.
      const address = uniqueEmail('admin-codes');
      let since = mail.count();
      await page.getByLabel('Address for codes').fill(address);
      await page.getByRole('button', { name: 'Send code' }).click();
      await page.getByLabel('Code from the e-mail').fill(await mail.codeFor(address, since));
      await page.getByRole('button', { name: 'Confirm address' }).click();
      await expect
        .poll(async () => db.query(`select address, status from email_factor where account_id = $1`, [id]))
        .toEqual([{ address, status: 'ACTIVE' }]);

      const dialog = page.getByRole('dialog', { name: 'Two-step verification' });
      const backOnSecurity = () => page.getByRole('heading', { level: 1, name: 'Security' }).waitFor();
      // The app's code.
      await signOut(page);
      await signIn(page, email);
      await dialog.getByText('Authenticator app', { exact: true }).click();
      await awayFromStepEdge();
      await dialog.getByLabel('Code from your authenticator app').fill(totp(secret, 0));
      await dialog.getByRole('button', { name: 'Verify' }).click();
      await backOnSecurity();
      // The security key.
      await signOut(page);
      await signIn(page, email);
      await dialog.getByText('Security key or passkey', { exact: true }).click();
      await dialog.getByRole('button', { name: 'Use security key' }).click();
      await backOnSecurity();
      // An e-mailed code.
      await signOut(page);
      await signIn(page, email);
      await dialog.getByText('E-mail code', { exact: true }).click();
      since = mail.count();
      await dialog.getByRole('button', { name: 'Send code by e-mail' }).click();
      await dialog.getByLabel('Code from the e-mail').fill(await mail.codeFor(address, since));
      await dialog.getByRole('button', { name: 'Verify' }).click();
      await backOnSecurity();
      // A recovery code: the way back without the phone, the key or the mailbox.
      await signOut(page);
      await signIn(page, email);
      await dialog.getByText('Recovery code', { exact: true }).click();
      await dialog.getByRole('textbox', { name: 'Recovery code' }).fill(recovery[0]!);
      await dialog.getByRole('button', { name: 'Verify' }).click();
      await backOnSecurity();
      await page.getByText('9 of 10 recovery codes left.').waitFor();
      const used = await db.query(`select count(*)::int as n from recovery_code where account_id = $1 and used_at is not null`, [
        id,
      ]);
      expect(used).toEqual([{ n: 1 }]);
    } finally {
      await context.close();
      await reauthenticate(admin);
      await admin.gql(EMAIL_FOR_STAFF, { on: false });
    }
  });
});
