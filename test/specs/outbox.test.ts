import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createAccount, setupAdmin } from '../support/factories.js';
import { codes, type GqlClient } from '../support/graphql.js';
import { startServer, type RunningServer } from '../support/server.js';
import { Q } from '../support/two-factor.js';

const OUTBOX = `{ devOutbox(limit: 20) { enabled messages { file to subject date text } } }`;

describe('the development outbox (no SMTP configured)', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let admin: GqlClient;
  let dataDir: string;

  beforeAll(async () => {
    db = await createTestDatabase('outbox');
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sc-outbox-'));
    server = await startServer({ DATABASE_URL: db.url, DATA_DIR: dataDir });
    ({ client: admin } = await setupAdmin(server));
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('shows admins the e-mails written to the data folder, newest first; nobody else sees them', async () => {
    const user = await createAccount(server, admin, { role: 'USER' });
    const start = await user.client.gql(Q.startEmail, { a: user.email });
    expect(start.errors).toBeUndefined();
    const res = await admin.gql(OUTBOX);
    expect(res.data?.['devOutbox'].enabled).toBe(true);
    const [newest] = res.data!['devOutbox'].messages;
    expect(newest).toMatchObject({
      to: expect.stringContaining(user.email),
      subject: expect.stringMatching(/^Your verification code: \d{6}$/),
    });
    const code = /(\d{6})$/.exec(newest.subject)![1]!;
    expect(newest.text).toContain(`Your verification code is ${code}`);
    expect(codes(await user.client.gql(OUTBOX))).toEqual(['FORBIDDEN']);
    const sub = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_USERS', 'MANAGE_SETTINGS'] });
    expect(codes(await sub.client.gql(OUTBOX))).toEqual(['FORBIDDEN']);
    expect(codes(await admin.gql(`{ devOutbox(limit: 0) { enabled } }`))).toEqual(['BAD_USER_INPUT']);
  });

  it('is off in production', async () => {
    const prod = await startServer({ DATABASE_URL: db.url, DATA_DIR: dataDir, NODE_ENV: 'production' });
    try {
      const res = await admin.withBaseUrl(prod.url).gql(OUTBOX);
      expect(res.data?.['devOutbox']).toEqual({ enabled: false, messages: [] });
      // Without SMTP in production, the start says that mail reaches nobody.
      expect(prod.output()).toContain('SMTP_URL is not set');
    } finally {
      await prod.stop();
    }
  });
});
