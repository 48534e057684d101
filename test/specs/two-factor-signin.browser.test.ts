import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askForNewCodes, launchBrowser, submitPassword } from '../support/browser.js';
import type { TestDatabase } from '../support/database.js';
import { startStack, type Stack } from '../support/stack.js';
import { createAccount, PASSWORD, reauthenticate, uniqueEmail } from '../support/factories.js';
import { GqlClient } from '../support/graphql.js';
import type { RunningServer } from '../support/server.js';
import type { MailSink } from '../support/smtp.js';
import { totp } from '../support/totp.js';
import { awayFromStepEdge, enrollTotp, loginStep, Q } from '../support/two-factor.js';

/**
 * The sign-in pop-up and the enrollment-only page in Chromium: what they say about the sign-in's own
 * end, about limits that outlast it, about why only a recovery code is asked for, and sentences that
 * fit the method (a used recovery code, codes e-mailed too often).
 */
describe('two-factor sign-in pop-up and enrollment page', () => {
  let stack: Stack;
  let db: TestDatabase;
  let server: RunningServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let admin: GqlClient;
  let mail: MailSink;

  beforeAll(async () => {
    // A browser context may sign in "from" another address (its X-Forwarded-For header).
    stack = await startStack('two_factor_signin', { TRUSTED_PROXIES: '127.0.0.1' });
    ({ db, mail, server, admin } = stack);
    ({ browser, close: closeBrowser } = await launchBrowser());
  });
  afterAll(async () => {
    await closeBrowser?.();
    await stack?.stop();
  });

  /** E-mail and password sent from the login page, in a browser of its own (a second step comes next). */
  async function signInNewBrowser(email: string): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await submitPassword(page, server.url, email, PASSWORD);
    return page;
  }

  /**
   * A spent budget (`failure_counter`, the default window of 15 minutes): `count` taken, the window
   * begun `startedAgo` (an SQL interval); answers when it gives way.
   */
  async function spend(key: string, count: number, startedAgo: string): Promise<Date> {
    const [row] = await db.query<{ until: Date }>(
      `insert into failure_counter (key, count, window_start) values ($1, $2, now() - $3::interval)
       on conflict (key) do update set count = excluded.count, window_start = excluded.window_start
       returning window_start + interval '15 minutes' as until`,
      [key, count, startedAgo],
    );
    return row!.until;
  }

  /** An instant as the page says a retry time: the next whole minute, in the browser's own clock format. */
  const minuteAfter = (page: Page, at: Date) =>
    page.evaluate(
      (ms) => new Date(Math.ceil(ms / 60_000) * 60_000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }),
      at.getTime(),
    );

  /** When the waiting sign-in of the page ends (asked of the server), and that time as the page says it. */
  const pendingEnds = (page: Page) =>
    page.evaluate(async () => {
      const res = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ pendingSignIn { expiresAt } }' }),
      });
      const iso = ((await res.json()) as { data: { pendingSignIn: { expiresAt: string } } }).data.pendingSignIn.expiresAt;
      return { at: Date.parse(iso), time: new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) };
    });

  /** A user whose only method is e-mail codes (recovery codes aside). */
  async function emailOnlyUser() {
    const user = await createAccount(server, admin, { role: 'USER' });
    const address = uniqueEmail('codes');
    const since = mail.count();
    await user.client.gql(Q.startEmail, { a: address });
    const confirmed = await user.client.gql(Q.confirmEmail, { c: await mail.codeFor(address, since) });
    expect(confirmed.data?.['confirmEmailEnrollment']?.__typename, JSON.stringify(confirmed)).toBe('TwoFactorEnabled');
    return { ...user, address };
  }

  it('wrong codes spent until after the sign-in ends: the pop-up ends and the sign-in page says to sign in again after that time', async () => {
    const { email, id, client } = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(client);
    // Five wrong codes for this account just now: the budget gives way in 15 minutes, the sign-in ends in 10.
    const until = await spend(`2fa:acct:${id}`, 5, '0 minutes');
    const page = await signInNewBrowser(email);
    const dialog = page.getByRole('dialog', { name: 'Two-step verification' });
    await awayFromStepEdge();
    await dialog.getByLabel('Code from your authenticator app').fill(totp(secret, 0));
    await dialog.getByRole('button', { name: 'Verify' }).click();
    await dialog.waitFor({ state: 'detached' });
    const at = await minuteAfter(page, until);
    await page.getByRole('alert').getByText(`Too many wrong codes. Sign in again after ${at}.`).waitFor();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.getByText('You can try again at').count()).toBe(0);
    await page.context().close();
  });

  it('the pop-up says by when to finish (the sign-in’s end); a time to try again within it is said in the pop-up', async () => {
    const { email, id, client } = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(client);
    // Spent ten minutes ago: it gives way in five, before the sign-in ends.
    const until = await spend(`2fa:acct:${id}`, 5, '10 minutes');
    const page = await signInNewBrowser(email);
    const dialog = page.getByRole('dialog', { name: 'Two-step verification' });
    await dialog.waitFor();
    const ends = await pendingEnds(page);
    await dialog.getByText(`Finish by ${ends.time}:`).waitFor();
    await awayFromStepEdge();
    await dialog.getByLabel('Code from your authenticator app').fill(totp(secret, 0));
    await dialog.getByRole('button', { name: 'Verify' }).click();
    const at = await minuteAfter(page, until);
    await dialog.getByRole('alert').getByText(`Too many attempts. You can try again at ${at}.`).waitFor();
    // The time said is not after the sign-in's end.
    expect(Math.ceil(until.getTime() / 60_000) * 60_000).toBeLessThanOrEqual(ends.at);
    await page.context().close();
  });

  it('the enrollment-only page says by when to finish, and no setup or e-mailed code is said to last past the sign-in; “is on” is a status', async () => {
    const { email, id } = await createAccount(server, admin, { role: 'USER' });
    await db.query(`update account set requires_two_factor = true where id = $1`, [id]);
    const page = await signInNewBrowser(email);
    await page.getByText(`Signed in as ${email}.`, { exact: false }).waitFor();
    const ends = await pendingEnds(page);
    await page.getByText(`Finish by ${ends.time}:`).waitFor();
    // The app's setup would last 15 minutes; the sign-in it finishes ends first.
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    await page
      .getByTestId('totp-setup-expires')
      .filter({ hasText: `This setup expires at ${ends.time}.` })
      .waitFor();
    // An e-mailed code is good for 10 minutes; the sign-in ends before.
    const address = uniqueEmail('enroll');
    await page.getByLabel('Address for codes').fill(address);
    const since = mail.count();
    await page.getByRole('button', { name: 'Send code' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `A code is on its way to ${address}. Enter it by ${ends.time}, when this sign-in ends.` })
      .waitFor();
    await page.getByLabel('Code from the e-mail').fill(await mail.codeFor(address, since));
    await page.getByRole('button', { name: 'Confirm address' }).click();
    await page.getByRole('status').filter({ hasText: 'Two-factor authentication is on. You are signed in.' }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.context().close();
  });

  it('a sign-in that can only take a recovery code (e-mail codes taken from staff) says why', async () => {
    const SET = `mutation($i: TwoFactorSettingsInput!) { updateTwoFactorSettings(input: $i) { emailForStaff } }`;
    await reauthenticate(admin);
    expect((await admin.gql(SET, { i: { emailForStaff: true } })).errors).toBeUndefined();
    try {
      const staff = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['READ_AUDIT_LOG'] });
      const since = mail.count();
      await staff.client.gql(Q.startEmail, { a: staff.email });
      const confirmed = await staff.client.gql(Q.confirmEmail, { c: await mail.codeFor(staff.email, since) });
      expect(confirmed.data?.['confirmEmailEnrollment']?.__typename, JSON.stringify(confirmed)).toBe('TwoFactorEnabled');
      expect((await admin.gql(SET, { i: { emailForStaff: false } })).errors).toBeUndefined();

      const page = await signInNewBrowser(staff.email);
      const dialog = page.getByRole('dialog', { name: 'Two-step verification' });
      await dialog.getByRole('textbox', { name: 'Recovery code' }).waitFor();
      await dialog
        .getByRole('status')
        .filter({ hasText: 'Only a recovery code is asked for: your usual second factor cannot be used right now.' })
        .filter({ hasText: 'e-mail codes may no longer be allowed for admins and sub-admins' })
        .waitFor();
      await page.context().close();
    } finally {
      await reauthenticate(admin);
      await admin.gql(SET, { i: { emailForStaff: false } });
    }
  });

  it('a recovery code used already is said to be possibly used (each works once), not just “not right”', async () => {
    const { email, client } = await createAccount(server, admin, { role: 'USER' });
    const { recoveryCodes } = await enrollTotp(client);
    // The code finished another sign-in before.
    const other = new GqlClient(server.url);
    expect((await loginStep(other, email)).typename).toBe('SecondFactorRequired');
    const used = await other.gql(Q.verify, { i: { method: 'RECOVERY_CODE', code: recoveryCodes[0] } });
    expect(used.data?.['verifySecondFactor']?.__typename, JSON.stringify(used)).toBe('LoginSuccess');

    const page = await signInNewBrowser(email);
    const dialog = page.getByRole('dialog', { name: 'Two-step verification' });
    await dialog.getByText('Recovery code', { exact: true }).click();
    await dialog.getByRole('textbox', { name: 'Recovery code' }).fill(recoveryCodes[0]!);
    await dialog.getByRole('button', { name: 'Verify' }).click();
    await dialog
      .getByRole('alert')
      .getByText('That recovery code is wrong, or was used already. Each code works once: enter another one.')
      .waitFor();
    await page.context().close();
  });

  it('a code refused because too many were e-mailed says so (not “too many attempts”), and never a time after the sign-in ends', async () => {
    for (const startedAgo of ['10 minutes', '0 minutes']) {
      const { email, id } = await emailOnlyUser();
      // The account's e-mail budget (ten codes per window) is spent.
      const until = await spend(`mail:${id}`, 10, startedAgo);
      const page = await signInNewBrowser(email);
      const dialog = page.getByRole('dialog', { name: 'Two-step verification' });
      await dialog.waitFor();
      const at = await minuteAfter(page, until);
      // E-mail codes are the only method: the pop-up asks for one at once, which is refused.
      await dialog
        .getByRole('alert')
        .getByText(
          startedAgo === '10 minutes'
            ? // It gives way before the sign-in ends.
              `Too many codes were e-mailed lately. You can ask for another at ${at}, or use another method.`
            : // It gives way after the sign-in ends.
              `Too many codes were e-mailed lately: no new code can be sent before this sign-in ends. Use another method, or sign in again after ${at}.`,
        )
        .waitFor();
      expect(await dialog.getByText('Too many attempts').count()).toBe(0);
      await page.context().close();
    }
  });

  it('an e-mailed code dead of wrong tries made elsewhere is said as such (the server says which limit), and the sign-in stays open for other methods', async () => {
    const { email, id, address } = await emailOnlyUser();
    const since = mail.count();
    const page = await signInNewBrowser(email);
    const dialog = page.getByRole('dialog', { name: 'Two-step verification' });
    await dialog.getByRole('status').filter({ hasText: 'A code is on its way' }).waitFor();
    const code = await mail.codeFor(address, since);
    // Its five wrong tries were made in another tab of this sign-in: this page saw none of them.
    await db.query(`update email_code set failures = 5 where account_id = $1 and purpose = 'LOGIN'`, [id]);
    await dialog.getByRole('textbox', { name: 'Code from the e-mail' }).fill(code);
    await dialog.getByRole('button', { name: 'Verify' }).click();
    // A new code may be asked for once the attempt window since it was sent is over (15 minutes), after
    // this sign-in ends (10 minutes): said so, and not as wrong codes that end the sign-in.
    const sentence =
      'Too many wrong tries at the e-mailed code: no new code can be sent before this sign-in ends. Use another method, or sign in again.';
    await dialog.getByRole('alert').getByText(sentence).waitFor();
    expect(await dialog.getByText('Too many attempts').count()).toBe(0);
    expect(await dialog.isVisible()).toBe(true);
    await page.context().close();
  });

  it('the pop-up’s × is named “Cancel sign-in”, and a Cancel button ends the sign-in', async () => {
    const { email, client } = await createAccount(server, admin, { role: 'USER' });
    await enrollTotp(client);
    const page = await signInNewBrowser(email);
    const dialog = page.getByRole('dialog', { name: 'Two-step verification' });
    await dialog.getByRole('button', { name: 'Cancel sign-in' }).waitFor();
    // The waiting sign-in's token, replayed outside the browser after the Cancel.
    const replay = new GqlClient(server.url);
    replay.setCookie('sc_session', (await page.context().cookies()).find((c) => c.name === 'sc_session')!.value);
    expect((await replay.gql(Q.pending)).data?.['pendingSignIn']).not.toBeNull();
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    // The keyboard focus is back on the form (its e-mail field), not lost to the page.
    await expect.poll(() => page.getByLabel('E-mail').evaluate((el) => el === document.activeElement)).toBe(true);
    // Ended on the server too, not only closed.
    await expect.poll(async () => (await replay.gql(Q.pending)).data?.['pendingSignIn'] ?? null).toBeNull();
    await page.context().close();
  });

  let blockNet = 1;
  it('a source blocked while the sign-in waits: the pop-up ends, saying until when, or whom to ask about a block by hand', async () => {
    const { email, client } = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(client);
    for (const ends of [true, false]) {
      const ip = `203.0.113.${blockNet++}`;
      const page = await (await browser.newContext({ extraHTTPHeaders: { 'x-forwarded-for': ip } })).newPage();
      await submitPassword(page, server.url, email, PASSWORD);
      const dialog = page.getByRole('dialog', { name: 'Two-step verification' });
      await dialog.waitFor();
      const until = ends ? new Date(Date.now() + 30 * 60_000).toISOString() : null;
      const block = await admin.gql(`mutation($i: BlockIpInput!) { blockIp(input: $i) { __typename } }`, {
        i: { cidr: ip, note: 'hostile', ...(until && { expiresAt: until }) },
      });
      expect(block.data?.['blockIp']?.__typename, JSON.stringify(block)).toBe('IpBlock');
      await awayFromStepEdge();
      await dialog.getByLabel('Code from your authenticator app').fill(totp(secret, 0));
      await dialog.getByRole('button', { name: 'Verify' }).click();
      await dialog.waitFor({ state: 'detached' });
      const said = ends
        ? `Sign-ins from your network are blocked until ${await page.evaluate((ms) => new Date(ms).toLocaleString(), Date.parse(until!))}. Sign in again then, or from another network.`
        : 'Sign-ins from your network are blocked. Contact your administrator, or sign in from another network.';
      await page.getByRole('alert').getByText(said).waitFor();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      await page.context().close();
    }
  });

  it('a Cancel that does not reach the server says so, and a reload then ends the waiting sign-in', async () => {
    const { email, client } = await createAccount(server, admin, { role: 'USER' });
    await enrollTotp(client);
    const page = await signInNewBrowser(email);
    const dialog = page.getByRole('dialog', { name: 'Two-step verification' });
    await dialog.waitFor();
    const replay = new GqlClient(server.url);
    replay.setCookie('sc_session', (await page.context().cookies()).find((c) => c.name === 'sc_session')!.value);
    const ends = await pendingEnds(page);
    // The connection drops for the sign-out only.
    await page.route('**/graphql', (route) =>
      route.request().postData()?.includes('mutation Logout') ? route.abort() : route.continue(),
    );
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await page
      .getByRole('alert')
      .getByText(
        `Cancelling the sign-in did not reach the server, so it may still be waiting there until ${ends.time}. Check your connection, then reload this page: that ends it.`,
      )
      .waitFor();
    expect((await replay.gql(Q.pending)).data?.['pendingSignIn']).not.toBeNull();
    await page.unroute('**/graphql');
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await expect.poll(async () => (await replay.gql(Q.pending)).data?.['pendingSignIn'] ?? null).toBeNull();
    await page.context().close();
  });

  it('while a code is being checked the sign-in cannot be cancelled (Cancel, × and Esc wait for the answer)', async () => {
    const { email, client } = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(client);
    const page = await signInNewBrowser(email);
    const dialog = page.getByRole('dialog', { name: 'Two-step verification' });
    await dialog.waitFor();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/graphql', async (route) => {
      if (route.request().postData()?.includes('VerifySecondFactor')) await held;
      await route.continue();
    });
    await awayFromStepEdge();
    await dialog.getByLabel('Code from your authenticator app').fill(totp(secret, 0));
    await dialog.getByRole('button', { name: 'Verify' }).click();
    const cancel = dialog.getByRole('button', { name: 'Cancel', exact: true });
    await expect.poll(() => cancel.isDisabled()).toBe(true);
    expect(await dialog.getByRole('button', { name: 'Cancel sign-in' }).isDisabled()).toBe(true);
    await page.keyboard.press('Escape');
    expect(await dialog.isVisible()).toBe(true);
    release();
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await page.context().close();
  });

  it('on the enrollment-only page an app setup goes off the page when the sign-in ends (before its own 15 minutes)', async () => {
    const { email, id } = await createAccount(server, admin, { role: 'USER' });
    await db.query(`update account set requires_two_factor = true where id = $1`, [id]);
    const page = await (await browser.newContext()).newPage();
    await page.clock.install();
    await submitPassword(page, server.url, email, PASSWORD);
    await page.getByText(`Signed in as ${email}.`, { exact: false }).waitFor();
    const ends = await pendingEnds(page);
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    const qr = page.getByRole('img', { name: 'QR code for your authenticator app' });
    await qr.waitFor();
    await page.clock.runFor(ends.at - Date.now() - 30_000);
    expect(await qr.isVisible()).toBe(true);
    await page.clock.runFor(60_000);
    await qr.waitFor({ state: 'detached' });
    await page
      .getByRole('alert')
      .getByText(
        'This sign-in ended before the app was turned on. If you added it to your authenticator app, remove that entry (its codes will never work), then sign in again.',
      )
      .waitFor();
    await page.context().close();
  });

  it('the password field’s show/hide toggle is reached with the keyboard', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Password').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Show characters');
    await page.context().close();
  });

  it('an e-mail-only sign-in whose wrong codes are spent until after it ends gets no code: the pop-up ends and says when to sign in again', async () => {
    const { email, id, address } = await emailOnlyUser();
    const until = await spend(`2fa:acct:${id}`, 5, '0 minutes');
    const codesSent = () => mail.messages.filter((m) => m.to.includes(address) && /verification code/i.test(m.subject)).length;
    const since = codesSent();
    // The pop-up asks for a code at once; none is sent (it could only be refused), and no code can
    // finish this sign-in before it ends.
    const page = await signInNewBrowser(email);
    const at = await minuteAfter(page, until);
    await page.getByRole('alert').getByText(`Too many wrong codes. Sign in again after ${at}.`).waitFor();
    expect(await page.getByRole('dialog', { name: 'Two-step verification' }).count()).toBe(0);
    expect(codesSent()).toBe(since);
    await page.context().close();
  });

  it('“A code is on its way” in the pop-up is a status, not an alert', async () => {
    const { email } = await emailOnlyUser();
    const page = await signInNewBrowser(email);
    const dialog = page.getByRole('dialog', { name: 'Two-step verification' });
    await dialog.getByRole('status').filter({ hasText: 'A code is on its way to your verified address' }).waitFor();
    expect(await dialog.getByRole('alert').count()).toBe(0);
    await page.context().close();
  });
  it('five wrong passwords in a row at “Confirm it is you” end the session: the dashboard signs out and the sign-in page says why', async () => {
    const { email } = await createAccount(server, admin, { role: 'USER' });
    const page = await (await browser.newContext({ extraHTTPHeaders: { 'x-forwarded-for': '198.51.100.61' } })).newPage();
    await submitPassword(page, server.url, email, PASSWORD);
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await page.getByRole('link', { name: 'Security', exact: true }).click();
    const NEW = 'a fresh passphrase for me';
    await page.getByLabel('New password', { exact: true }).fill(NEW);
    await page.getByLabel('Repeat the new password').fill(NEW);
    await page.getByRole('button', { name: 'Change password' }).click();
    const reauth = page.getByRole('dialog', { name: 'Confirm it is you' });
    for (let i = 1; i <= 4; i++) {
      await reauth.getByLabel('Password').fill(`not the password ${i}`);
      await reauth.getByRole('button', { name: 'Confirm' }).click();
      // Answered: the field is emptied, and the dialog says why.
      await expect.poll(() => reauth.getByLabel('Password').inputValue()).toBe('');
      await reauth.getByRole('alert').getByText('The password is incorrect. Enter it again.').waitFor();
    }
    await reauth.getByLabel('Password').fill('not the password 5');
    await reauth.getByRole('button', { name: 'Confirm' }).click();
    // The server ended the session: the page no longer looks signed in, and says why.
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.getByRole('alert').getByText('Your session has ended. Sign in again.').waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    await page.context().close();
  });

  it('“Confirm it is you” offering a method removed meanwhile on another device reads the methods again and offers what is left', async () => {
    const { email, client } = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(client);
    const address = uniqueEmail('codes');
    const since = mail.count();
    expect((await client.gql(Q.startEmail, { a: address })).data!['startEmailEnrollment'].__typename).toBe('EmailCodeSent');
    const confirmed = await client.gql(Q.confirmEmail, { c: await mail.codeFor(address, since) });
    expect(confirmed.data!['confirmEmailEnrollment'].__typename).toBe('TwoFactorEnabled');
    // Signed in on this computer with the app, the Security page showing every method.
    const page = await (await browser.newContext({ extraHTTPHeaders: { 'x-forwarded-for': '198.51.100.62' } })).newPage();
    await submitPassword(page, server.url, email, PASSWORD);
    const dialog = page.getByRole('dialog', { name: 'Two-step verification' });
    await dialog.getByRole('radio', { name: 'Authenticator app' }).check();
    await awayFromStepEdge();
    await dialog.getByLabel('Code from your authenticator app').fill(totp(secret, 0));
    await dialog.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await page.getByRole('link', { name: 'Security', exact: true }).click();
    await page.getByRole('button', { name: 'Generate new recovery codes' }).waitFor();
    // On the other device the app is removed.
    const re = await client.gql(Q.reauth, { i: { password: PASSWORD, secondFactor: { method: 'TOTP', code: totp(secret, 1) } } });
    expect(re.data!['reauthenticate'].__typename, JSON.stringify(re)).toBe('ReauthSuccess');
    expect((await client.gql(Q.disableTotp)).errors).toBeUndefined();
    // Here the confirmation still offers the app: refused as not set up, then what is left is offered.
    await askForNewCodes(page, PASSWORD, totp(secret, 0));
    const reauth = page.getByRole('dialog', { name: 'Confirm it is you' });
    // (Polled on the dialog's whole text, which a failure then shows.)
    await expect.poll(() => reauth.innerText()).toContain('This method is not set up for your account.');
    await expect.poll(() => reauth.getByRole('radio', { name: 'Authenticator app' }).count()).toBe(0);
    expect(await reauth.getByRole('radio', { name: 'E-mail code' }).count()).toBe(1);
    // E-mail codes are the only method left: a code is sent at once, and the refusal that said why stays.
    await reauth.getByRole('status').filter({ hasText: 'A code is on its way' }).waitFor();
    expect(await reauth.innerText()).toContain('This method is not set up for your account.');
    await page.context().close();
  });
});
