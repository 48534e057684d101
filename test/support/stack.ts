import { createTestDatabase, type TestDatabase } from './database.js';
import { setupAdmin } from './factories.js';
import type { GqlClient } from './graphql.js';
import { startServer, type RunningServer } from './server.js';
import { MailSink } from './smtp.js';

/**
 * What most spec files start from: a database of their own, an SMTP server in the test process, the
 * built server sending its mail there, and the first admin, signed in.
 */
export interface Stack {
  db: TestDatabase;
  mail: MailSink;
  server: RunningServer;
  admin: GqlClient;
  adminId: string;
  adminEmail: string;
  /** Stops the server and the SMTP server and drops the database. */
  stop(): Promise<void>;
}

/** Starts a `Stack` on database `label`, the server configured by `env` besides; what started is stopped again if a later part fails. */
export async function startStack(label: string, env: Record<string, string | undefined> = {}): Promise<Stack> {
  let db: TestDatabase | undefined;
  let mail: MailSink | undefined;
  let server: RunningServer | undefined;
  const stop = async () => {
    await server?.stop();
    await mail?.stop();
    await db?.drop();
  };
  try {
    db = await createTestDatabase(label);
    mail = await MailSink.start();
    server = await startServer({ DATABASE_URL: db.url, SMTP_URL: mail.url, ...env });
    const first = await setupAdmin(server);
    return { db, mail, server, admin: first.client, adminId: first.id, adminEmail: first.email, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
