import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, signIn } from '../support/browser.js';
import { startStack, type Stack } from '../support/stack.js';
import { createAccount, PASSWORD } from '../support/factories.js';
import { codes, type GqlClient } from '../support/graphql.js';
import type { RunningServer } from '../support/server.js';
import type { MailSink } from '../support/smtp.js';
import { enrollTotp } from '../support/two-factor.js';

const DELIVERY = `{ mailDelivery { waiting givenUp messages { to subject attempts lastError nextAttemptAt givenUpAt } } }`;

describe('notification e-mails that did not get through, shown to admins', () => {
  let stack: Stack;
  let server: RunningServer;
  let mail: MailSink;
  let admin: GqlClient;
  let adminEmail: string;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;

  beforeAll(async () => {
    stack = await startStack('mail_delivery');
    ({ mail, server, admin, adminEmail } = stack);
    ({ browser, close: closeBrowser } = await launchBrowser());
  });
  afterAll(async () => {
    await closeBrowser?.();
    await stack?.stop();
  });

  it('lists a refused and a put-off notification for admins, on Home and over the API; nobody else sees them', async () => {
    // Nothing to report: no card, nothing listed.
    expect((await admin.gql(DELIVERY)).data!['mailDelivery']).toEqual({ waiting: 0, givenUp: 0, messages: [] });

    const refused = await createAccount(server, admin, { role: 'USER' });
    const putOff = await createAccount(server, admin, { role: 'USER' });
    mail.refusing.add(refused.email.toLowerCase());
    mail.deferring.add(putOff.email.toLowerCase());
    try {
      // Each enrollment e-mails its holder that a method was added.
      await enrollTotp(refused.client);
      await enrollTotp(putOff.client);
      await expect.poll(async () => (await admin.gql(DELIVERY)).data!['mailDelivery']).toMatchObject({ waiting: 1, givenUp: 1 });
    } finally {
      mail.refusing.delete(refused.email.toLowerCase());
      mail.deferring.delete(putOff.email.toLowerCase());
    }
    const { messages } = (await admin.gql(DELIVERY)).data!['mailDelivery'];
    const subject = 'A two-factor method was added to your account';
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ to: refused.email.toLowerCase(), subject, givenUpAt: expect.any(String), nextAttemptAt: null }),
        expect.objectContaining({
          to: putOff.email.toLowerCase(),
          subject,
          attempts: 1,
          givenUpAt: null,
          lastError: expect.stringMatching(/451/),
        }),
      ]),
    );
    // Admins only: the recipients are any accounts, the errors the mail server's.
    expect(codes(await refused.client.gql(DELIVERY))).toEqual(['FORBIDDEN']);
    const sub = await createAccount(server, admin, {
      role: 'SUB_ADMIN',
      permissions: ['MANAGE_USERS', 'MANAGE_SETTINGS', 'READ_INCIDENTS'],
    });
    expect(codes(await sub.client.gql(DELIVERY))).toEqual(['FORBIDDEN']);
    expect(codes(await admin.gql(`{ mailDelivery(limit: 0) { waiting } }`))).toEqual(['BAD_USER_INPUT']);

    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await signIn(page, server.url, adminEmail, PASSWORD);
      const card = page.getByRole('region', { name: 'Notification e-mails are not getting through' });
      await card.waitFor();
      await card.getByText('1 waiting to be tried again; 1 given up in the last week', { exact: false }).waitFor();
      await card.getByText(`to ${refused.email.toLowerCase()}`, { exact: false }).waitFor();
      await card.getByText(`to ${putOff.email.toLowerCase()}`, { exact: false }).waitFor();

      // A user's Home has no such card (a user without a second factor, to sign in with the password alone).
      const userContext = await browser.newContext();
      try {
        const userPage = await userContext.newPage();
        const plain = await createAccount(server, admin, { role: 'USER' });
        await signIn(userPage, server.url, plain.email, PASSWORD);
        await userPage.getByTestId('home-two-factor').waitFor();
        expect(await userPage.getByTestId('mail-delivery').count()).toBe(0);
      } finally {
        await userContext.close();
      }
    } finally {
      await context.close();
    }
  });
});
