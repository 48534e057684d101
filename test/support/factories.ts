import { randomBytes, randomUUID } from 'node:crypto';
import type { TestDatabase } from './database.js';
import { GqlClient } from './graphql.js';
import type { RunningServer } from './server.js';

export const PASSWORD = 'correct horse battery staple';

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}@example.test`;
}

export const SETUP = /* GraphQL */ `
  mutation Setup($input: SetupFirstAdminInput!) {
    setupFirstAdmin(input: $input) {
      __typename
      ... on SetupSuccess {
        account {
          id
          email
          name
          role
        }
      }
      ... on ErrorResult {
        code
        message
      }
    }
  }
`;

export const LOGIN = /* GraphQL */ `
  mutation Login($input: LoginInput!) {
    login(input: $input) {
      __typename
      ... on LoginSuccess {
        account {
          id
          email
          role
        }
      }
      ... on ErrorResult {
        code
        message
      }
    }
  }
`;

export const CREATE_ACCOUNT = /* GraphQL */ `
  mutation Create($input: CreateAccountInput!) {
    createAccount(input: $input) {
      __typename
      ... on AccountCreated {
        account {
          id
          email
          name
          role
          permissions
          disabledAt
        }
      }
      ... on ErrorResult {
        code
        message
      }
    }
  }
`;

/** Creates the first admin through the console token and returns a client signed in as it. */
export async function setupAdmin(
  server: RunningServer,
  email = uniqueEmail('admin'),
): Promise<{ client: GqlClient; id: string; email: string }> {
  const client = new GqlClient(server.url);
  const setup = await client.gql(SETUP, { input: { token: server.setupToken, email, name: 'First Admin', password: PASSWORD } });
  if (setup.data?.['setupFirstAdmin']?.__typename !== 'SetupSuccess') throw new Error(`setup failed: ${JSON.stringify(setup)}`);
  await login(client, email);
  return { client, id: setup.data['setupFirstAdmin'].account.id as string, email };
}

export async function login(client: GqlClient, email: string, password = PASSWORD): Promise<void> {
  const res = await client.gql(LOGIN, { input: { email, password } });
  if (res.data?.['login']?.__typename !== 'LoginSuccess') throw new Error(`login failed: ${JSON.stringify(res)}`);
}

/**
 * An integration: an API-only sub-admin with `permissions`, made by `admin`, which must have
 * re-authenticated recently (creating staff needs it). Its id and e-mail.
 */
export async function createIntegration(
  admin: GqlClient,
  permissions: string[],
  name = 'Integration',
): Promise<{ id: string; email: string }> {
  const res = await admin.gql(CREATE_ACCOUNT, {
    input: { email: uniqueEmail('integration'), name, role: 'SUB_ADMIN', permissions, apiOnly: true },
  });
  if (res.data?.['createAccount']?.__typename !== 'AccountCreated')
    throw new Error(`createAccount failed: ${JSON.stringify(res)}`);
  return res.data['createAccount'].account as { id: string; email: string };
}

/** Creates an account through the API (as `admin`) and returns a client signed in as it. */
export async function createAccount(
  server: RunningServer,
  admin: GqlClient,
  input: { role: 'ADMIN' | 'SUB_ADMIN' | 'USER'; permissions?: string[]; email?: string },
): Promise<{ client: GqlClient; id: string; email: string }> {
  const email = input.email ?? uniqueEmail(input.role.toLowerCase());
  const create = (as: GqlClient) =>
    as.gql(CREATE_ACCOUNT, {
      input: { email, name: `Test ${input.role}`, password: PASSWORD, role: input.role, permissions: input.permissions },
    });
  let res = await create(admin);
  if (res.errors?.some((e) => e.extensions?.['code'] === 'REAUTH_REQUIRED')) {
    // Creating staff takes a recent re-authentication. Given in a session of its own (the creator
    // signed in again), so that the caller's session stays as the test left it: not re-authenticated.
    res = await create(await freshlyConfirmed(server, admin));
  }
  if (res.data?.['createAccount']?.__typename !== 'AccountCreated') throw new Error(`create failed: ${JSON.stringify(res)}`);
  const client = new GqlClient(server.url);
  await login(client, email);
  return { client, id: res.data['createAccount'].account.id as string, email };
}

/**
 * Another session of the account `client` is signed in as, re-authenticated: for a step that needs a
 * recent confirmation without changing `client`'s own session. An account with a second factor cannot
 * sign in with the password alone: then `client` itself is re-authenticated (with the password only,
 * which such an account cannot do either: the test must re-authenticate it first).
 */
export async function freshlyConfirmed(server: RunningServer, client: GqlClient): Promise<GqlClient> {
  const me = await client.gql(`{ me { email } }`);
  const email = me.data?.['me']?.email as string | undefined;
  if (email) {
    const other = new GqlClient(server.url);
    const res = await other.gql(LOGIN, { input: { email, password: PASSWORD } });
    if (res.data?.['login']?.__typename === 'LoginSuccess') {
      await reauthenticate(other);
      return other;
    }
  }
  await reauthenticate(client);
  return client;
}

/** Re-authenticates a signed-in client with its password (accounts without 2FA): opens "sudo mode". */
export async function reauthenticate(client: GqlClient, password = PASSWORD): Promise<void> {
  const res = await client.gql(
    `mutation($i: ReauthenticateInput!) { reauthenticate(input: $i) { __typename ... on ErrorResult { code } } }`,
    { i: { password } },
  );
  if (res.data?.['reauthenticate']?.__typename !== 'ReauthSuccess')
    throw new Error(`reauthenticate failed: ${JSON.stringify(res)}`);
}

/**
 * Makes the account's re-authentications stale (`ago`, an SQL interval) and waits until `client`'s
 * server has heard of it: it keeps session rows in memory and forgets one on the change feed's
 * announcement, a moment after the commit. Probed with removing a security key that does not exist,
 * which is refused for the stale confirmation before anything else and changes nothing either way.
 */
export async function staleReauth(
  db: Pick<TestDatabase, 'query'>,
  client: GqlClient,
  accountId: string,
  ago = '1 day',
): Promise<void> {
  await db.query(`update session set reauth_at = now() - $2::interval where account_id = $1 and reauth_at is not null`, [
    accountId,
    ago,
  ]);
  const probe = `mutation($id: ID!) { removeWebauthnCredential(id: $id) }`;
  const id = randomUUID();
  let last: unknown;
  for (const until = Date.now() + 10_000; Date.now() < until; await new Promise((r) => setTimeout(r, 20))) {
    last = (await client.gql(probe, { id })).errors?.[0]?.extensions?.['code'];
    if (last === 'REAUTH_REQUIRED') return;
  }
  throw new Error(`staleReauth: still ${String(last)} after 10 s, not REAUTH_REQUIRED`);
}

/** An API token for `accountId` minted by `admin` (re-authenticated), and a client that uses it. */
export async function apiClientFor(
  server: RunningServer,
  admin: GqlClient,
  accountId: string,
  name = 'billing',
): Promise<GqlClient> {
  const res = await admin.gql(
    `mutation($id: ID!, $n: String!) { createApiToken(input: { accountId: $id, name: $n }) { token } }`,
    {
      id: accountId,
      n: name,
    },
  );
  const token = res.data?.['createApiToken']?.token as string | undefined;
  if (!token) throw new Error(`createApiToken failed: ${JSON.stringify(res)}`);
  return new GqlClient(server.url, { authorization: `Bearer ${token}` });
}
