import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, signIn } from '../support/browser.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createAccount, PASSWORD, reauthenticate, setupAdmin, uniqueEmail } from '../support/factories.js';
import { codes, GqlClient } from '../support/graphql.js';
import { startServer, type RunningServer } from '../support/server.js';

const REPORT = `mutation { reportLogin(input: { account: "someone@example.test", ip: "192.0.2.44", outcome: "SUCCESS", service: "smtp" }) { allowed } }`;

describe('sub-admins in the dashboard', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let adminEmail: string;
  let adminId: string;
  let admin: GqlClient;
  let page: Page;

  beforeAll(async () => {
    db = await createTestDatabase('sub_admins_browser');
    server = await startServer({ DATABASE_URL: db.url });
    ({ email: adminEmail, client: admin, id: adminId } = await setupAdmin(server));
    ({ browser, close: closeBrowser } = await launchBrowser());
    page = await (await browser.newContext()).newPage();
    await signIn(page, server.url, adminEmail, PASSWORD);
  });
  afterAll(async () => {
    await closeBrowser?.();
    await server?.stop();
    await db?.drop();
  });

  /**
   * Submits the New account form; a sub-admin is a standing credential, so the dashboard first asks
   * to confirm it is you unless that was done within the last minutes.
   */
  async function submitNewAccount(form: ReturnType<Page['getByRole']>): Promise<void> {
    await form.getByRole('button', { name: 'Create account' }).click();
    const reauth = page.getByRole('dialog', { name: 'Confirm it is you' });
    await Promise.race([form.waitFor({ state: 'detached' }), reauth.waitFor()]);
    if (await reauth.isVisible()) {
      await reauth.getByLabel('Password').fill(PASSWORD);
      await reauth.getByRole('button', { name: 'Confirm' }).click();
    }
    await form.waitFor({ state: 'detached' });
  }

  it('creates an API-only integrator after re-authentication, gives it a token, and revokes it', async () => {
    const email = uniqueEmail('mx');
    await page.getByRole('link', { name: 'Sub-admins' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sub-admins' }).waitFor();
    await page.getByRole('button', { name: 'New sub-admin' }).click();
    const form = page.getByRole('dialog', { name: 'New account' });
    await form.getByLabel('E-mail').fill(email);
    await form.getByLabel('Name').fill('Mail server mx1');
    await form.getByLabel('API only').check();
    expect(await form.getByLabel('Password').count()).toBe(0);
    await form.getByLabel('Report logins (API)').check();
    await form.getByRole('button', { name: 'Create account' }).click();
    // A sub-admin is a standing credential: the dashboard asks to confirm it is you, then creates it.
    const reauth = page.getByRole('dialog', { name: 'Confirm it is you' });
    await reauth.getByLabel('Password').fill(PASSWORD);
    await reauth.getByRole('button', { name: 'Confirm' }).click();
    await form.waitFor({ state: 'detached' });

    const row = page.getByRole('row').filter({ hasText: email });
    await row.getByText('API only').waitFor();
    await row.getByText('Report logins (API)').waitFor();
    await row.getByRole('button', { name: 'API tokens' }).click();
    const tokens = page.getByRole('dialog', { name: `API tokens of ${email}` });
    await tokens.getByLabel('Token name').fill('mx1');
    // A token is a standing credential too: confirmed a moment ago, it is created at once.
    await tokens.getByRole('button', { name: 'Create token' }).click();
    const token = (await tokens.getByTestId('new-api-token').textContent())!.trim();
    // Who created it is shown: disabling or deleting that account revokes it.
    await tokens.getByRole('row').filter({ hasText: 'mx1' }).getByText(`by ${adminEmail}`).waitFor();
    expect(token).toMatch(/^sct_/);

    const integrator = new GqlClient(server.url, { authorization: `Bearer ${token}` });
    expect((await integrator.gql(REPORT)).data).toEqual({ reportLogin: { allowed: true } });

    // Revoking cannot be undone: asked first, and a cancel keeps the token working.
    await tokens.getByRole('button', { name: 'Revoke mx1' }).click();
    const ask = page.getByRole('dialog', { name: 'Revoke the token mx1?' });
    await ask.getByText('This cannot be undone', { exact: false }).waitFor();
    await ask.getByRole('button', { name: 'Cancel' }).click();
    await ask.waitFor({ state: 'detached' });
    expect((await integrator.gql(REPORT)).data).toEqual({ reportLogin: { allowed: true } });
    await tokens.getByRole('button', { name: 'Revoke mx1' }).click();
    await ask.getByRole('button', { name: 'Revoke token' }).click();
    await tokens.getByText('Revoked').waitFor();
    expect(codes(await integrator.gql(REPORT))).toEqual(['UNAUTHENTICATED']);
    await page.keyboard.press('Escape');
    await tokens.waitFor({ state: 'detached' });
  });

  it('edits a sub-admin’s permissions and deletes a sub-admin', async () => {
    const email = uniqueEmail('staff');
    await page.getByRole('button', { name: 'New sub-admin' }).click();
    const form = page.getByRole('dialog', { name: 'New account' });
    await form.getByLabel('E-mail').fill(email);
    await form.getByLabel('Name').fill('Support');
    await form.getByLabel('Password').fill('a long enough password 1');
    await form.getByLabel('Read incidents').check();
    await submitNewAccount(form);

    const row = page.getByRole('row').filter({ hasText: email });
    await row.getByRole('button', { name: 'Permissions' }).click();
    const edit = page.getByRole('dialog', { name: `Permissions of ${email}` });
    await edit.getByLabel('Resolve incidents').check();
    await edit.getByRole('button', { name: 'Save permissions' }).click();
    // Adding a permission takes a recent confirmation (asked for unless given a moment ago).
    const confirm = page.getByRole('dialog', { name: 'Confirm it is you' });
    await Promise.race([edit.waitFor({ state: 'detached' }), confirm.waitFor()]);
    if (await confirm.isVisible()) {
      await confirm.getByLabel('Password').fill(PASSWORD);
      await confirm.getByRole('button', { name: 'Confirm' }).click();
    }
    await edit.waitFor({ state: 'detached' });
    await row.getByText('Resolve incidents').waitFor();
    const perms = await db.query<{ permissions: string[] }>('select permissions from account where email = $1', [email]);
    expect([...perms[0]!.permissions].sort()).toEqual(['READ_INCIDENTS', 'RESOLVE_INCIDENTS']);

    // Disabling is confirmed in a dialog that says what it revokes for good.
    await row.getByRole('button', { name: `Disable ${email}` }).click();
    const disable = page.getByRole('dialog', { name: 'Disable account?' });
    await disable.getByText('revoked for good').waitFor();
    await disable.getByRole('button', { name: 'Disable account' }).click();
    await disable.waitFor({ state: 'detached' });
    await row.getByText('Disabled').waitFor();
    expect((await db.query('select disabled_at from account where email = $1', [email]))[0]!['disabled_at']).not.toBeNull();

    // Deleting a sub-admin cannot be undone: without a recent confirmation, it is asked for first.
    await db.query(`update session set reauth_at = null where account_id = $1`, [adminId]);
    // Until the server has heard of it (its cache of the session row follows the announcement).
    const asPage = new GqlClient(server.url);
    asPage.setCookie('sc_session', (await page.context().cookies()).find((c) => c.name === 'sc_session')!.value);
    await expect
      .poll(async () => codes(await asPage.gql(`mutation { generateRecoveryCodes { codes } }`)), { interval: 20 })
      .toEqual(['REAUTH_REQUIRED']);
    await row.getByRole('button', { name: `Delete ${email}` }).click();
    await page
      .getByRole('dialog', { name: `Delete ${email}?` })
      .getByRole('button', { name: 'Delete' })
      .click();
    const reauth = page.getByRole('dialog', { name: 'Confirm it is you' });
    await reauth.getByLabel('Password').fill(PASSWORD);
    await reauth.getByRole('button', { name: 'Confirm' }).click();
    await row.waitFor({ state: 'detached' });
    expect(await db.query('select id from account where email = $1', [email])).toEqual([]);
  });

  it('an admin restricts another sub-admin to an IP list from the Sub-admins page', async () => {
    const email = uniqueEmail('restricted');
    await page.getByRole('button', { name: 'New sub-admin' }).click();
    const form = page.getByRole('dialog', { name: 'New account' });
    await form.getByLabel('E-mail').fill(email);
    await form.getByLabel('Name').fill('Night shift');
    await form.getByLabel('Password').fill('a long enough password 2');
    await submitNewAccount(form);
    await page.getByRole('row').filter({ hasText: email }).getByRole('link', { name: 'IP list' }).click();
    await page.getByRole('heading', { level: 1, name: `IP access list of ${email}` }).waitFor();
    await page.getByLabel('Addresses or ranges').fill('192.0.2.0/24 Office');
    await page.getByRole('button', { name: 'Add to list' }).click();
    await page.getByRole('cell', { name: '192.0.2.0/24', exact: true }).first().waitFor();
    await page.getByRole('button', { name: 'Restrict login to these IPs' }).click();
    await page
      .getByRole('dialog', { name: 'Restrict login to the IPs in the list?' })
      .getByRole('button', { name: /restrict/i })
      .click();
    await page.getByText('Login restricted to the IPs in the list').waitFor();
    const [row] = await db.query<{ ip_restricted: boolean }>('select ip_restricted from account where email = $1', [email]);
    expect(row).toEqual({ ip_restricted: true });
    // The admin's own list is untouched.
    const [own] = await db.query<{ ip_restricted: boolean }>('select ip_restricted from account where email = $1', [adminEmail]);
    expect(own).toEqual({ ip_restricted: false });
  });

  it('a sub-admin with one permission reaches what it allows: sub-admins, system settings, trusting an IP for one user', async () => {
    const { email: managerEmail } = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_SUB_ADMINS'] });
    const { email: settingsEmail } = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_SETTINGS'] });
    const { email: ipsEmail } = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_IPS'] });
    const { id: userId, email: userEmail } = await createAccount(server, admin, { role: 'USER' });
    const as = async (email: string) => {
      const p = await (await browser.newContext()).newPage();
      await signIn(p, server.url, email, PASSWORD);
      return p;
    };

    // MANAGE_SUB_ADMINS alone: the Sub-admins page lists them (it needed MANAGE_USERS before).
    const manager = await as(managerEmail);
    await manager.getByRole('link', { name: 'Sub-admins' }).click();
    await manager.getByRole('row').filter({ hasText: settingsEmail }).waitFor();
    await manager.getByRole('row').filter({ hasText: ipsEmail }).waitFor();
    // It hands on only what it holds: other permissions cannot be ticked for a new sub-admin.
    await manager.getByRole('button', { name: 'New sub-admin' }).click();
    const form = manager.getByRole('dialog', { name: 'New account' });
    expect(await form.getByLabel('Manage settings').isDisabled()).toBe(true);
    expect(await form.getByLabel('Manage sub-admins').isDisabled()).toBe(false);
    await manager.context().close();

    // MANAGE_SETTINGS alone: the system-wide 2FA settings are on Protection settings.
    const settings = await as(settingsEmail);
    await settings.getByRole('link', { name: 'Protection settings' }).click();
    const twoFactor = settings.getByRole('region', { name: 'Two-factor authentication, system-wide' });
    const original = (await admin.gql(`{ twoFactorSettings { issuer allowedMethods } }`)).data!['twoFactorSettings'];
    try {
      // A refused name says why (the card has no field to mark: the field's sentence is the message).
      await twoFactor.getByLabel('Issuer name in authenticator apps').fill('Acme:Mail');
      await twoFactor.getByRole('button', { name: 'Save name' }).click();
      await settings.getByText('The issuer must be 1 to 64 characters without a colon.').waitFor();
      await twoFactor.getByLabel('Issuer name in authenticator apps').fill('Acme Mail');
      await twoFactor.getByRole('button', { name: 'Save name' }).click();
      await settings.getByText('Two-factor settings saved.').first().waitFor();
      expect((await admin.gql(`{ twoFactorSettings { issuer } }`)).data?.['twoFactorSettings']).toEqual({ issuer: 'Acme Mail' });
      // The card shows what was saved: the name is no unsaved change any more, and two methods unticked
      // one after the other both stay unticked (the second save must not send the list from before the first).
      await expect.poll(() => twoFactor.getByRole('button', { name: 'Save name' }).isDisabled()).toBe(true);
      const methods = async () =>
        (
          (await admin.gql(`{ twoFactorSettings { allowedMethods } }`)).data?.['twoFactorSettings'].allowedMethods as string[]
        ).sort();
      const before = await methods();
      // A name being typed is kept while another setting is saved.
      await twoFactor.getByLabel('Issuer name in authenticator apps').fill('Acme Mail (typing)');
      await twoFactor.getByLabel('E-mail code', { exact: true }).click();
      await expect.poll(() => twoFactor.getByLabel('E-mail code', { exact: true }).isChecked()).toBe(false);
      await expect.poll(methods).toEqual(before.filter((m) => m !== 'EMAIL'));
      // No longer allowing security keys leaves less to set up: it is confirmed with the password first.
      await twoFactor.getByLabel('Security key or passkey', { exact: true }).click();
      const confirm = settings.getByRole('dialog', { name: 'Confirm it is you' });
      await confirm.getByLabel('Password').fill(PASSWORD);
      await confirm.getByRole('button', { name: 'Confirm' }).click();
      await expect.poll(methods).toEqual(before.filter((m) => m !== 'EMAIL' && m !== 'WEBAUTHN'));
      expect(await twoFactor.getByLabel('E-mail code', { exact: true }).isChecked()).toBe(false);
      expect(await twoFactor.getByLabel('Issuer name in authenticator apps').inputValue()).toBe('Acme Mail (typing)');
    } finally {
      // Allowing e-mail codes back weakens the second step: a re-authentication first.
      await reauthenticate(admin);
      await admin.gql(`mutation($i: TwoFactorSettingsInput!) { updateTwoFactorSettings(input: $i) { enabled } }`, {
        i: { allowedMethods: original.allowedMethods, issuer: original.issuer },
      });
    }
    expect((await admin.gql(`{ twoFactorSettings { issuer allowedMethods } }`)).data!['twoFactorSettings']).toEqual(original);
    // The 2FA compliance page, reached by its address, shows the settings card alone: no report (it
    // needs MANAGE_USERS), and no refused query in its place.
    await settings.goto(`${server.url}/security/two-factor`);
    await settings.getByRole('region', { name: 'Two-factor authentication, system-wide' }).waitFor();
    await settings.waitForLoadState('networkidle');
    expect(await settings.getByRole('alert').count()).toBe(0);
    expect(await settings.getByText('Required but missing').count()).toBe(0);
    await settings.context().close();

    // MANAGE_IPS alone: accounts are looked up by three characters, not listed, to trust an IP for one.
    const ips = await as(ipsEmail);
    await ips.getByRole('link', { name: 'Safe & trusted IPs' }).click();
    await ips.getByRole('button', { name: 'Mark as safe' }).first().click();
    const dialog = ips.getByRole('dialog');
    await dialog.getByLabel('IP address or range').fill('198.51.100.77');
    // The global safe list (every account, staff too) is not offered without MANAGE_SETTINGS: an account
    // must be chosen first.
    expect(await dialog.getByRole('button', { name: 'Mark as safe' }).isDisabled()).toBe(true);
    await dialog.getByLabel('Trusted for').click();
    await dialog.getByLabel('Trusted for').fill(userEmail.slice(0, 12));
    await ips.getByRole('option', { name: userEmail }).click();
    await dialog.getByRole('button', { name: 'Mark as safe' }).click();
    await ips.getByText('Marked as safe').first().waitFor();
    expect(await db.query(`select cidr::text as cidr from trusted_ip where account_id = $1`, [userId])).toEqual([
      { cidr: '198.51.100.77/32' },
    ]);
    await ips.context().close();
  });
  it('lists sub-admins 50 to a page, with the total', async () => {
    await reauthenticate(admin);
    for (let i = 0; i < 51; i++) {
      const res = await admin.gql(`mutation($i: CreateAccountInput!) { createAccount(input: $i) { __typename } }`, {
        i: { email: uniqueEmail(`bulk${i}`), name: `Bulk ${i}`, password: PASSWORD, role: 'SUB_ADMIN', permissions: [] },
      });
      expect(res.data?.['createAccount']?.__typename).toBe('AccountCreated');
    }
    const total = (await admin.gql(`{ accounts(filter: { role: SUB_ADMIN }) { totalCount } }`)).data!['accounts']
      .totalCount as number;
    expect(total).toBeGreaterThan(50);
    await page.getByRole('link', { name: 'Sub-admins' }).click();
    // The route is loaded lazily: reloading before it is there would reload the page before.
    await page.waitForURL('**/sub-admins');
    await page.reload();
    const table = page.getByRole('table', { name: 'Sub-admins' });
    await page.getByText(`${total} sub-admins`).waitFor();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(50);
    await page.getByLabel('Pages').getByRole('button', { name: '2', exact: true }).click();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(total - 50);
  });
  it("an account page shows a sub-admin only the data it may see: a user's trusted IPs, not an admin's sign-ins", async () => {
    const { email } = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_USERS', 'MANAGE_IPS'] });
    const { id: userId } = await createAccount(server, admin, { role: 'USER' });
    const p = await (await browser.newContext()).newPage();
    await signIn(p, server.url, email, PASSWORD);
    await p.goto(`${server.url}/users/${adminId}`);
    await p.getByText('An admin’s sign-ins are shown to admins only.').waitFor();
    expect(await p.getByRole('heading', { name: 'Trusted login IPs' }).count()).toBe(0);
    await p.goto(`${server.url}/users/${userId}`);
    await p.getByRole('heading', { name: 'Trusted login IPs' }).waitFor();
    await p.getByText('No trusted IPs for this account.').waitFor();
    await p.context().close();
  });
});
