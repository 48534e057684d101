import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { PASSWORD, setupAdmin } from '../support/factories.js';
import { startServer, type RunningServer } from '../support/server.js';

describe('my IP access list in the dashboard', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let email: string;

  beforeAll(async () => {
    db = await createTestDatabase('access_browser');
    server = await startServer({ DATABASE_URL: db.url });
    ({ email } = await setupAdmin(server));
    ({ browser, close: closeBrowser } = await launchBrowser());
  });
  afterAll(async () => {
    await closeBrowser?.();
    await server?.stop();
    await db?.drop();
  });

  it('adds the current IP, restricts, shows the status, and allows unrestricted access again', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${server.url}/login`);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();

    await page.getByRole('link', { name: 'My IP access list' }).click();
    await page.getByText('Unrestricted access', { exact: true }).waitFor();
    // Bad lines are named by number, each with its own reason; nothing is added.
    await page.getByLabel('Addresses or ranges').fill('203.0.113.7 Office\nnot-an-ip\n198.51.100.300');
    await page.getByRole('button', { name: 'Add to list' }).click();
    await page.getByText(/Line 2: .*Line 3: /).waitFor();
    expect(await db.query(`select count(*)::int as n from admin_access_entry`)).toEqual([{ n: 0 }]);
    await page.getByLabel('Addresses or ranges').fill('');
    await page.getByText('(not in the list)').waitFor();
    await page.getByRole('button', { name: 'Add my current IP' }).click();
    // Changing IP restrictions asks to confirm it is you first; the change then goes through.
    const reauth = page.getByRole('dialog', { name: /confirm/i });
    await reauth.getByLabel('Password').fill(PASSWORD);
    await reauth.getByRole('button', { name: /confirm|continue/i }).click();
    await page.getByRole('cell', { name: '127.0.0.1/32', exact: true }).waitFor();
    expect(await db.query(`select count(*)::int as n from admin_access_entry`)).toEqual([{ n: 1 }]);

    await page.getByRole('button', { name: 'Restrict login to these IPs' }).click();
    await page.getByRole('dialog').getByText('This works only with static IPs', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Restrict access' }).click();
    await page.getByText('Login restricted to the IPs in the list').waitFor();
    expect(await db.query(`select ip_restricted from account where email = $1`, [email])).toEqual([{ ip_restricted: true }]);

    await page.getByRole('button', { name: 'Allow unrestricted access' }).click();
    await page.getByText('Unrestricted access', { exact: true }).waitFor();
    expect(await db.query(`select ip_restricted from account where email = $1`, [email])).toEqual([{ ip_restricted: false }]);

    // Both switches are in the audit log page.
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByLabel('Action').selectOption('IP_RESTRICTION_CHANGED');
    await expect.poll(async () => page.getByRole('row').count()).toBe(3);
    await page.getByText('{"after":true,"before":false}').waitFor();
  });
});
