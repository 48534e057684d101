import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { PASSWORD, uniqueEmail } from '../support/factories.js';
import { startServer, type RunningServer } from '../support/server.js';

describe('dashboard in Chromium', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;

  beforeAll(async () => {
    db = await createTestDatabase('browser');
    server = await startServer({ DATABASE_URL: db.url });
    ({ browser, close: closeBrowser } = await launchBrowser());
  });
  afterAll(async () => {
    await closeBrowser?.();
    await server?.stop();
    await db?.drop();
  });

  it('sets up the first admin from the console link, signs in, sees Home, signs out', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const email = uniqueEmail('owner');

    // The link exactly as the console printed it.
    const link = /(http:\/\/\S+\/setup#token=[\w-]+)/.exec(server.output())![1]!;
    await page.goto(link);
    // The token leaves the address bar once read.
    await expect.poll(() => page.url()).not.toContain('token=');
    await page.getByLabel('Name').fill('Olivia Owner');
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Confirm password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create admin' }).click();
    await page.getByText('Admin created. You can now sign in.').waitFor();
    await page
      .getByRole('link', { name: 'Go to sign in' })
      .or(page.getByRole('button', { name: 'Go to sign in' }))
      .click();

    await page.waitForURL(/\/login$/);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('The e-mail address or password is incorrect.').waitFor();

    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await page.getByText(`Signed in as Olivia Owner (${email})`).waitFor();

    // The session cookie is invisible to scripts, and ends when the browser closes (expires -1).
    expect(await page.evaluate(() => document.cookie)).toBe('');
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'sc_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict', expires: -1 });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login$/);
    expect((await context.cookies()).find((c) => c.name === 'sc_session')).toBeUndefined();
    // Going back to a protected page needs a new sign-in.
    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/login/);
    const live = await db.query(`select count(*)::int as n from session where revoked_at is null`);
    expect(live).toEqual([{ n: 0 }]);
    await context.close();
  });
});
