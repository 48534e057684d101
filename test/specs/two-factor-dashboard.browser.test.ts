import { readFile } from 'node:fs/promises';
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addVirtualAuthenticator,
  answerDatabaseTimeout,
  askForNewCodes,
  launchBrowser,
  operationOf,
  pageClient,
  submitPassword,
} from '../support/browser.js';
import type { TestDatabase } from '../support/database.js';
import { startStack, type Stack } from '../support/stack.js';
import { createAccount, PASSWORD, reauthenticate, setupAdmin, uniqueEmail } from '../support/factories.js';
import { GqlClient } from '../support/graphql.js';
import { freePort, type RunningServer, withServer } from '../support/server.js';
import type { MailSink } from '../support/smtp.js';
import { totp } from '../support/totp.js';
import { awayFromStepEdge, enrollTotp, Q } from '../support/two-factor.js';

/**
 * The two-factor pages in Chromium beyond the main flows (two-factor.browser.test.ts): dialogs a
 * screen reader can name and the keyboard can drive, pages that show what is true after a change made
 * elsewhere, codes typed as apps show them, and the sign-in page saying why it is shown.
 */
describe('two-factor dashboard details', () => {
  let stack: Stack;
  let db: TestDatabase;
  let server: RunningServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let admin: GqlClient;
  let adminEmail: string;
  let mail: MailSink;

  beforeAll(async () => {
    stack = await startStack('two_factor_dashboard');
    ({ db, mail, server, admin, adminEmail } = stack);
    ({ browser, close: closeBrowser } = await launchBrowser());
  });
  afterAll(async () => {
    await closeBrowser?.();
    await stack?.stop();
  });

  /** E-mail and password sent from the login page (a second step, or Home, comes next). */
  const signIn = (page: Page, email: string, password = PASSWORD) => submitPassword(page, server.url, email, password);
  const withAuthenticator = addVirtualAuthenticator;

  const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent?.trim() ?? null);
  const focusedHeading = (page: Page) =>
    page.evaluate(() => `${document.activeElement?.tagName ?? ''} ${document.activeElement?.textContent?.trim() ?? ''}`);

  /** A new user signed in with the password in a browser (with a virtual key) of its own, on the Security page. */
  async function userOnSecurityPage(opts: { key?: boolean } = {}) {
    const user = await createAccount(server, admin, { role: 'USER' });
    const context = await browser.newContext();
    const page = await context.newPage();
    if (opts.key) await withAuthenticator(context, page);
    await signIn(page, user.email);
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await page.getByRole('link', { name: 'Security', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Security' }).waitFor();
    return { ...user, context, page };
  }

  /** Signs the browser in with password + app code and opens the Security page. */
  async function signedInWithApp(email: string, secret: string) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await awayFromStepEdge();
    await signIn(page, email);
    const dialog = page.getByRole('dialog', { name: 'Two-step verification' });
    await dialog.getByLabel('Code from your authenticator app').fill(totp(secret, 0));
    await dialog.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await page.getByRole('link', { name: 'Security', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Security' }).waitFor();
    return { context, page };
  }

  // ── Defects (FAIL TODAY) ─────────────────────────────────────────────────────────────────────────

  it('every dialog’s close (×) button has an accessible name', async () => {
    const { email, client } = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(client);
    const page = await (await browser.newContext()).newPage();
    await signIn(page, email);
    const popUp = page.getByRole('dialog', { name: 'Two-step verification' });
    await popUp.waitFor();
    // A screen reader reads Mantine's × as just "button".
    const unnamed = (dialog: typeof popUp) =>
      dialog
        .locator('button')
        .evaluateAll((bs) => bs.filter((b) => !(b.getAttribute('aria-label') || b.textContent?.trim())).length);
    expect.soft(await unnamed(popUp)).toBe(0);
    await awayFromStepEdge();
    await popUp.getByLabel('Code from your authenticator app').fill(totp(secret, 0));
    await popUp.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await page.getByRole('link', { name: 'Security', exact: true }).click();
    await page.getByRole('button', { name: 'Generate new recovery codes' }).click();
    const ask = page.getByRole('dialog', { name: 'Generate new recovery codes?' });
    await ask.waitFor();
    expect.soft(await unnamed(ask)).toBe(0);
    await ask.getByRole('button', { name: 'Generate new codes' }).click();
    const reauth = page.getByRole('dialog', { name: 'Confirm it is you' });
    await reauth.waitFor();
    expect(await unnamed(reauth)).toBe(0);
    await page.context().close();
  });

  it('new recovery codes stay shown with no “failed” notice when only the page’s read-back after them fails', async () => {
    const user = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(user.client);
    const { context, page } = await signedInWithApp(user.email, secret);
    // From here the page's read-back of its methods does not reach the server.
    await page.route('**/graphql', (route) =>
      route.request().postData()?.includes('query MyTwoFactor') ? route.abort() : route.continue(),
    );
    await askForNewCodes(page, PASSWORD, totp(secret, 1));
    const shown = page.getByRole('region', { name: /recovery codes/i });
    await shown.waitFor();
    const codes = await db.query(`select count(*)::int as n from recovery_code where account_id = $1 and used_at is null`, [
      user.id,
    ]);
    expect(codes).toEqual([{ n: 10 }]);
    await page.waitForTimeout(500);
    expect(await page.getByText(/failed/i).count()).toBe(0);
    await context.close();
  });

  it('in the e-mail setup, a code from an earlier e-mail (another was sent since) is said as such, not only as “not right”', async () => {
    const { id, context, page } = await userOnSecurityPage();
    const address = uniqueEmail('codes');
    await page.getByLabel('Address for codes').fill(address);
    let since = mail.count();
    await page.getByRole('button', { name: 'Send code' }).click();
    const first = await mail.codeFor(address, since);
    // The cool-down over (the server's, moved back), the page asks again for the same address (after a
    // reload, as from another tab): another code is sent.
    await db.query(`update email_code set sent_at = sent_at - interval '2 minutes' where account_id = $1`, [id]);
    await page.reload();
    await page.getByLabel('Address for codes').fill(address);
    since = mail.count();
    await page.getByRole('button', { name: 'Send code' }).click();
    const second = await mail.codeFor(address, since);
    expect(second).not.toBe(first);
    await page.getByLabel('Code from the e-mail').fill(first);
    await page.getByRole('button', { name: 'Confirm address' }).click();
    const said = page
      .getByRole('alert')
      .getByText('That code is not right. If you asked for another code, enter the one from the latest e-mail.');
    await said.waitFor({ timeout: 10_000 }).catch(async (error: unknown) => {
      throw new Error(`${String(error)}; alerts: ${JSON.stringify(await page.getByRole('alert').allTextContents())}`);
    });
    await page.getByLabel('Code from the e-mail').fill(second);
    await page.getByRole('button', { name: 'Confirm address' }).click();
    await page.getByText('E-mail code is on.').waitFor();
    await context.close();
  });

  it('each Revoke button on My sessions is named for its session, this device’s saying that it signs you out', async () => {
    const { context, page } = await userOnSecurityPage();
    await page.getByRole('link', { name: 'My sessions' }).click();
    await page.getByRole('button', { name: 'Revoke the session of this device (signs you out)' }).waitFor();
    // The account's other session (the one it was set up with), named by its device and address.
    await page
      .getByRole('button', { name: /^Revoke session: .+, \S+$/ })
      .first()
      .waitFor();
    expect(await page.getByRole('button', { name: 'Revoke', exact: true }).count()).toBe(0);
    await context.close();
  });

  it('a key-only account’s pop-up focuses “Use security key”; Enter signs in instead of ending the sign-in', async () => {
    const { email, context, page } = await userOnSecurityPage({ key: true });
    await page.getByLabel('Device name').fill('Only key');
    await page.getByRole('button', { name: 'Add security key' }).click();
    await page.getByRole('table', { name: 'Security keys' }).getByText('Only key').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await signIn(page, email);
    const dialog = page.getByRole('dialog', { name: 'Two-step verification' });
    await dialog.getByRole('button', { name: 'Use security key' }).waitFor();
    // The key button has the focus (not the dialog’s ×, which would end the sign-in on Enter).
    await expect.poll(() => focusedText(page), { timeout: 3_000 }).toBe('Use security key');
    await page.keyboard.press('Enter');
    // Signed in with the key: back on the page it came from, with the dialog gone.
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await dialog.waitFor({ state: 'detached' });
    await context.close();
  });

  it('in the pop-up, arrowing through the methods keeps the focus on them (the key button and code field do not take it)', async () => {
    const { email, client, context, page } = await userOnSecurityPage({ key: true });
    await page.getByLabel('Device name').fill('Desk key');
    await page.getByRole('button', { name: 'Add security key' }).click();
    await page.getByRole('table', { name: 'Security keys' }).getByText('Desk key').waitFor();
    await enrollTotp(client);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await signIn(page, email);
    const dialog = page.getByRole('dialog', { name: 'Two-step verification' });
    // The first method's field has the focus when the pop-up opens.
    await expect
      .poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.autocomplete))
      .toBe('one-time-code');
    const focusedRadio = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLInputElement | null;
        return el?.type === 'radio' ? el.value : null;
      });
    await dialog.getByRole('radio', { name: 'Authenticator app' }).focus();
    await page.keyboard.press('ArrowDown');
    await dialog.getByRole('button', { name: 'Use security key' }).waitFor();
    await expect.poll(focusedRadio).toBe('WEBAUTHN');
    await page.keyboard.press('ArrowDown');
    await dialog.getByRole('textbox', { name: 'Recovery code' }).waitFor();
    await expect.poll(focusedRadio).toBe('RECOVERY_CODE');
    await context.close();
  });

  it('under a policy, removing the last method says before anything else that it cannot go (not that the codes would)', async () => {
    const { email, client, id } = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(client);
    const marked = await admin.gql(`mutation($id: ID!) { setRequiresTwoFactor(accountId: $id, required: true) { accountId } }`, {
      id,
    });
    expect(marked.errors, JSON.stringify(marked)).toBeUndefined();
    const { context, page } = await signedInWithApp(email, secret);
    await page.getByText('Two-factor authentication on').waitFor();
    await page.getByRole('button', { name: 'Remove authenticator app' }).click();
    const question = page.getByRole('dialog', { name: 'Remove the authenticator app?' });
    await question.getByText(/required of your account: set up another method before you remove it/).waitFor();
    expect(await question.getByText(/recovery codes are deleted/).count()).toBe(0);
    await context.close();
  });

  it('removing the last method that can sign you in, beside a key flagged as a copy, says what follows: refused with no recovery code left', async () => {
    const { email, client, id } = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(client);
    await db.query(
      `insert into webauthn_credential (id, account_id, credential_id, public_key, counter, transports, name, created_at, flagged_at)
       values (gen_random_uuid(), $1::uuid, 'cred-' || $1::text, 'pk', 3, '[]', 'Desk key', now(), now())`,
      [id],
    );
    await db.query(`update recovery_code set used_at = now() where account_id = $1`, [id]);
    const { context, page } = await signedInWithApp(email, secret);
    await page.getByText('Two-factor authentication on').waitFor();
    await page.getByRole('button', { name: 'Remove authenticator app' }).click();
    const question = page.getByRole('dialog', { name: 'Remove the authenticator app?' });
    await question
      .getByText(/your last method that can sign you in: .* cannot, and you have no recovery code left\. Remove that first/)
      .waitFor();
    await question.getByRole('button', { name: 'Remove app' }).click();
    // Refused at once, said so, and nothing removed: no confirmation of who you are is asked for a
    // removal that cannot go (it could cost a code for nothing).
    await page
      .getByText(/what would stay .* cannot, and you have no recovery code left\. Remove that first, or set up another method\./)
      .waitFor();
    expect(await page.getByRole('dialog', { name: 'Confirm it is you' }).count()).toBe(0);
    expect(await db.query(`select 1 from totp_authenticator where account_id = $1 and status = 'ACTIVE'`, [id])).toHaveLength(1);
    await page.getByRole('button', { name: 'Remove authenticator app' }).waitFor();
    await context.close();
  });

  it('removing the app after another tab removed it shows the page as it is now (2FA off), not “on”', async () => {
    const { email, client } = await createAccount(server, admin, { role: 'USER' });
    const { secret, recoveryCodes } = await enrollTotp(client);
    const { context, page } = await signedInWithApp(email, secret);
    await page.getByText('Two-factor authentication on').waitFor();
    // Elsewhere (another tab or device): the app is removed.
    const other = new GqlClient(server.url);
    await other.gql(`mutation($i: LoginInput!) { login(input: $i) { __typename } }`, { i: { email, password: PASSWORD } });
    expect(
      (await other.gql(Q.verify, { i: { method: 'RECOVERY_CODE', code: recoveryCodes[0] } })).data!['verifySecondFactor']
        .__typename,
    ).toBe('LoginSuccess');
    await other.gql(Q.reauth, { i: { password: PASSWORD, secondFactor: { method: 'RECOVERY_CODE', code: recoveryCodes[1] } } });
    expect((await other.gql(Q.disableTotp)).data).toEqual({ disableTotp: true });
    // Here: Remove → "This item does not exist…", and the page keeps saying the app is on.
    await page.getByRole('button', { name: 'Remove authenticator app' }).click();
    await page.getByRole('dialog', { name: 'Remove the authenticator app?' }).getByRole('button', { name: 'Remove app' }).click();
    await page.getByText('Two-factor authentication off').waitFor({ timeout: 5_000 });
    expect(await page.getByRole('button', { name: 'Remove authenticator app' }).count()).toBe(0);
    await context.close();
  });

  it('“Set up authenticator app” after another tab switched the app on shows it on, not “off” + “set up already”', async () => {
    const { client, context, page } = await userOnSecurityPage();
    await page.getByText('Two-factor authentication off').waitFor();
    await enrollTotp(client); // another tab / device
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    await page.getByText('Two-factor authentication on').waitFor({ timeout: 5_000 });
    await context.close();
  });

  it('a session revoked elsewhere: the next click lands on sign-in saying the session ended', async () => {
    const { client, context, page } = await userOnSecurityPage();
    const sessions = (await client.gql(`{ mySessions { id current } }`)).data!['mySessions'] as {
      id: string;
      current: boolean;
    }[];
    for (const s of sessions.filter((x) => !x.current))
      await client.gql(`mutation($id: ID!) { revokeSession(id: $id) }`, { id: s.id });
    const probe = new GqlClient(server.url);
    probe.setCookie('sc_session', (await context.cookies()).find((c) => c.name === 'sc_session')!.value);
    await expect.poll(async () => (await probe.gql(`{ me { id } }`)).data?.['me'] ?? null, { interval: 100 }).toBeNull();
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    // Not an empty sign-in form: it says why.
    await page.getByRole('alert').getByText('Your session has ended. Sign in again.').waitFor({ timeout: 3_000 });
    await context.close();
  });

  it('the send button waits the server’s cool-down (60 s), also when the browser’s clock is two minutes slow', async () => {
    const { context, page } = await userOnSecurityPage();
    await page.clock.install({ time: new Date(Date.now() - 120_000) });
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Security' }).waitFor();
    await page.getByLabel('Address for codes').fill(uniqueEmail('codes'));
    await page.getByRole('button', { name: 'Send code' }).click();
    const wait = page.getByRole('button', { name: /^Send again in \d+ s$/ });
    await wait.waitFor();
    const seconds = Number(/(\d+) s$/.exec((await wait.textContent()) ?? '')?.[1]);
    expect(seconds).toBeGreaterThan(50);
    expect(seconds).toBeLessThanOrEqual(60);
    await context.close();
  });

  it('a cool-down refusal (a code sent from another tab) waits the server’s time left, also when the browser’s clock is two minutes slow', async () => {
    const { context, page } = await userOnSecurityPage();
    await page.clock.install({ time: new Date(Date.now() - 120_000) });
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Security' }).waitFor();
    const address = uniqueEmail('codes');
    await page.getByLabel('Address for codes').fill(address);
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.getByRole('button', { name: /^Send again in \d+ s$/ }).waitFor();
    // The page drawn anew (as another tab would be) knows nothing of that send: asking again is refused
    // by the server's cool-down, whose end it counts down.
    await page.reload();
    await page.getByLabel('Address for codes').fill(address);
    await page.getByRole('button', { name: 'Send code' }).click();
    const wait = page.getByRole('button', { name: /^Send again in \d+ s$/ });
    await wait.waitFor();
    const seconds = Number(/(\d+) s$/.exec((await wait.textContent()) ?? '')?.[1]);
    expect(seconds).toBeGreaterThan(30);
    expect(seconds).toBeLessThanOrEqual(61);
    await context.close();
  });

  it('back on the Security page during the cool-down, the e-mailed code already received can be entered', async () => {
    const { context, page } = await userOnSecurityPage();
    const address = uniqueEmail('codes');
    await page.getByLabel('Address for codes').fill(address);
    const since = mail.count();
    await page.getByRole('button', { name: 'Send code' }).click();
    const code = await mail.codeFor(address, since);
    // Went to Home (or reloaded) to fetch the mail, then came back.
    await page.getByRole('link', { name: 'Home', exact: true }).click();
    await page.getByRole('link', { name: 'Security', exact: true }).click();
    await page.getByLabel('Address for codes').fill(address);
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.getByRole('button', { name: /^Send again in \d+ s$/ }).waitFor();
    // "A code was sent moments ago…", and the field to type that code into.
    await page.getByLabel('Code from the e-mail').fill(code, { timeout: 3_000 });
    await page.getByRole('button', { name: 'Confirm address' }).click();
    await page.getByText('Two-factor authentication on').waitFor();
    await context.close();
  });

  it('the keyboard focus goes back to the key’s Rename button after a rename is saved', async () => {
    const { context, page } = await userOnSecurityPage({ key: true });
    await page.getByLabel('Device name').fill('Key one');
    await page.getByRole('button', { name: 'Add security key' }).click();
    const keys = page.getByRole('table', { name: 'Security keys' });
    await keys.getByText('Key one').waitFor();
    await keys.getByRole('button', { name: 'Rename' }).click();
    await keys.getByLabel('New name for Key one').fill('Desk');
    await keys.getByLabel('New name for Key one').press('Enter');
    await keys.getByText('Desk').waitFor();
    await expect.poll(() => focusedText(page)).toBe('Rename');
    // Each row's buttons say which key they act on, for a screen reader's list of buttons.
    await keys.getByRole('button', { name: 'Rename Desk', exact: true }).waitFor();
    await keys.getByRole('button', { name: 'Remove Desk', exact: true }).waitFor();
    await context.close();
  });

  it('renaming a key another tab removed says so, and the list shows it gone (focus on the keys card)', async () => {
    const { id, context, page } = await userOnSecurityPage({ key: true });
    await page.getByLabel('Device name').fill('Key one');
    await page.getByRole('button', { name: 'Add security key' }).click();
    const keys = page.getByRole('table', { name: 'Security keys' });
    await keys.getByText('Key one').waitFor();
    await keys.getByRole('button', { name: 'Rename Key one' }).click();
    await keys.getByLabel('New name for Key one').fill('Desk');
    // Meanwhile removed elsewhere.
    await db.query(`delete from webauthn_credential where account_id = $1 and name = 'Key one'`, [id]);
    await keys.getByLabel('New name for Key one').press('Enter');
    await page.getByText('Key one was removed meanwhile (in another tab or on another device).').waitFor();
    await keys.getByText('Key one').waitFor({ state: 'detached' });
    expect(await keys.getByLabel('New name for Key one').count()).toBe(0);
    await expect.poll(() => focusedHeading(page)).toBe('H2 Security keys and passkeys');
    await context.close();
  });

  it('the keys card does not keep saying a key “is already registered” once that key was removed', async () => {
    const { context, page } = await userOnSecurityPage({ key: true });
    await page.getByLabel('Device name').fill('Key one');
    await page.getByRole('button', { name: 'Add security key' }).click();
    const keys = page.getByRole('table', { name: 'Security keys' });
    await keys.getByText('Key one').waitFor();
    await page.getByLabel('Device name').fill('Key one again');
    await page.getByRole('button', { name: 'Add security key' }).click();
    const stale = page.getByText('This security key or passkey is already registered to your account.');
    await stale.waitFor();
    await keys.getByRole('button', { name: 'Remove Key one' }).click();
    await page.getByRole('dialog', { name: 'Remove Key one?' }).getByRole('button', { name: 'Remove key' }).click();
    const reauth = page.getByRole('dialog', { name: 'Confirm it is you' });
    await reauth.getByLabel('Password').fill(PASSWORD);
    await reauth.getByRole('button', { name: 'Next' }).click();
    await reauth.getByRole('button', { name: 'Use security key' }).click();
    await page.getByText('Two-factor authentication off').waitFor();
    expect(await stale.count()).toBe(0);
    // The keyboard focus, on the removed key's button, went to the keys card (not to the top of the page).
    await expect.poll(() => focusedHeading(page)).toBe('H2 Security keys and passkeys');
    await context.close();
  });

  it('an app code typed as the app shows it (“123 456”) is accepted', async () => {
    const { email, client } = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(client);
    const page = await (await browser.newContext()).newPage();
    await awayFromStepEdge();
    await signIn(page, email);
    const dialog = page.getByRole('dialog', { name: 'Two-step verification' });
    const code = totp(secret, 0);
    const field = dialog.getByLabel('Code from your authenticator app');
    await field.pressSequentially(`${code.slice(0, 3)} ${code.slice(3)}`);
    // Not cut to "123 45" by the field, nor refused by the server for its space.
    await dialog.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor({ timeout: 5_000 });
    await page.context().close();
  });

  it('2FA switched off for the system: the Security page says so, not that the app is of no use; the account page shows the app and offers the reset', async () => {
    const SET = `mutation($i: TwoFactorSettingsInput!) { updateTwoFactorSettings(input: $i) { enabled } }`;
    const user = await createAccount(server, admin, { role: 'USER' });
    await enrollTotp(user.client);
    await reauthenticate(admin);
    expect((await admin.gql(SET, { i: { enabled: false } })).errors).toBeUndefined();
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      // The password alone signs in now.
      await signIn(page, user.email);
      await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
      await page.getByRole('link', { name: 'Security', exact: true }).click();
      await page.getByText('Two-factor authentication switched off for everyone').waitFor();
      await page.getByText('Switched off by an administrator').waitFor();
      const main = await page.locator('main').innerText();
      expect(main).not.toContain('no usable method');
      expect(main).not.toContain('uses up one of your recovery codes');
      await context.close();
      const adminContext = await browser.newContext();
      const adminPage = await adminContext.newPage();
      await signIn(adminPage, adminEmail);
      await adminPage.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
      await adminPage.goto(`${server.url}/users/${user.id}`);
      const card = adminPage.getByTestId('account-two-factor');
      await card.getByText('Methods: Authenticator app').waitFor();
      await card.getByText('Two-factor authentication is switched off for the system: no sign-in asks for these now.').waitFor();
      expect(await adminPage.getByRole('button', { name: 'Reset two-factor authentication' }).isEnabled()).toBe(true);
      await adminContext.close();
    } finally {
      await reauthenticate(admin);
      expect((await admin.gql(SET, { i: { enabled: true } })).errors).toBeUndefined();
    }
  });

  it('keyboard: after a refused code sent with the button, or a code asked for by e-mail, the code field has the focus (pop-up and set-up page)', async () => {
    const hasFocus = (field: ReturnType<Page['getByLabel']>) => field.evaluate((el) => el === document.activeElement);
    const { email, client } = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(client);
    const address = uniqueEmail('codes');
    let since = mail.count();
    await client.gql(Q.startEmail, { a: address });
    await client.gql(Q.confirmEmail, { c: await mail.codeFor(address, since) });
    const page = await (await browser.newContext()).newPage();
    await signIn(page, email);
    const dialog = page.getByRole('dialog', { name: 'Two-step verification' });
    const field = dialog.getByLabel('Code from your authenticator app');
    await field.fill(totp(secret, 0) === '000000' ? '111111' : '000000');
    // Verify pressed with the keyboard (it is disabled while busy, which took the focus with it).
    await dialog.getByRole('button', { name: 'Verify' }).focus();
    await page.keyboard.press('Enter');
    await dialog.getByRole('alert').waitFor();
    await expect.poll(() => hasFocus(field)).toBe(true);
    await dialog.getByText('E-mail code', { exact: true }).click();
    since = mail.count();
    await dialog.getByRole('button', { name: 'Send code by e-mail' }).focus();
    await page.keyboard.press('Enter');
    await dialog.getByRole('button', { name: /^Send again in \d+ s$/ }).waitFor();
    const emailField = dialog.getByLabel('Code from the e-mail');
    await expect.poll(() => hasFocus(emailField)).toBe(true);
    // The code typed next lands in the field, and signs in.
    await page.keyboard.type(await mail.codeFor(address, since));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await page.context().close();

    // The set-up page a policy leads to: "Turn on" with a wrong code.
    const marked = await createAccount(server, admin, { role: 'USER' });
    await admin.gql(`mutation($id: ID!) { setRequiresTwoFactor(accountId: $id, required: true) { accountId } }`, {
      id: marked.id,
    });
    const setup = await (await browser.newContext()).newPage();
    await signIn(setup, marked.email);
    await setup.getByRole('button', { name: 'Set up authenticator app' }).click();
    const newSecret = (await setup.getByTestId('totp-secret').textContent())!.replace(/\s/g, '');
    const appField = setup.getByLabel('Code from the app');
    await appField.fill(totp(newSecret, 0) === '000000' ? '111111' : '000000');
    await setup.getByRole('button', { name: 'Turn on' }).focus();
    await setup.keyboard.press('Enter');
    await setup.getByRole('alert').first().waitFor();
    await expect.poll(() => hasFocus(appField)).toBe(true);
    await setup.context().close();
  });

  it('the app setup offers the otpauth:// link (a phone cannot scan its own screen)', async () => {
    const { context, page } = await userOnSecurityPage();
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    await page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
    expect(await page.locator('a[href^="otpauth://"]').count()).toBeGreaterThan(0);
    await context.close();
  });

  it('at 375 px wide the security keys table scrolls sideways: a key’s Remove button can be reached and pressed', async () => {
    const { context, page } = await userOnSecurityPage({ key: true });
    await page.setViewportSize({ width: 375, height: 800 });
    const name = 'YubiKey5C_NFC_on_the_blue_keyring_by_the_front_door';
    await page.getByLabel('Device name').fill(name);
    await page.getByRole('button', { name: 'Add security key' }).click();
    const keys = page.getByRole('table', { name: 'Security keys' });
    await keys.getByText(name).waitFor();
    const remove = keys.getByRole('button', { name: `Remove ${name}` });
    await remove.scrollIntoViewIfNeeded();
    // The table scrolls within its card: the page itself does not scroll (or spill) sideways.
    expect(await page.evaluate(() => [window.scrollX, document.documentElement.scrollWidth])).toEqual([0, 375]);
    const box = (await remove.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(375);
    // Not under the card's clipped edge: a tap on the button lands on the button.
    expect(
      await remove.evaluate((b) => {
        const r = b.getBoundingClientRect();
        const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
        return hit !== null && b.contains(hit);
      }),
    ).toBe(true);
    await remove.click({ timeout: 3_000 });
    await page.getByRole('dialog', { name: `Remove ${name}?` }).waitFor();
    await context.close();
  });

  it('the keyboard focus goes back to “Add security key” after a key was added, and to the name field after the browser refused', async () => {
    const { context, page } = await userOnSecurityPage({ key: true });
    const nameField = page.getByLabel('Device name');
    await nameField.fill('Key one');
    await page.getByRole('button', { name: 'Add security key' }).click();
    await page.getByRole('table', { name: 'Security keys' }).getByText('Key one').waitFor();
    await expect.poll(() => focusedText(page)).toBe('Add security key');
    // The same key again: the browser's prompt refuses it.
    await nameField.fill('Key one again');
    await page.getByRole('button', { name: 'Add security key' }).click();
    await page.getByText('This security key or passkey is already registered to your account.').waitFor();
    await expect.poll(() => nameField.evaluate((el) => el === document.activeElement)).toBe(true);
    await context.close();
  });

  it('at 20 security keys the Security page says so instead of asking for a name, also when the 20th was added elsewhere meanwhile', async () => {
    const { id, context, page } = await userOnSecurityPage({ key: true });
    await page.getByLabel('Device name').fill('Key one');
    await page.getByRole('button', { name: 'Add security key' }).click();
    const table = page.getByRole('table', { name: 'Security keys' });
    await table.getByText('Key one').waitFor();
    // Nineteen more added elsewhere (another tab, the API): this page still shows one and offers to add.
    await db.query(
      `insert into webauthn_credential (id, account_id, credential_id, public_key, counter, transports, name, created_at, flagged_at)
       select gen_random_uuid(), $1::uuid, 'cred-' || gen_random_uuid()::text, 'pk', 0, '[]', 'Spare ' || g, now(), null
         from generate_series(1, 19) g`,
      [id],
    );
    await page.getByLabel('Device name').fill('Key 21');
    await page.getByRole('button', { name: 'Add security key' }).click();
    await page
      .getByRole('status')
      .getByText('You have 20 security keys, the most an account can have. Remove one you no longer use to add another.')
      .waitFor();
    await table.getByText('Spare 19').waitFor();
    expect(await page.getByRole('button', { name: 'Add security key' }).count()).toBe(0);
    expect(await page.getByLabel('Device name').count()).toBe(0);
    await context.close();
  });

  it('a device name the server refuses is marked on the Device name field, not said in a general alert', async () => {
    const { context, page } = await userOnSecurityPage({ key: true });
    const nameField = page.getByLabel('Device name');
    await nameField.fill('   ');
    await page.getByRole('button', { name: 'Add security key' }).click();
    await expect.poll(() => nameField.getAttribute('aria-invalid')).toBe('true');
    const form = page.getByRole('form', { name: 'Security key setup' });
    await form.getByText('Give the device a name of 1 to 64 characters.').waitFor();
    expect(await page.getByRole('alert').filter({ hasText: 'Give the device a name' }).count()).toBe(0);
    await context.close();
  });

  it('an app setup whose method an admin disallowed meanwhile ends and shows the method as not allowed (no stale QR and “Turn on”)', async () => {
    const SETTINGS = `{ twoFactorSettings { allowedMethods } }`;
    const SET = `mutation($i: TwoFactorSettingsInput!) { updateTwoFactorSettings(input: $i) { allowedMethods } }`;
    const { context, page } = await userOnSecurityPage();
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent())!.replace(/\s/g, '');
    await reauthenticate(admin);
    const before = (await admin.gql(SETTINGS)).data!['twoFactorSettings'].allowedMethods as string[];
    const changed = await admin.gql(SET, { i: { allowedMethods: before.filter((m) => m !== 'TOTP') } });
    expect(changed.errors, JSON.stringify(changed)).toBeUndefined();
    try {
      await awayFromStepEdge();
      await page.getByLabel('Code from the app').fill(totp(secret, 0));
      await page.getByRole('button', { name: 'Turn on' }).click();
      await page.getByText('Not allowed by the system settings.').waitFor({ timeout: 5_000 });
      expect(await page.getByRole('button', { name: 'Turn on' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Start over with a new QR code' }).count()).toBe(0);
      expect(await page.getByRole('img', { name: 'QR code for your authenticator app' }).count()).toBe(0);
    } finally {
      await reauthenticate(admin);
      expect((await admin.gql(SET, { i: { allowedMethods: before } })).errors).toBeUndefined();
    }
    await context.close();
  });

  it('informational notes on the Security page are statuses, not alerts (a second method advised, few codes left, 2FA required)', async () => {
    const { email, client, id } = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(client);
    await db.query(
      `update recovery_code set used_at = now() where id in (select id from recovery_code where account_id = $1 limit 8)`,
      [id],
    );
    const { context, page } = await signedInWithApp(email, secret);
    await page.getByRole('status').filter({ hasText: 'Add a second method' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Few recovery codes are left' }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    await context.close();

    const required = await userOnSecurityPage();
    await db.query(`update account set requires_two_factor = true where id = $1`, [required.id]);
    // Once the server has heard of the change (it keeps the page's session and account in memory).
    const asPage = await pageClient(required.page, server.url);
    await expect
      .poll(async () => (await asPage.gql(`{ myTwoFactor { required } }`)).data?.['myTwoFactor']?.required, { interval: 20 })
      .toBe(true);
    await required.page.reload();
    await required.page.getByRole('status').filter({ hasText: 'Your account must use two-factor authentication' }).waitFor();
    expect(await required.page.getByRole('alert').count()).toBe(0);
    await required.context.close();
  });

  it('the downloaded recovery codes are named for the site and day, and say whose they are and that a new set replaces them', async () => {
    const { email, client } = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(client);
    const { context, page } = await signedInWithApp(email, secret);
    await askForNewCodes(page, PASSWORD, totp(secret, 1));
    await page.getByTestId('recovery-codes').waitFor();
    const shown = (await page.getByTestId('recovery-codes').locator('p').allTextContents()).map((c) => c.trim());
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download' }).click()]);
    const now = new Date();
    const day = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
    const host = new URL(server.url).host;
    expect(download.suggestedFilename()).toBe(`recovery-codes-${host.replace(/[^A-Za-z0-9.-]/g, '_')}-${day}.txt`);
    const lines = (await readFile(await download.path(), 'utf8')).trim().split('\n');
    const header = lines.slice(0, lines.indexOf(''));
    expect(header).toEqual(['Security Center recovery codes', `Account: ${email}`, `Site: ${host}`, `Generated: ${day}`]);
    const first = lines.indexOf(shown[0]!);
    expect(lines.slice(first, first + 10)).toEqual(shown);
    expect(lines.at(-1)).toMatch(/works once.*new set replaces this one/);
    await context.close();
  });

  it('an expired e-mail code is not answered with “Ask for a new one” while the send button still counts down', async () => {
    const { id, context, page } = await userOnSecurityPage();
    const address = uniqueEmail('codes');
    await page.getByLabel('Address for codes').fill(address);
    const since = mail.count();
    await page.getByRole('button', { name: 'Send code' }).click();
    const code = await mail.codeFor(address, since);
    await db.query(`update email_code set expires_at = now() - interval '1 minute' where account_id = $1`, [id]);
    await page.getByLabel('Code from the e-mail').fill(code);
    await page.getByRole('button', { name: 'Confirm address' }).click();
    const said = page.getByRole('alert').filter({ hasText: 'expired' });
    await said.waitFor();
    await page.getByRole('button', { name: /^Send again in \d+ s$/ }).waitFor();
    expect(await said.textContent()).not.toContain('Ask for a new one');
    expect(await said.textContent()).toContain('when the send button allows');
    await context.close();
  });

  it('starting the app setup puts the keyboard focus on its code field (the start button is gone)', async () => {
    const { context, page } = await userOnSecurityPage();
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    const field = page.getByLabel('Code from the app');
    await field.waitFor();
    await expect.poll(() => field.evaluate((el) => el === document.activeElement)).toBe(true);
    await context.close();
  });

  it('a lock met while confirming it is you shows on the page too, not only in the dialog', async () => {
    const { email, client, id } = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(client);
    const { context, page } = await signedInWithApp(email, secret);
    const notice = page.getByText('Two-step sign-in is locked after too many wrong codes. An administrator must unlock it.');
    expect(await notice.count()).toBe(0);
    // Wrong codes elsewhere locked the second step meanwhile.
    await db.query(
      `insert into two_factor_state (account_id, consecutive_failures, locked_at) values ($1, 100, now())
       on conflict (account_id) do update set consecutive_failures = 100, locked_at = now()`,
      [id],
    );
    await askForNewCodes(page, PASSWORD, totp(secret, 1));
    await page
      .getByRole('dialog', { name: 'Confirm it is you' })
      .getByRole('alert')
      .getByText(/locked/i)
      .waitFor();
    await notice.waitFor();
    await context.close();
  });

  it('the app setup says when it expires; once expired, the focus is on “Set up authenticator app” and the old app entry is to be removed', async () => {
    const { id, context, page } = await userOnSecurityPage();
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent())!.replace(/\s/g, '');
    await page.getByText(/^This setup expires at \d{1,2}:\d{2}/).waitFor();
    await db.query(`update totp_authenticator set expires_at = now() - interval '1 minute' where account_id = $1`, [id]);
    await awayFromStepEdge();
    const field = page.getByLabel('Code from the app');
    await field.fill(totp(secret, 0));
    await page.getByRole('button', { name: 'Turn on' }).focus();
    await page.keyboard.press('Enter');
    await page
      .getByRole('alert')
      .getByText(/If you added it to your authenticator app, remove that entry/)
      .waitFor();
    await expect.poll(() => focusedText(page)).toBe('Set up authenticator app');
    await context.close();
  });

  it('an app turned on takes its QR code and key off the page at once, also when the page cannot read its methods again', async () => {
    const { context, page } = await userOnSecurityPage();
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    const qr = page.getByRole('img', { name: 'QR code for your authenticator app' });
    await qr.waitFor();
    const secret = (await page.getByTestId('totp-secret').textContent())!.replace(/\s/g, '');
    // From now on, the page's re-read of the methods fails (as with a database that is slow to answer).
    await page.route('**/graphql', (route) =>
      operationOf(route) === 'MyTwoFactor' ? answerDatabaseTimeout(route) : route.fallback(),
    );
    await awayFromStepEdge();
    await page.getByLabel('Code from the app').fill(totp(secret, 0));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByRole('status').getByText('Turned on. The QR code and the key are no longer shown.').waitFor();
    expect(await qr.count()).toBe(0);
    expect(await page.getByTestId('totp-secret').count()).toBe(0);
    expect(await page.getByText(secret).count()).toBe(0);
    // The new recovery codes (from the answer itself) are shown, and keep the focus.
    const codes = page.getByRole('region', { name: 'Recovery codes' });
    await codes.getByTestId('recovery-codes').waitFor();
    await expect.poll(() => codes.evaluate((el) => el === document.activeElement)).toBe(true);
    await context.close();
  });

  it('an app turned on as a second method leaves the focus on its card’s heading once the page shows it on', async () => {
    const { context, page, email } = await userOnSecurityPage();
    // E-mail codes first (through the page's own session): the app is the second method, so no new
    // recovery codes come to take the focus.
    const client = await pageClient(page, server.url);
    const since = mail.count();
    expect((await client.gql(Q.startEmail, { a: email })).data!['startEmailEnrollment'].__typename).toBe('EmailCodeSent');
    const enrolled = await client.gql(Q.confirmEmail, { c: await mail.codeFor(email, since) });
    expect(enrolled.data!['confirmEmailEnrollment'].__typename).toBe('TwoFactorEnabled');
    await page.reload();
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent())!.replace(/\s/g, '');
    await awayFromStepEdge();
    await page.getByLabel('Code from the app').fill(totp(secret, 0));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByRole('button', { name: 'Remove authenticator app' }).waitFor();
    await expect.poll(() => focusedHeading(page)).toBe('H2 Authenticator app');
    await context.close();
  });

  it('an app setup left open past its 15 minutes goes off the page then (no QR code to scan that can never be turned on)', async () => {
    const { context, page } = await userOnSecurityPage();
    await page.clock.install();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Security' }).waitFor();
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    const qr = page.getByRole('img', { name: 'QR code for your authenticator app' });
    await qr.waitFor();
    const focused = (label: string) => page.getByLabel(label).evaluate((el) => el === document.activeElement);
    await expect.poll(() => focused('Code from the app')).toBe(true);
    await page.clock.runFor(14 * 60_000);
    expect(await qr.isVisible()).toBe(true);
    await page.clock.runFor(60_000 + 1_000);
    await qr.waitFor({ state: 'detached' });
    expect(await page.getByTestId('totp-secret').count()).toBe(0);
    await page
      .getByRole('alert')
      .getByText(/This setup expired before it was turned on\. If you added it to your authenticator app, remove that entry/)
      .waitFor();
    // The code field had the focus: it goes to the button that starts a new setup.
    await expect.poll(() => focusedText(page)).toBe('Set up authenticator app');
    // A new setup lapses 15 minutes after it started, not at the first one's time.
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    await qr.waitFor();
    await page.clock.runFor(10 * 60_000);
    const secretShown = () => page.getByTestId('totp-secret').textContent();
    const before = await secretShown();
    await page.getByRole('button', { name: 'Start over with a new QR code' }).click();
    // (The new setup on the page before the clock runs on.)
    await expect.poll(secretShown).not.toBe(before);
    await page.clock.runFor(10 * 60_000);
    expect(await qr.isVisible()).toBe(true);
    // Lapsing while the focus is elsewhere on the page leaves the focus there.
    await page.getByLabel('Address for codes').focus();
    await page.clock.runFor(5 * 60_000 + 1_000);
    await qr.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Set up authenticator app' }).waitFor();
    expect(await focused('Address for codes')).toBe(true);
    await context.close();
  });

  // ── Checked and fine (PASS) ─────────────────────────────────────────────────────────────────────

  it('the pop-up focuses the code, says wrong codes as sentences, then the limit with its time (past the sign-in’s end: sign in again)', async () => {
    const { email, client } = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(client);
    const page = await (await browser.newContext()).newPage();
    await signIn(page, email);
    const dialog = page.getByRole('dialog', { name: 'Two-step verification' });
    const field = dialog.getByLabel('Code from your authenticator app');
    await field.waitFor();
    await expect
      .poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.autocomplete))
      .toBe('one-time-code');
    const wrong = totp(secret, 0) === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      await field.fill(wrong);
      await field.press('Enter');
      await dialog.getByRole('alert').getByText('That code is not right. Check it and try again.').waitFor();
      expect(await field.inputValue()).toBe('');
    }
    await field.fill(wrong);
    await field.press('Enter');
    // The limit gives way 15 minutes after the first wrong code, after this sign-in's end (10 minutes
    // after the password): the pop-up ends, and the sign-in page says when to sign in again.
    await dialog.waitFor({ state: 'detached' });
    await page
      .getByRole('alert')
      .getByText(/^Too many wrong codes\. Sign in again after .+\.$/)
      .waitFor();
    expect(await page.getByText('[object Object]').count()).toBe(0);
    await page.context().close();
  });

  it('new recovery codes: copy and download hold exactly the codes shown; the count is right; the focus stays on them after the confirmation', async () => {
    const { email, client } = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(client);
    const { context, page } = await signedInWithApp(email, secret);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await askForNewCodes(page, PASSWORD, totp(secret, 1));
    await page.getByTestId('recovery-codes').waitFor();
    const shown = (await page.getByTestId('recovery-codes').locator('p').allTextContents()).map((c) => c.trim());
    expect(shown).toHaveLength(10);
    // The keyboard focus is on the new codes (not taken back to the button once the page is read again).
    await page.getByText('10 of 10 recovery codes left.').waitFor();
    await page.waitForTimeout(300);
    expect(
      await page.evaluate(
        () => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent?.slice(0, 40),
      ),
    ).toMatch(/recovery codes/i);
    await page.getByRole('button', { name: 'Copy codes' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shown.join('\n'));
    const href = (await page.getByRole('link', { name: 'Download' }).getAttribute('href'))!;
    const lines = decodeURIComponent(href.slice(href.indexOf(',') + 1)).split('\n');
    const first = lines.indexOf(shown[0]!);
    expect(lines.slice(first, first + 10)).toEqual(shown);
    await page.getByText('10 of 10 recovery codes left.').waitFor();
    await context.close();
  });

  it('required enrollment right after the password, then Home and Security show 2FA on', async () => {
    const { email, id } = await createAccount(server, admin, { role: 'USER' });
    await db.query(`update account set requires_two_factor = true where id = $1`, [id]);
    const page = await (await browser.newContext()).newPage();
    await signIn(page, email);
    await page.getByText(`Signed in as ${email}.`, { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent())!;
    expect(secret).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
    await awayFromStepEdge();
    await page.getByLabel('Code from the app').fill(totp(secret.replace(/\s/g, ''), 0));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByRole('region', { name: 'Recovery codes' }).waitFor();
    // Shown only here: going on asks first that they were saved.
    const onward = page.getByRole('button', { name: 'Continue' });
    expect(await onward.isDisabled()).toBe(true);
    await page.getByLabel('I have saved my recovery codes').check();
    await onward.click();
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await page.getByRole('link', { name: 'Security', exact: true }).click();
    await page.getByText('Two-factor authentication on').waitFor();
    await page.getByText('10 of 10 recovery codes left.').waitFor();
    await page.context().close();
  });

  it('the compliance page says when the filtered accounts could not be loaded, rather than leaving the earlier rows as if filtered', async () => {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, adminEmail);
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await page.getByRole('link', { name: '2FA compliance' }).click();
    const table = page.getByRole('table', { name: '2FA status per account' });
    await table.getByRole('row').nth(1).waitFor();
    const failing = (route: Route) => {
      const body = route.request().postData() ?? '';
      return body.includes('TwoFactorCompliancePage') && body.includes('"without":true') ? route.abort() : route.continue();
    };
    await page.route('**/graphql', failing);
    await page.getByLabel('Only accounts without 2FA').check();
    const said = page.getByRole('alert').filter({ hasText: 'Could not load these accounts' });
    await said.waitFor();
    expect(await table.getAttribute('aria-busy')).toBe('true');
    // Reachable again: tried again, the filtered rows come and the notice goes.
    await page.unroute('**/graphql', failing);
    await said.getByRole('button', { name: 'Try again' }).click();
    await said.waitFor({ state: 'detached' });
    await expect.poll(() => table.getByText('On', { exact: true }).count()).toBe(0);
    expect(await table.getAttribute('aria-busy')).toBe('false');
    await page.context().close();
  });

  it('the compliance page shows a marked user without a method as “Required, off”, also under the filter, and one whose only key is flagged as unable to sign in', async () => {
    const marked = await createAccount(server, admin, { role: 'USER' });
    await db.query(`update account set requires_two_factor = true where id = $1`, [marked.id]);
    // Its only factor a key flagged as a possible clone, and no recovery code.
    const flagged = await createAccount(server, admin, { role: 'USER' });
    await db.query(
      `insert into webauthn_credential (id, account_id, credential_id, public_key, counter, transports, name, created_at, flagged_at)
       values (gen_random_uuid(), $1, $2, 'AAAA', 0, '[]', 'Desk key', now(), now())`,
      [flagged.id, `flagged-${flagged.id}`],
    );
    const disabled = await createAccount(server, admin, { role: 'USER' });
    await db.query(
      `insert into webauthn_credential (id, account_id, credential_id, public_key, counter, transports, name, created_at, flagged_at)
       values (gen_random_uuid(), $1, $2, 'AAAA', 0, '[]', 'Desk key', now(), now())`,
      [disabled.id, `flagged-${disabled.id}`],
    );
    await db.query(`update account set disabled_at = now() where id = $1`, [disabled.id]);
    const page = await (await browser.newContext()).newPage();
    await signIn(page, adminEmail);
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await page.getByRole('link', { name: '2FA compliance' }).click();
    const table = page.getByRole('table', { name: '2FA status per account' });
    const row = table.getByRole('row').filter({ hasText: marked.email });
    await row.getByText('Required, off').waitFor();
    const stuck = table.getByRole('row').filter({ hasText: flagged.email });
    await stuck.getByText('Cannot sign in: reset its 2FA').waitFor();
    await stuck.getByText('Security key or passkey (flagged as a possible clone)').waitFor();
    await page
      .getByRole('status')
      .getByText(/cannot sign in until (its|their) 2FA is reset/)
      .waitFor();
    // One that is disabled signs in with nothing anyway: said so, not "reset its 2FA".
    const off = table.getByRole('row').filter({ hasText: disabled.email });
    await off.getByText('Disabled, no usable method').waitFor();
    await page.getByLabel('Only accounts without 2FA').check();
    // (The unfiltered rows stay on screen until the filtered ones arrive.)
    await expect.poll(() => table.getByText('On', { exact: true }).count()).toBe(0);
    await row.getByText('Required, off').waitFor();
    await stuck.getByText('Cannot sign in: reset its 2FA').waitFor();
    await page.context().close();
  });

  it('on a server reached by an IP address, adding a key and signing in with one say why keys cannot be used, not “not allowed by the settings”', async () => {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    await withServer(
      'two_factor_dashboard_ip',
      { PORT: String(port), PUBLIC_URL: origin, SMTP_URL: mail.url },
      async (ipServer, ipDb) => {
        const { email, id } = await setupAdmin(ipServer);
        const why = /reached by an IP address, which browsers refuse for them\. Use another method/;
        const context = await browser.newContext();
        const page = await context.newPage();
        await withAuthenticator(context, page);
        await submitPassword(page, origin, email, PASSWORD);
        await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
        await page.getByRole('link', { name: 'Security', exact: true }).click();
        await page.getByLabel('Device name').fill('Desk key');
        await page.getByRole('button', { name: 'Add security key' }).click();
        await page.getByText(why).waitFor();
        await expect(page.getByText('This method is not allowed for your account by the system settings.').count()).resolves.toBe(
          0,
        );
        expect(await ipDb.query(`select 1 from webauthn_credential where account_id = $1`, [id])).toEqual([]);
        await context.close();
        // A key registered while the server had a domain name: the sign-in pop-up says the same.
        await ipDb.query(
          `insert into webauthn_credential (id, account_id, credential_id, public_key, counter, transports, name, created_at)
         values (gen_random_uuid(), $1, 'AAAA', 'AAAA', 0, '[]', 'Old key', now())`,
          [id],
        );
        const again = await (await browser.newContext()).newPage();
        await submitPassword(again, origin, email, PASSWORD);
        const popUp = again.getByRole('dialog', { name: 'Two-step verification' });
        await popUp.getByRole('button', { name: 'Use security key' }).click();
        await popUp.getByText(why).waitFor();
        await again.context().close();
      },
    );
  });
});
