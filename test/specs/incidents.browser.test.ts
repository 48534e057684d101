import { createHash, randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, signIn } from '../support/browser.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createAccount, PASSWORD, setupAdmin } from '../support/factories.js';
import type { GqlClient } from '../support/graphql.js';
import { createPlaces, reportFrom } from '../support/incidents.js';
import { startServer, type RunningServer } from '../support/server.js';

describe('security incidents in the dashboard', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let admin: GqlClient;
  let adminEmail: string;
  let page: Page;

  beforeAll(async () => {
    db = await createTestDatabase('incidents_browser');
    server = await startServer({ DATABASE_URL: db.url, WS_SESSION_CHECK_SECONDS: '1' });
    ({ client: admin, email: adminEmail } = await setupAdmin(server));
    await createPlaces(admin);
    ({ browser, close: closeBrowser } = await launchBrowser());
    page = await (await browser.newContext()).newPage();
    await signIn(page, server.url, adminEmail, PASSWORD);
  });
  afterAll(async () => {
    await closeBrowser?.();
    await server?.stop();
    await db?.drop();
  });

  it('shows the banner live when an integrator reports far-apart logins; the admin follows it, marks the IP safe, and the incident is resolved', async () => {
    await page.getByText('No open incidents. This updates live when one is raised.').waitFor();
    expect(await page.getByTestId('incident-banner').count()).toBe(0);
    const navigations: string[] = [];
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame()) navigations.push(f.url());
    });

    const user = await createAccount(server, admin, { role: 'USER' });
    await reportFrom(admin, user.email, 'berlin', 2);
    const tokyo = await reportFrom(admin, user.email, 'tokyo', 1);

    const banner = page.getByTestId('incident-banner');
    await banner.waitFor();
    expect(await banner.innerText()).toContain('New security incidents detected. Click here to check the Security page.');
    expect(await page.getByTestId('open-incidents-badge').innerText()).toBe('1');
    expect(navigations).toEqual([]); // no reload

    await banner.getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: 'Security incidents' }).waitFor();
    await page.getByRole('link', { name: user.email }).click();
    await page.getByRole('heading', { level: 1, name: `Incident: ${user.email}` }).waitFor();
    await page.getByText('Likely reason: Compromised account').waitFor();
    expect(await page.getByTestId('incident-severity').textContent()).toBe('High');
    await page.getByTestId('incident-map').waitFor();
    expect(await page.getByTestId('incident-map').locator('circle').count()).toBe(2);
    await page.getByRole('table', { name: 'Distances and speeds' }).getByText('impossible').waitFor();

    await page.getByRole('button', { name: 'Mark IPs as safe' }).click();
    const dialog = page.getByRole('dialog', { name: 'Mark IPs as safe for this account' });
    await dialog.getByLabel(tokyo.ip).check();
    await dialog.getByLabel('Note (optional)').fill('Business trip');
    await dialog.getByRole('button', { name: 'Mark safe and resolve' }).click();
    await page.getByTestId('incident-status').getByText('Resolved').waitFor();
    await page.getByText('“Business trip”').waitFor();
    // The badge goes away live too.
    await page.getByTestId('open-incidents-badge').waitFor({ state: 'detached' });

    const trusted = await admin.gql(`query($a: ID) { trustedIps(accountId: $a) { nodes { cidr } } }`, { a: user.id });
    expect(trusted.data?.['trustedIps'].nodes).toEqual([{ cidr: `${tokyo.ip}/32` }]);

    // Then the holder says "This wasn't me" (their e-mailed link; the API tests follow it end to end):
    // the resolved incident can still be treated as compromised, and Tokyo stops being trusted.
    await db.query(
      `update security_incident set holder_response = 'DENIED', holder_responded_at = now(), severity = 'CRITICAL'
        where account_id = $1`,
      [user.id],
    );
    await page.reload();
    await page.getByText(/said “This wasn’t me” after this incident was resolved/).waitFor();
    await page.getByRole('button', { name: 'Treat as compromised' }).click();
    const treat = page.getByRole('dialog', { name: 'Treat as compromised' });
    await treat.getByLabel(/Force a password reset/).check();
    await treat.getByRole('button', { name: 'Treat as compromised' }).click();
    await page.getByText('Treated as compromised').waitFor();
    // Settled for good: no such action is offered any more (the dialog's own button leaves with it).
    await expect.poll(() => page.getByRole('button', { name: 'Treat as compromised' }).count()).toBe(0);
    const after = await admin.gql(`query($a: ID) { trustedIps(accountId: $a) { nodes { cidr } } }`, { a: user.id });
    expect(after.data?.['trustedIps'].nodes).toEqual([]);
    // The reset is pending: its link can be e-mailed again (the first one lost), and the first one dies.
    const links = () =>
      db.query<{ id: string }>(`select token_hash as id from password_reset_token where account_id = $1 and used_at is null`, [
        user.id,
      ]);
    const [first] = await links();
    // A minute later (links are e-mailed at most once a minute).
    await db.query(`update password_reset_token set expires_at = expires_at - interval '61 seconds' where account_id = $1`, [
      user.id,
    ]);
    await page.getByText('Password reset pending').waitFor();
    await page.getByRole('button', { name: 'E-mail a new reset link' }).click();
    await page.getByText(`A new reset link was e-mailed to ${user.email}.`, { exact: false }).waitFor();
    const now = await links();
    expect(now).toHaveLength(1);
    expect(now[0]!.id).not.toBe(first!.id);
  });

  it('the holder page answers the link opened last in the tab', async () => {
    const user = await createAccount(server, admin, { role: 'USER' });
    await reportFrom(admin, user.email, 'berlin', 2);
    await reportFrom(admin, user.email, 'tokyo', 1);
    const [incident] = await db.query<{ id: string }>(`select id from security_incident where account_id = $1`, [user.id]);
    // Two links of one e-mail, as the server makes them (only their SHA-256 is stored).
    const token = (answer: string) => `${answer.toLowerCase()}-${randomBytes(16).toString('hex')}`;
    const itWasMe = token('CONFIRMED');
    const notMe = token('DENIED');
    for (const [t, answer] of [
      [itWasMe, 'CONFIRMED'],
      [notMe, 'DENIED'],
    ]) {
      await db.query(
        `insert into incident_holder_link (token_hash, incident_id, answer, expires_at) values ($1, $2, $3, now() + interval '1 day')`,
        [createHash('sha256').update(t!).digest('hex'), incident!.id, answer],
      );
    }
    const holder = await (await browser.newContext()).newPage();
    // As the e-mail's links name them: the page says which answer it will send.
    await holder.goto(`${server.url}/incident-response#token=${itWasMe}&answer=confirmed`);
    await holder.getByRole('heading', { name: 'Sign-ins from several places' }).waitFor();
    await holder.getByRole('button', { name: 'Send “It was me”' }).waitFor();
    // The other link opened in the same tab (only the fragment changes: no reload).
    await holder.goto(`${server.url}/incident-response#token=${notMe}&answer=denied`);
    await expect.poll(() => holder.url()).not.toContain('#token');
    await holder.getByText('You are answering', { exact: false }).getByText('“This wasn’t me”').waitFor();
    await holder.getByRole('button', { name: 'Send “This wasn’t me”' }).click();
    await holder.getByText('The administrators have been alerted.', { exact: false }).waitFor();
    expect(await db.query(`select holder_response from security_incident where id = $1`, [incident!.id])).toEqual([
      { holder_response: 'DENIED' },
    ]);
    await holder.context().close();
  });

  it('a sub-admin whose incident permission is taken away loses the Incidents page from the menu without a reload', async () => {
    const reader = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['READ_INCIDENTS', 'MANAGE_IPS'] });
    const theirs = await (await browser.newContext()).newPage();
    const sockets = async () =>
      Number(/security_center_websocket_connections (\d+)/.exec(await (await fetch(`${server.url}/metrics`)).text())![1]);
    const before = await sockets();
    try {
      await signIn(theirs, server.url, reader.email, PASSWORD);
      const menu = theirs.getByRole('navigation', { name: 'Main' });
      await menu.getByRole('link', { name: 'Incidents' }).waitFor();
      // Its live feed (the badge and banner) is connected: one more socket on the server.
      await expect.poll(sockets, { timeout: 10_000 }).toBe(before + 1);
      const taken = await admin.gql(`mutation($id: ID!) { setPermissions(id: $id, permissions: [MANAGE_IPS]) { id } }`, {
        id: reader.id,
      });
      expect(taken.errors).toBeUndefined();
      // The server closes the feed's socket (1012), the reconnection is refused for good (4403), and the
      // dashboard has re-read its viewer meanwhile: the menu follows the permissions now held.
      await menu.getByRole('link', { name: 'Incidents' }).waitFor({ state: 'detached', timeout: 15_000 });
      await menu.getByRole('link', { name: 'Blocked IPs' }).waitFor();
    } finally {
      await theirs.context().close();
    }
  });

  it('reconnects after a server restart and catches up on the open count', async () => {
    await page.getByRole('link', { name: 'Home' }).click();
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    const before = (await admin.gql(`{ openIncidentCount }`)).data?.['openIncidentCount'] as number;
    const port = server.port;
    await server.stop();
    // While this instance is down, another one raises an incident: its event cannot reach this dashboard.
    const other = await startServer({ DATABASE_URL: db.url });
    try {
      const user = await createAccount(other, admin.withBaseUrl(other.url), { role: 'USER' });
      await reportFrom(admin.withBaseUrl(other.url), user.email, 'paris', 3);
      await reportFrom(admin.withBaseUrl(other.url), user.email, 'tokyo', 1);
    } finally {
      await other.stop();
    }
    server = await startServer({ DATABASE_URL: db.url, PORT: String(port), WS_SESSION_CHECK_SECONDS: '1' });
    // The dashboard's WebSocket reconnects by itself and refetches the count: no reload.
    await page.getByTestId('incident-banner').waitFor({ timeout: 30_000 });
    await page
      .getByTestId('open-incidents-badge')
      .getByText(String(before + 1), { exact: true })
      .waitFor();
    expect(await page.getByTestId('open-incidents-badge').textContent()).toBe(String(before + 1));
  });
});
