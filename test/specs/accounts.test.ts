import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { CREATE_ACCOUNT, createAccount, LOGIN, PASSWORD, reauthenticate, setupAdmin, uniqueEmail } from '../support/factories.js';
import { codes, GqlClient } from '../support/graphql.js';
import { inLockOrder } from '../support/locks.js';
import { startServer, type RunningServer } from '../support/server.js';

const ACCOUNTS = `query($filter: AccountFilter, $page: PageInput) { accounts(filter: $filter, page: $page) { totalCount nodes { id email role disabledAt } } }`;
const DISABLE = `mutation($id: ID!, $disabled: Boolean!) { setAccountDisabled(id: $id, disabled: $disabled) { id disabledAt } }`;

describe('accounts and roles', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let admin: GqlClient;
  let adminId: string;
  let adminEmail: string;

  beforeAll(async () => {
    db = await createTestDatabase('accounts');
    server = await startServer({ DATABASE_URL: db.url });
    ({ client: admin, id: adminId, email: adminEmail } = await setupAdmin(server));
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  const accountCount = async () => Number((await db.query<{ n: string }>('select count(*) as n from account'))[0]!.n);

  it('an admin creates users and lists them with filters and paging', async () => {
    const email = uniqueEmail('listed');
    const created = await admin.gql(CREATE_ACCOUNT, {
      input: { email: email.toUpperCase(), name: '  Listed  ', password: PASSWORD, role: 'USER' },
    });
    expect(created.data?.['createAccount']).toEqual({
      __typename: 'AccountCreated',
      account: { id: expect.any(String), email, name: 'Listed', role: 'USER', permissions: [], disabledAt: null },
    });
    const found = await admin.gql(ACCOUNTS, { filter: { search: email.slice(0, 12) } });
    expect(found.data?.['accounts']).toEqual({
      totalCount: 1,
      nodes: [{ id: expect.any(String), email, role: 'USER', disabledAt: null }],
    });
    const admins = await admin.gql(ACCOUNTS, { filter: { role: 'ADMIN' }, page: { limit: 1, offset: 0 } });
    expect(admins.data?.['accounts']?.nodes).toHaveLength(1);
    expect(admins.data?.['accounts']?.nodes[0].role).toBe('ADMIN');
    // A search is a substring, not a pattern: % and _ match themselves.
    expect((await admin.gql(ACCOUNTS, { filter: { search: '%' } })).data?.['accounts']?.totalCount).toBe(0);
  });

  it('nobody but an admin or a sub-admin with MANAGE_USERS lists accounts', async () => {
    const { client: user } = await createAccount(server, admin, { role: 'USER' });
    const { client: noPerm } = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['READ_INCIDENTS'] });
    const { client: manager } = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_USERS'] });
    const anonymous = new GqlClient(server.url);

    expect(codes(await anonymous.gql(ACCOUNTS))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await user.gql(ACCOUNTS))).toEqual(['FORBIDDEN']);
    expect(codes(await noPerm.gql(ACCOUNTS))).toEqual(['FORBIDDEN']);
    expect(codes(await user.gql(`query($id: ID!) { account(id: $id) { email } }`, { id: adminId }))).toEqual(['FORBIDDEN']);
    const ok = await manager.gql(ACCOUNTS);
    expect(ok.errors).toBeUndefined();
    expect(ok.data?.['accounts']?.totalCount).toBeGreaterThanOrEqual(4);

    // A user-manager may create users, but not sub-admins or admins.
    const before = await accountCount();
    const asSub = await manager.gql(CREATE_ACCOUNT, {
      input: { email: uniqueEmail(), name: 'X', password: PASSWORD, role: 'SUB_ADMIN', permissions: ['MANAGE_USERS'] },
    });
    const asAdmin = await manager.gql(CREATE_ACCOUNT, {
      input: { email: uniqueEmail(), name: 'X', password: PASSWORD, role: 'ADMIN' },
    });
    expect(codes(asSub)).toEqual(['FORBIDDEN']);
    expect(codes(asAdmin)).toEqual(['FORBIDDEN']);
    expect(await accountCount()).toBe(before);
    const asUser = await manager.gql(CREATE_ACCOUNT, {
      input: { email: uniqueEmail(), name: 'X', password: PASSWORD, role: 'USER' },
    });
    expect(asUser.data?.['createAccount']?.__typename).toBe('AccountCreated');
    // …and may not disable an admin.
    expect(codes(await manager.gql(DISABLE, { id: adminId, disabled: true }))).toEqual(['FORBIDDEN']);
    expect(
      codes(await user.gql(CREATE_ACCOUNT, { input: { email: uniqueEmail(), name: 'X', password: PASSWORD, role: 'USER' } })),
    ).toEqual(['FORBIDDEN']);
  });

  it.each([
    ['malformed e-mail', { email: 'nope' }, 'email', 'isEmail'],
    ['short password', { password: 'too short' }, 'password', 'PASSWORD_TOO_SHORT'],
    [
      'password equal to the e-mail local part',
      { email: 'jane.doe.long@example.test', password: 'jane.doe.long' },
      'password',
      'PASSWORD_SAME_AS_EMAIL',
    ],
    ['blank name', { name: ' ' }, 'name', 'REQUIRED'],
    ['overlong name', { name: 'x'.repeat(101) }, 'name', 'isLength'],
    ['permissions on a user', { permissions: ['MANAGE_USERS'] }, 'permissions', 'ONLY_FOR_SUB_ADMINS'],
  ])('createAccount refuses %s (BAD_USER_INPUT, field named) and writes nothing', async (_l, override, field, reason) => {
    const before = await accountCount();
    const res = await admin.gql(CREATE_ACCOUNT, {
      input: { email: uniqueEmail(), name: 'Someone', password: PASSWORD, role: 'USER', ...override },
    });
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0]!.extensions!['fields']).toEqual(expect.arrayContaining([expect.objectContaining({ field, reason })]));
    expect(await accountCount()).toBe(before);
  });

  it('MANAGE_SUB_ADMINS alone lists sub-admins only; MANAGE_IPS alone looks accounts up by 3 characters, 20 at most', async () => {
    const { client: subManager } = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_SUB_ADMINS'] });
    const { client: ips } = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_IPS'] });
    const lookupIds: string[] = [];
    for (let i = 0; i < 22; i++) {
      const res = await admin.gql(CREATE_ACCOUNT, {
        input: { email: uniqueEmail('lookup'), name: `Lookup ${i}`, password: PASSWORD, role: 'USER' },
      });
      expect(res.data?.['createAccount']?.__typename).toBe('AccountCreated');
      lookupIds.push(res.data!['createAccount'].account.id);
    }
    // One of them disabled: not found by the lookup (21 enabled ones match).
    await admin.gql(DISABLE, { id: lookupIds[0], disabled: true });

    expect(codes(await subManager.gql(ACCOUNTS))).toEqual(['FORBIDDEN']);
    expect(codes(await subManager.gql(ACCOUNTS, { filter: { role: 'USER' } }))).toEqual(['FORBIDDEN']);
    const subs = await subManager.gql(ACCOUNTS, { filter: { role: 'SUB_ADMIN' } });
    const subRoles = (subs.data!['accounts'].nodes as { role: string }[]).map((n) => n.role);
    expect(subRoles.length).toBeGreaterThanOrEqual(2);
    expect(new Set(subRoles)).toEqual(new Set(['SUB_ADMIN']));

    expect(codes(await ips.gql(ACCOUNTS))).toEqual(['FORBIDDEN']);
    expect(codes(await ips.gql(ACCOUNTS, { filter: { search: 'lo ' } }))).toEqual(['FORBIDDEN']);
    const found = await ips.gql(ACCOUNTS, { filter: { search: 'lookup-' }, page: { limit: 200, offset: 5 } });
    // 21 match: the lookup returns 20 and says no more (not a way to count accounts).
    expect(found.data!['accounts'].totalCount).toBe(20);
    expect(found.data!['accounts'].nodes).toHaveLength(20);
    // Enabled users only, whatever the filter asks (not a way to list staff).
    const staff = await ips.gql(ACCOUNTS, { filter: { search: 'example', role: 'ADMIN', includeDisabled: true } });
    const roles = (staff.data!['accounts'].nodes as { role: string; disabledAt: string | null }[]).map((n) => [
      n.role,
      n.disabledAt,
    ]);
    expect(roles.length).toBeGreaterThan(0);
    expect(new Set(roles.map(([role, disabled]) => `${role} ${disabled}`))).toEqual(new Set(['USER null']));
  });

  it('creating a sub-admin or an admin needs a recent re-authentication (a stolen session leaves no standing account); a user does not', async () => {
    const session = new GqlClient(server.url);
    const signedIn = await session.gql(LOGIN, { input: { email: adminEmail, password: PASSWORD } });
    expect(signedIn.data?.['login']?.__typename).toBe('LoginSuccess');
    const create = (role: string) => {
      const email = uniqueEmail(`needs-${role.toLowerCase()}`);
      const input = { email, name: 'X', password: PASSWORD, role, ...(role === 'SUB_ADMIN' ? { permissions: [] } : {}) };
      return session.gql(CREATE_ACCOUNT, { input }).then((res) => ({ res, email }));
    };
    for (const role of ['SUB_ADMIN', 'ADMIN']) {
      const { res, email } = await create(role);
      expect(codes(res), role).toEqual(['REAUTH_REQUIRED']);
      expect(await db.query(`select 1 from account where email = $1`, [email])).toEqual([]);
    }
    expect((await create('USER')).res.data?.['createAccount']?.__typename).toBe('AccountCreated');
    await reauthenticate(session);
    expect((await create('SUB_ADMIN')).res.data?.['createAccount']?.__typename).toBe('AccountCreated');
  });

  it('createAccount refuses an unknown role and an unknown permission as bad input', async () => {
    const before = await accountCount();
    const badRole = await admin.gql(CREATE_ACCOUNT, {
      input: { email: uniqueEmail(), name: 'X', password: PASSWORD, role: 'ROOT' },
    });
    const badPerm = await admin.gql(CREATE_ACCOUNT, {
      input: { email: uniqueEmail(), name: 'X', password: PASSWORD, role: 'SUB_ADMIN', permissions: ['EVERYTHING'] },
    });
    expect(codes(badRole)).toEqual(['BAD_USER_INPUT']);
    expect(codes(badPerm)).toEqual(['BAD_USER_INPUT']);
    expect(await accountCount()).toBe(before);
  });

  it('createAccount answers EMAIL_TAKEN for an existing address in any case', async () => {
    const email = uniqueEmail('dup');
    await admin.gql(CREATE_ACCOUNT, { input: { email, name: 'One', password: PASSWORD, role: 'USER' } });
    const before = await accountCount();
    const dup = await admin.gql(CREATE_ACCOUNT, {
      input: { email: email.toUpperCase(), name: 'Two', password: PASSWORD, role: 'USER' },
    });
    expect(dup.data?.['createAccount']).toEqual({
      __typename: 'EmailTakenError',
      code: 'EMAIL_TAKEN',
      message: expect.any(String),
    });
    expect(await accountCount()).toBe(before);
  });

  it('disabling an account ends its sessions and stops its logins; enabling restores them', async () => {
    const { client, id, email } = await createAccount(server, admin, { role: 'USER' });
    const res = await admin.gql(DISABLE, { id, disabled: true });
    expect(res.data?.['setAccountDisabled']).toEqual({ id, disabledAt: expect.any(String) });
    expect((await client.gql('{ me { id } }')).data).toEqual({ me: null });
    const refused = await new GqlClient(server.url).gql(LOGIN, { input: { email, password: PASSWORD } });
    expect(refused.data?.['login']?.code).toBe('INVALID_CREDENTIALS');
    const outcome = await db.query(`select outcome from login_event where account_id = $1 order by id desc limit 1`, [id]);
    expect(outcome).toEqual([{ outcome: 'ACCOUNT_DISABLED' }]);

    expect((await admin.gql(DISABLE, { id, disabled: false })).data?.['setAccountDisabled']).toEqual({ id, disabledAt: null });
    const back = await new GqlClient(server.url).gql(LOGIN, { input: { email, password: PASSWORD } });
    expect(back.data?.['login']?.__typename).toBe('LoginSuccess');
  });

  it('setAccountDisabled: own account, unknown and malformed ids', async () => {
    expect(codes(await admin.gql(DISABLE, { id: adminId, disabled: true }))).toEqual(['CANNOT_DISABLE_SELF']);
    expect(codes(await admin.gql(DISABLE, { id: '00000000-0000-4000-8000-000000000000', disabled: true }))).toEqual([
      'NOT_FOUND',
    ]);
    expect(codes(await admin.gql(DISABLE, { id: 'x', disabled: true }))).toEqual(['BAD_USER_INPUT']);
    expect(await db.query('select id from account where disabled_at is not null and id = $1', [adminId])).toEqual([]);
  });

  it('deleting an account removes it with its sessions and tokens, keeps history, and is audited; bad input deletes nothing', async () => {
    const DELETE = `mutation($id: ID!) { deleteAccount(id: $id) }`;
    const victim = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['READ_AUDIT_LOG'] });
    const manager = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_USERS'] });
    const before = await accountCount();
    expect(codes(await admin.gql(DELETE, { id: 'x' }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await admin.gql(DELETE, { id: '00000000-0000-4000-8000-000000000000' }))).toEqual(['NOT_FOUND']);
    expect(codes(await admin.gql(DELETE, { id: adminId }))).toEqual(['CANNOT_DISABLE_SELF']);
    // MANAGE_USERS covers users, not sub-admins; the victim itself has neither.
    expect(codes(await manager.client.gql(DELETE, { id: victim.id }))).toEqual(['FORBIDDEN']);
    expect(codes(await victim.client.gql(DELETE, { id: manager.id }))).toEqual(['FORBIDDEN']);
    // A staff account's deletion cannot be undone: a recent re-authentication first.
    const unconfirmed = new GqlClient(server.url);
    await unconfirmed.gql(LOGIN, { input: { email: adminEmail, password: PASSWORD } });
    expect(codes(await unconfirmed.gql(DELETE, { id: victim.id }))).toEqual(['REAUTH_REQUIRED']);
    expect(await accountCount()).toBe(before);
    await reauthenticate(admin);
    const [{ created_at: createdAt }] = (await db.query(`select created_at from account where id = $1`, [victim.id])) as [
      { created_at: Date },
    ];

    expect((await admin.gql(DELETE, { id: victim.id })).data).toEqual({ deleteAccount: victim.id });
    expect(await accountCount()).toBe(before - 1);
    expect((await victim.client.gql(`{ me { id } }`)).data?.['me']).toBeNull();
    expect(await db.query('select id from session where account_id = $1', [victim.id])).toEqual([]);
    // Its sign-ins stay in the login history, unlinked.
    expect((await db.query(`select count(*)::int as n from login_event where attempted_name = $1`, [victim.email]))[0]).toEqual({
      n: 1,
    });
    const audit = await db.query(
      `select action, target_id, details from audit_log where action = 'ACCOUNT_DELETED' and target_id = $1`,
      [victim.id],
    );
    expect(audit).toEqual([
      {
        action: 'ACCOUNT_DELETED',
        target_id: victim.id,
        // When it was made, too: an admin's deletion holds resets of other admins' 2FA up for a day when it was one of at least a day.
        details: {
          role: 'SUB_ADMIN',
          permissions: ['READ_AUDIT_LOG'],
          apiOnly: false,
          apiTokensRevoked: 0,
          accountCreatedAt: createdAt.toISOString(),
        },
      },
    ]);
    expect(codes(await admin.gql(DELETE, { id: victim.id }))).toEqual(['NOT_FOUND']);
  });

  it('two admins disabling each other at the same moment leave one enabled admin', async () => {
    const { client: second, id: secondId } = await createAccount(server, admin, { role: 'ADMIN' });
    const enabledAdmins = async () =>
      Number(
        (await db.query<{ n: string }>(`select count(*) as n from account where role = 'ADMIN' and disabled_at is null`))[0]!.n,
      );
    // Leave exactly these two enabled.
    await db.query(`update account set disabled_at = now() where role = 'ADMIN' and id not in ($1, $2)`, [adminId, secondId]);
    const [a, b] = await Promise.all([
      admin.gql(DISABLE, { id: secondId, disabled: true }),
      second.gql(DISABLE, { id: adminId, disabled: true }),
    ]);
    const outcomes = [a, b].map((r) => (r.errors ? r.errors[0]!.extensions!.code : 'OK'));
    expect(await enabledAdmins()).toBe(1);
    expect(outcomes.filter((o) => o === 'OK')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'LAST_ADMIN' || o === 'UNAUTHENTICATED')).toHaveLength(1);
  });

  it('two admins deleting each other at the same moment leave one admin (LAST_ADMIN for the other)', async () => {
    // The race before may have disabled this admin: enabled again, with a fresh session.
    await db.query(`update account set disabled_at = null where id = $1`, [adminId]);
    admin = new GqlClient(server.url);
    await admin.gql(LOGIN, { input: { email: adminEmail, password: PASSWORD } });
    const { client: second, id: secondId } = await createAccount(server, admin, { role: 'ADMIN' });
    await reauthenticate(admin);
    await reauthenticate(second);
    // Leave exactly these two enabled.
    await db.query(`update account set disabled_at = now() where role = 'ADMIN' and id not in ($1, $2)`, [adminId, secondId]);
    const DELETE = `mutation($id: ID!) { deleteAccount(id: $id) }`;
    const [a, b] = await Promise.all([second.gql(DELETE, { id: adminId }), admin.gql(DELETE, { id: secondId })]);
    const outcomes = [a, b].map((r) => (r.errors ? r.errors[0]!.extensions!.code : 'OK'));
    expect(outcomes.filter((o) => o === 'OK')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'LAST_ADMIN' || o === 'UNAUTHENTICATED')).toHaveLength(1);
    const left = await db.query(`select id from account where role = 'ADMIN' and disabled_at is null and id in ($1, $2)`, [
      adminId,
      secondId,
    ]);
    expect(left).toHaveLength(1);
    // Whoever is left can sign in and act; the test's admin client follows it.
    if (left[0]!['id'] !== adminId) admin = second;
  });
});

