import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createAccount, PASSWORD, setupAdmin } from '../support/factories.js';
import type { GqlClient } from '../support/graphql.js';
import { startServer, type RunningServer } from '../support/server.js';
import { totp } from '../support/totp.js';
import { awayFromStepEdge } from '../support/two-factor.js';

/** The Security page and the sign-in pop-up, driven in Chromium. */
describe('two-factor authentication in the dashboard', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let admin: GqlClient;

  beforeAll(async () => {
    db = await createTestDatabase('two_factor_browser');
    server = await startServer({ DATABASE_URL: db.url });
    ({ client: admin } = await setupAdmin(server));
    ({ browser, close: closeBrowser } = await launchBrowser());
  });
  afterAll(async () => {
    await closeBrowser?.();
    await server?.stop();
    await db?.drop();
  });

  async function signIn(page: Page, email: string): Promise<void> {
    await page.goto(`${server.url}/login`);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
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

    await page.getByRole('link', { name: 'Security', exact: true }).click();
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

    await signOut(page);
    await signIn(page, email);
    const dialog = page.getByRole('dialog', { name: 'Two-step verification' });
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

  it('registers a security key with a virtual authenticator, signs in with it, and refuses a key whose counter went backwards', async () => {
    const { email, id } = await createAccount(server, admin, { role: 'USER' });
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'usb', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
    });

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
    expect(audit[0]!['details']).toMatchObject({ credential: 'Virtual key', storedCounter: 1000000 });
    // Still not signed in.
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
  });
});
