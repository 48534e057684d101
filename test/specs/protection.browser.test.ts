import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, pageClient, signIn } from '../support/browser.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { CREATE_ACCOUNT, LOGIN, PASSWORD, setupAdmin, staleReauth, uniqueEmail } from '../support/factories.js';
import { GqlClient } from '../support/graphql.js';
import { startServer, type RunningServer } from '../support/server.js';

const REPORT = `mutation($i: LoginReportInput!) { reportLogin(input: $i) { allowed reason } }`;
const DECIDE = `query($i: LoginDecisionInput!) { loginDecision(input: $i) { allowed reason } }`;

describe('login protection in the dashboard', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let admin: GqlClient;
  let adminEmail: string;
  let adminId: string;
  let page: Page;

  beforeAll(async () => {
    db = await createTestDatabase('protection_browser');
    server = await startServer({
      DATABASE_URL: db.url,
      BRUTE_FORCE_ACCOUNT_IP_THRESHOLD: '3',
      BRUTE_FORCE_BLOCK_SECONDS: '3600',
      // A browser context may then sign in "from" another address (its X-Forwarded-For header).
      TRUSTED_PROXIES: '127.0.0.1',
      // The password guard at four wrong passwords for one name (from all addresses together).
      PASSWORD_GUARD_FAILURES: '4',
    });
    ({ client: admin, email: adminEmail, id: adminId } = await setupAdmin(server));
    ({ browser, close: closeBrowser } = await launchBrowser());
    page = await (await browser.newContext()).newPage();
    await signIn(page, server.url, adminEmail, PASSWORD);
  });
  afterAll(async () => {
    await closeBrowser?.();
    await server?.stop();
    await db?.drop();
  });

  it('a sign-in from a network blocked by hand says so: until when, or to contact an administrator', async () => {
    const BLOCK = `mutation($i: BlockIpInput!) { blockIp(input: $i) { __typename } }`;
    const until = new Date(Date.now() + 3600_000);
    expect((await admin.gql(BLOCK, { i: { cidr: '203.0.113.150', note: 'abuse' } })).data?.['blockIp']).toEqual({
      __typename: 'IpBlock',
    });
    expect(
      (await admin.gql(BLOCK, { i: { cidr: '203.0.113.151', note: 'abuse', expiresAt: until.toISOString() } })).data?.['blockIp'],
    ).toEqual({ __typename: 'IpBlock' });
    for (const [ip, expected] of [
      ['203.0.113.150', 'Sign-ins from your network are blocked. Contact your administrator.'],
      ['203.0.113.151', 'Sign-ins from your network are blocked until'],
    ] as const) {
      const from = await (await browser.newContext({ extraHTTPHeaders: { 'x-forwarded-for': ip } })).newPage();
      await from.goto(`${server.url}/login`);
      await from.getByLabel('E-mail').fill(adminEmail);
      await from.getByLabel('Password').fill(PASSWORD);
      await from.getByRole('button', { name: 'Sign in' }).click();
      await from.getByRole('alert').getByText(expected, { exact: false }).waitFor();
      await from.context().close();
    }
  });

  it('a sign-in paused by the password guard says why and what to do; an admin resumes it from the account page', async () => {
    const email = uniqueEmail('guarded');
    const created = await admin.gql(CREATE_ACCOUNT, { input: { email, name: 'Guarded', password: PASSWORD, role: 'USER' } });
    expect(created.data?.['createAccount'].__typename).toBe('AccountCreated');
    // Four different wrong passwords from two addresses, each below its own threshold.
    for (let i = 0; i < 4; i++) {
      const guesser = new GqlClient(server.url, { 'x-forwarded-for': `203.0.113.${160 + (i >> 1)}` });
      const res = await guesser.gql(LOGIN, { input: { email, password: `wrong-${i}` } });
      expect(res.data?.['login'].__typename).toBe('InvalidCredentialsError');
    }
    const from = await (await browser.newContext({ extraHTTPHeaders: { 'x-forwarded-for': '203.0.113.170' } })).newPage();
    await from.goto(`${server.url}/login`);
    await from.getByLabel('E-mail').fill(email);
    await from.getByLabel('Password').fill(PASSWORD);
    await from.getByRole('button', { name: 'Sign in' }).click();
    const alert = from.getByRole('alert');
    await alert.getByText('Sign-ins to this account from new places are paused', { exact: false }).waitFor();
    await alert.getByText('ask your administrator to mark this address as safe for you', { exact: false }).waitFor();

    // The admin sees it on the account's page and resumes sign-ins, confirming it is them first.
    // (In a session of its own: the confirmation it gives must not carry over to the other tests' page.)
    const id = created.data?.['createAccount'].account.id as string;
    const adminPage = await (await browser.newContext()).newPage();
    await signIn(adminPage, server.url, adminEmail, PASSWORD);
    await adminPage.goto(`${server.url}/users/${id}`);
    const paused = adminPage.getByRole('alert').filter({ hasText: 'Sign-ins from new places are paused' });
    await paused.getByText('4 wrong passwords were tried', { exact: false }).waitFor();
    await paused.getByRole('button', { name: 'Resume sign-ins' }).click();
    const reauth = adminPage.getByRole('dialog', { name: 'Confirm it is you' });
    await reauth.getByLabel('Password').fill(PASSWORD);
    await reauth.getByRole('button', { name: 'Confirm' }).click();
    await adminPage.getByText(`Sign-ins to ${email} from new places are heard again.`).waitFor();
    await paused.waitFor({ state: 'detached' });
    await adminPage.context().close();

    // And the holder gets in from the new place.
    await from.getByLabel('Password').fill(PASSWORD);
    await from.getByRole('button', { name: 'Sign in' }).click();
    await from.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await from.context().close();
  });

  it('checks a blocked IP and unblocks it', async () => {
    const ip = '203.0.113.7';
    for (let i = 0; i < 3; i++) {
      await admin.gql(REPORT, {
        i: { account: 'victim@example.test', ip, outcome: 'FAILURE', service: 'imap', secretFingerprint: `g${i}` },
      });
    }
    expect((await admin.gql(DECIDE, { i: { account: 'victim@example.test', ip } })).data?.['loginDecision']?.allowed).toBe(false);

    await page.getByRole('link', { name: 'Blocked IPs' }).click();
    await page.getByLabel('IP address', { exact: true }).fill(ip);
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page
      .getByText(/Blocked until/)
      .first()
      .waitFor();
    await page.getByText('victim@example.test').first().waitFor();

    await page.getByRole('button', { name: 'Unblock', exact: true }).first().click();
    await page.getByRole('button', { name: 'Unblock IP' }).click();
    await page.getByText('Not blocked').first().waitFor();
    expect((await admin.gql(DECIDE, { i: { account: 'victim@example.test', ip } })).data?.['loginDecision']).toEqual({
      allowed: true,
      reason: null,
    });
  });

  it('lists blocks 50 to a page', async () => {
    for (let i = 1; i <= 53; i++) {
      const res = await admin.gql(`mutation($i: BlockIpInput!) { blockIp(input: $i) { __typename } }`, {
        i: { cidr: `198.51.100.${i}`, note: `bulk ${i}` },
      });
      expect(res.data?.['blockIp']?.__typename).toBe('IpBlock');
    }
    const total = (await admin.gql(`{ ipBlocks { totalCount } }`)).data!['ipBlocks'].totalCount as number;
    expect(total).toBeGreaterThan(50);
    await page.getByRole('link', { name: 'Blocked IPs' }).click();
    await page.waitForURL('**/security/blocked-ips');
    await page.reload();
    const table = page.getByRole('table', { name: 'Blocks' });
    await page.getByText(`${total} blocks`).waitFor();
    // Newest first: the last block made leads page 1, the first made is on page 2.
    await table.getByRole('cell', { name: '198.51.100.53/32', exact: true }).waitFor();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(50);
    await page.getByRole('button', { name: '2', exact: true }).click();
    await table.getByRole('cell', { name: '198.51.100.1/32', exact: true }).waitFor();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(total - 50);
  });

  it('marks an IP safe through the dialog, with the wide-range acknowledgement', async () => {
    // A session of its own, not yet re-authenticated (the shared page confirms it is you in other tests).
    const page = await (await browser.newContext()).newPage();
    await signIn(page, server.url, adminEmail, PASSWORD);
    await page.getByRole('link', { name: 'Safe & trusted IPs' }).click();
    await page.getByRole('button', { name: 'Mark as safe' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('IP address or range').fill('8.0.0.0/8');
    await dialog.getByLabel('Note').fill('Partner network');
    await dialog.getByRole('button', { name: 'Mark as safe' }).click();
    await dialog.getByText(/Only whitelist an entire range if you are certain the network is private and managed/).waitFor();
    expect(await db.query(`select id from trusted_ip`)).toEqual([]);

    await dialog.getByLabel('I understand the risk of trusting this range').check();
    await dialog.getByRole('button', { name: 'Mark as safe' }).click();
    // A wide range trusted for every account: confirming it is you comes first.
    const reauth = page.getByRole('dialog', { name: 'Confirm it is you' });
    await reauth.getByLabel('Password').fill(PASSWORD);
    await reauth.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('Marked as safe').first().waitFor();
    await page.getByRole('cell', { name: '8.0.0.0/8', exact: true }).waitFor();
    const rows = await db.query(`select cidr::text as cidr, note, account_id from trusted_ip`);
    expect(rows).toEqual([{ cidr: '8.0.0.0/8', note: 'Partner network', account_id: null }]);
    await page.context().close();
  });

  it('changes the brute-force and incident settings (switching detection off after confirming it is you) and an ASN’s network kind', async () => {
    await page.getByRole('link', { name: 'Protection settings' }).click();
    const bruteForce = page.getByRole('region', { name: 'Brute-force protection' });
    await bruteForce.getByLabel('Failures for one account').fill('7');
    await bruteForce.getByLabel('First block (seconds)').fill('900');
    await bruteForce.getByRole('button', { name: 'Save brute-force settings' }).click();
    // Both changes block less: confirming it is you comes first.
    const reauth = page.getByRole('dialog', { name: 'Confirm it is you' });
    await reauth.getByLabel('Password').fill(PASSWORD);
    await reauth.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('Brute-force settings saved').first().waitFor();
    const SETTINGS = `{ bruteForceSettings { accountIpThreshold blockSeconds ipThreshold } incidentSettings { enabled } }`;
    expect((await admin.gql(SETTINGS)).data).toEqual({
      bruteForceSettings: { accountIpThreshold: 7, blockSeconds: 900, ipThreshold: 20 },
      incidentSettings: { enabled: true },
    });

    // A field error is shown at its field (a window too short, typed and sent before leaving the field).
    const incidents = page.getByRole('region', { name: 'Security incidents' });
    await incidents.getByLabel('Window (seconds)').fill('30');
    await incidents.getByLabel('Window (seconds)').press('Enter');
    await expect.poll(() => incidents.getByLabel('Window (seconds)').getAttribute('aria-invalid')).toBe('true');
    expect((await admin.gql(`{ incidentSettings { windowSeconds } }`)).data?.['incidentSettings']).toEqual({
      windowSeconds: 86_400,
    });
    // Switching detection off: the confirmation a minute ago still counts.
    const detect = incidents.getByRole('switch', { name: 'Detect security incidents' });
    await detect.click({ force: true });
    await page.getByText('Incident detection is off.').first().waitFor();
    await expect.poll(() => detect.isChecked()).toBe(false);
    expect((await admin.gql(SETTINGS)).data?.['incidentSettings']).toEqual({ enabled: false });

    await page.getByRole('link', { name: 'Named locations' }).click();
    const asns = page.getByRole('region', { name: 'Network kinds by ASN' });
    await asns.getByLabel('ASN').fill('64512');
    await asns.getByLabel('Network kind').selectOption('VPN');
    await asns.getByRole('button', { name: 'Set kind' }).click();
    await asns.getByRole('cell', { name: 'AS64512', exact: true }).waitFor();
    expect(await db.query(`select asn, kind from asn_override`)).toEqual([{ asn: 64512, kind: 'VPN' }]);
    await asns.getByRole('button', { name: 'Remove the override of AS64512' }).click();
    await asns.getByText('No overrides: the built-in list decides.').waitFor();
    expect(await db.query(`select asn from asn_override`)).toEqual([]);
  });

  it('lists safe and trusted IPs 50 to a page', async () => {
    for (let i = 1; i <= 52; i++) {
      const res = await admin.gql(`mutation($i: MarkIpSafeInput!) { markIpSafe(input: $i) { __typename } }`, {
        i: { cidr: `198.18.0.${i}`, note: `bulk ${i}` },
      });
      expect(res.data?.['markIpSafe']?.__typename).toBe('TrustedIp');
    }
    const total = (await admin.gql(`{ trustedIps { totalCount } }`)).data!['trustedIps'].totalCount as number;
    expect(total).toBeGreaterThan(50);
    await page.getByRole('link', { name: 'Safe & trusted IPs' }).click();
    // The route is loaded lazily: reloading before it is there would reload the page before.
    await page.waitForURL('**/security/trusted-ips');
    await page.reload();
    const table = page.getByRole('table', { name: 'Safe and trusted IPs' });
    await page.getByText(`${total} entries`).waitFor();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(50);
    await page.getByRole('button', { name: '2', exact: true }).click();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(total - 50);
  });

  it('a trusted named location for a wide public range asks for the acknowledgement first', async () => {
    await page.getByRole('link', { name: 'Named locations' }).click();
    await page.getByRole('button', { name: 'New named location' }).click();
    const dialog = page.getByRole('dialog', { name: 'New named location' });
    await dialog.getByLabel('IP range').fill('31.0.0.0/8');
    await dialog.getByLabel('Name').fill('Carrier');
    // A coordinate that reads as no number is said at its field, not saved as "none"; a decimal comma is read.
    await dialog.getByLabel('Latitude').fill('north');
    await dialog.getByLabel('Longitude').fill('21,0');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByText('Enter a number, e.g. 52.52.').waitFor();
    expect(await db.query(`select id from named_location where cidr = '31.0.0.0/8'`)).toEqual([]);
    await dialog.getByLabel('Latitude').fill('52,2');
    await dialog.getByLabel('Trusted location (logins from it raise no incident, for every account)').check();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByText(/Only whitelist an entire range if you are certain/).waitFor();
    expect(await db.query(`select id from named_location where cidr = '31.0.0.0/8'`)).toEqual([]);
    await dialog.getByLabel('I understand the risk of trusting this range').check();
    // Trusting a wide range for everyone also takes a recent re-authentication (none is recent now).
    await staleReauth(db, await pageClient(page, server.url), adminId);
    await dialog.getByRole('button', { name: 'Save' }).click();
    const reauth = page.getByRole('dialog', { name: 'Confirm it is you' });
    await reauth.getByLabel('Password').fill(PASSWORD);
    await reauth.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('cell', { name: '31.0.0.0/8', exact: true }).waitFor();
    expect(
      await db.query(
        `select name, trusted, latitude::float as lat, longitude::float as lon from named_location where cidr = '31.0.0.0/8'`,
      ),
    ).toEqual([{ name: 'Carrier', trusted: true, lat: 52.2, lon: 21 }]);
  });
  it("an account's page lists its trusted IPs 20 to a page, removes them and adds one for that account", async () => {
    const created = await admin.gql(
      `mutation($i: CreateAccountInput!) { createAccount(input: $i) { ... on AccountCreated { account { id } } } }`,
      {
        i: { email: 'trusting@example.test', name: 'Trusting', password: PASSWORD, role: 'USER' },
      },
    );
    const id = created.data!['createAccount'].account.id as string;
    for (let i = 1; i <= 21; i++) {
      const res = await admin.gql(`mutation($i: MarkIpSafeInput!) { markIpSafe(input: $i) { __typename } }`, {
        i: { cidr: `198.19.0.${i}`, accountId: id },
      });
      expect(res.data?.['markIpSafe']?.__typename).toBe('TrustedIp');
    }
    await page.goto(`${server.url}/users/${id}`);
    const table = page.getByRole('table', { name: 'Trusted login IPs' });
    await page.getByText('21 trusted IPs').waitFor();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(20);
    await page.getByLabel('Trusted IP pages').getByRole('button', { name: '2', exact: true }).click();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
    // The last row of the last page removed (the oldest entry): the page that is now last is shown.
    await page.getByRole('button', { name: 'Remove 198.19.0.1/32' }).click();
    await page.getByText('20 trusted IPs').waitFor();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(20);
    expect(await db.query(`select id from trusted_ip where cidr = '198.19.0.1/32'`)).toEqual([]);

    await page.getByRole('button', { name: 'Mark as safe' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('IP address or range').fill('198.19.1.1');
    await dialog.getByRole('button', { name: 'Mark as safe' }).click();
    await page.getByText('21 trusted IPs').waitFor();
    expect(await db.query(`select account_id from trusted_ip where cidr = '198.19.1.1/32'`)).toEqual([{ account_id: id }]);
  });
});