describe('sub-admin permissions', () => {
  it('an admin replaces a sub-admin’s permissions; it takes effect at once and is audited; bad input changes nothing', async () => {
    const db = await createTestDatabase('permissions');
    const server = await startServer({ DATABASE_URL: db.url });
    try {
      const { client: admin, id: adminId } = await setupAdmin(server);
      const { client: sub, id: subId } = await createAccount(server, admin, {
        role: 'SUB_ADMIN',
        permissions: ['READ_INCIDENTS'],
      });
      const { id: userId } = await createAccount(server, admin, { role: 'USER' });
      const SET = `mutation($id: ID!, $p: [Permission!]!) { setPermissions(id: $id, permissions: $p) { id permissions } }`;
      expect(codes(await sub.gql(ACCOUNTS))).toEqual(['FORBIDDEN']);
      // Adding a permission makes a standing credential stronger: a recent re-authentication first.
      expect(codes(await admin.gql(SET, { id: subId, p: ['MANAGE_USERS', 'READ_INCIDENTS'] }))).toEqual(['REAUTH_REQUIRED']);
      expect(await db.query(`select permissions from account where id = $1`, [subId])).toEqual([
        { permissions: ['READ_INCIDENTS'] },
      ]);
      await reauthenticate(admin);
      const res = await admin.gql(SET, { id: subId, p: ['MANAGE_USERS', 'READ_INCIDENTS', 'MANAGE_USERS'] });
      expect(res.data).toEqual({ setPermissions: { id: subId, permissions: ['MANAGE_USERS', 'READ_INCIDENTS'] } });
      expect((await sub.gql(ACCOUNTS)).errors).toBeUndefined();
      const audit = await db.query(`select details from audit_log where action = 'PERMISSIONS_CHANGED'`);
      expect(audit).toEqual([{ details: { before: ['READ_INCIDENTS'], after: ['MANAGE_USERS', 'READ_INCIDENTS'] } }]);

      expect(codes(await admin.gql(SET, { id: userId, p: ['MANAGE_USERS'] }))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await admin.gql(SET, { id: adminId, p: [] }))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await admin.gql(SET, { id: subId, p: ['EVERYTHING'] }))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await admin.gql(SET, { id: '00000000-0000-4000-8000-000000000000', p: [] }))).toEqual(['NOT_FOUND']);
      expect(codes(await sub.gql(SET, { id: subId, p: ['MANAGE_SUB_ADMINS'] }))).toEqual(['FORBIDDEN']);
      // A sub-admin that manages sub-admins still cannot change its own set.
      const { client: manager, id: managerId } = await createAccount(server, admin, {
        role: 'SUB_ADMIN',
        permissions: ['MANAGE_SUB_ADMINS', 'MANAGE_USERS'],
      });
      const own = await manager.gql(SET, { id: managerId, p: ['MANAGE_SUB_ADMINS'] });
      expect(codes(own)).toEqual(['BAD_USER_INPUT']);
      expect(own.errors![0]!.extensions!['fields']).toEqual([expect.objectContaining({ reason: 'OWN_PERMISSIONS' })]);
      expect(await db.query(`select permissions from account where id = $1`, [managerId])).toEqual([
        { permissions: ['MANAGE_SUB_ADMINS', 'MANAGE_USERS'] },
      ]);
      expect(await db.query(`select permissions from account where id = $1`, [subId])).toEqual([
        { permissions: ['MANAGE_USERS', 'READ_INCIDENTS'] },
      ]);

      // Another admin changes the set while this request, which read it before, waits for the row:
      // the request's set is what is stored, and the audit entry names what it replaced.
      const [raced] = await inLockOrder(
        db,
        ['select 1 from account where id = $1 for update', [subId]],
        [() => admin.gql(SET, { id: subId, p: ['MANAGE_USERS', 'READ_INCIDENTS'] })],
        {
          waitingOn: 'from account where id',
          meanwhile: (locker) =>
            locker.query(`update account set permissions = '{MANAGE_USERS,MANAGE_IPS,READ_INCIDENTS}' where id = $1`, [subId]),
        },
      );
      expect(raced!.data).toEqual({ setPermissions: { id: subId, permissions: ['MANAGE_USERS', 'READ_INCIDENTS'] } });
      expect(await db.query(`select permissions from account where id = $1`, [subId])).toEqual([
        { permissions: ['MANAGE_USERS', 'READ_INCIDENTS'] },
      ]);
      const last = await db.query(
        `select details from audit_log where action = 'PERMISSIONS_CHANGED' order by occurred_at desc limit 1`,
      );
      expect(last).toEqual([
        { details: { before: ['MANAGE_USERS', 'MANAGE_IPS', 'READ_INCIDENTS'], after: ['MANAGE_USERS', 'READ_INCIDENTS'] } },
      ]);
    } finally {
      await server.stop();
      await db.drop();
    }
  });
});
