import { chromium, type Browser, type BrowserContext, type CDPSession, type Page, type Route } from 'playwright-core';
import { GqlClient } from './graphql.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Debian's Chromium, headless, with the flags this sandbox needs (root, closed network); Playwright gives it a fresh temporary profile. */
export async function launchBrowser(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}

/**
 * An API client on the page's own session (its cookie): to ask the server what that session is
 * allowed, or to wait until the server has heard of an SQL change to that session's rows, which it
 * keeps in memory until the change feed's announcement arrives (another session's client would prove
 * nothing: it is remembered, or not, on its own).
 */
export async function pageClient(page: Page, baseUrl: string): Promise<GqlClient> {
  const cookie = (await page.context().cookies()).find((c) => c.name === 'sc_session');
  if (!cookie) throw new Error('pageClient: the page has no session cookie');
  const client = new GqlClient(baseUrl);
  client.setCookie('sc_session', cookie.value);
  return client;
}

/** The GraphQL operation a page's request names (null for anything else). */
export const operationOf = (route: Route): string | null =>
  (route.request().postDataJSON() as { operationName?: string } | null)?.operationName ?? null;

/** Answers a page's GraphQL request as a server whose database is slow to answer does (`DATABASE_TIMEOUT`). */
export const answerDatabaseTimeout = (route: Route): Promise<void> =>
  route.fulfill({
    contentType: 'application/json',
    body: JSON.stringify({ data: null, errors: [{ message: 'timeout', extensions: { code: 'DATABASE_TIMEOUT' } }] }),
  });

/** Sends e-mail and password from the dashboard's login page (what comes next is the caller's to wait for). */
export async function submitPassword(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Signs in through the dashboard's login page and waits for Home. */
export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await submitPassword(page, baseUrl, email, password);
  await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
}

/** A virtual security key (CTAP2, user verification) in the page's browser, through the DevTools protocol. */
export async function addVirtualAuthenticator(
  context: BrowserContext,
  page: Page,
): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'usb', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });
  return { cdp, authenticatorId };
}

/**
 * On the Security page: "Generate new recovery codes", confirmed, then the re-authentication with the
 * password and an authenticator-app code sent (the caller waits for what it expects: the new set, or
 * the dialog's refusal).
 */
export async function askForNewCodes(page: Page, password: string, appCode: string): Promise<void> {
  await page.getByRole('button', { name: 'Generate new recovery codes' }).click();
  await page
    .getByRole('dialog', { name: 'Generate new recovery codes?' })
    .getByRole('button', { name: 'Generate new codes' })
    .click();
  const reauth = page.getByRole('dialog', { name: 'Confirm it is you' });
  await reauth.getByLabel('Password').fill(password);
  await reauth.getByRole('button', { name: 'Next' }).click();
  await reauth.getByLabel('Code from your authenticator app').fill(appCode);
  await reauth.getByRole('button', { name: 'Confirm' }).click();
}
