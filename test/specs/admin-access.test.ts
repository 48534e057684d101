import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { CREATE_ACCOUNT, createAccount, LOGIN, PASSWORD, uniqueEmail, reauthenticate } from '../support/factories.js';
import { codes, GqlClient } from '../support/graphql.js';
import { runCli, startServer, type RunningServer } from '../support/server.js';
import { MailSink } from '../support/smtp.js';

const LIST = `query($a: ID) { adminAccessList(accountId: $a) { restricted currentIp currentIpListed entries { id cidr label } account { email ipRestricted } } }`;
const ADD = `mutation($l: String!, $a: ID, $label: String) { addAdminAccessEntries(lines: $l, accountId: $a, label: $label) { restricted entries { id cidr label } } }`;
const REMOVE = `mutation($id: ID!) { removeAdminAccessEntry(id: $id) { entries { cidr } } }`;
const RESTRICT = `mutation($r: Boolean!, $a: ID) { setIpRestriction(restricted: $r, accountId: $a) { restricted } }`;

/**
 * The server trusts 127.0.0.1 as a proxy here, so each client can present its own address through
 * X-Forwarded-For — the only way to be "somewhere else" in a test on one machine.
 */
const from = (server: RunningServer, ip: string) => new GqlClient(server.url, { 'x-forwarded-for': ip });

describe('admin IP access lists', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let admin: GqlClient;
  let adminEmail: string;
  let mail: MailSink;

  beforeAll(async () => {
    db = await createTestDatabase('admin_access');
    mail = await MailSink.start();
    server = await startServer({
      DATABASE_URL: db.url,
      SMTP_URL: mail.url,
      TRUSTED_PROXIES: '127.0.0.1',
      REAUTH_SECONDS: '3600',
    });
    adminEmail = uniqueEmail('owner');
    const setup = new GqlClient(server.url);
    await setup.gql(`mutation($i: SetupFirstAdminInput!) { setupFirstAdmin(input: $i) { __typename } }`, {
      i: { token: server.setupToken, email: adminEmail, name: 'Owner', password: PASSWORD },
    });
    admin = from(server, '198.51.100.10');
    await admin.gql(LOGIN, { input: { email: adminEmail, password: PASSWORD } });
  });
  afterAll(async () => {
    await server?.stop();
    await mail?.stop();
    await db?.drop();
  });

  it('adds entries pasted one per line, reporting every bad line by number and writing nothing', async () => {
    const bad = await admin.gql(ADD, { l: '203.0.113.7 Office\nnot-an-ip\n10.0.0.1/8 VPN\n2001:db8::/48 Home' });
    expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
    expect(bad.errors![0]!.extensions!['fields']).toEqual([
      expect.objectContaining({ field: 'lines[2]', reason: 'INVALID_IP', message: expect.stringContaining('Line 2') }),
      expect.objectContaining({ field: 'lines[3]', reason: 'HOST_BITS_SET' }),
    ]);
    expect(await db.query('select id from admin_access_entry')).toEqual([]);
    // Too long is refused, never cut (a cut line could name another address).
    const long = await admin.gql(ADD, { l: `${'# padding\n'.repeat(2_200)}203.0.113.7`, label: 'x'.repeat(101) });
    expect(long.errors![0]!.extensions!['fields']).toEqual([
      expect.objectContaining({ field: 'lines', reason: 'TOO_LONG' }),
      expect.objectContaining({ field: 'label', reason: 'TOO_LONG' }),
    ]);
    const longLabel = await admin.gql(ADD, { l: `203.0.113.7 ${'x'.repeat(101)}` });
    expect(longLabel.errors![0]!.extensions!['fields']).toEqual([
      expect.objectContaining({ field: 'lines[1]', reason: 'TOO_LONG' }),
    ]);
    // An empty account id is a bad one, not "your own list".
    expect(codes(await admin.gql(ADD, { l: '203.0.113.7 Office', a: '' }))).toEqual(['BAD_USER_INPUT']);
    expect(await db.query('select id from admin_access_entry')).toEqual([]);

    // Right lines, but changing IP restrictions needs a fresh confirmation first.
    expect(codes(await admin.gql(ADD, { l: '203.0.113.7 Office' }))).toEqual(['REAUTH_REQUIRED']);
    expect(codes(await admin.gql(RESTRICT, { r: false }))).toEqual(['REAUTH_REQUIRED']);
    expect(await db.query('select id from admin_access_entry')).toEqual([]);
    await reauthenticate(admin);

    const ok = await admin.gql(ADD, { l: '203.0.113.7 Office\n2001:db8::/48 Home\n\n::ffff:192.0.2.0/120', label: 'Misc' });
    expect(ok.data?.['addAdminAccessEntries']?.entries).toEqual([
      { id: expect.any(String), cidr: '203.0.113.7/32', label: 'Office' },
      { id: expect.any(String), cidr: '2001:db8::/48', label: 'Home' },
      { id: expect.any(String), cidr: '192.0.2.0/24', label: 'Misc' },
    ]);
    // An entry already listed is not added twice, however PostgreSQL spells it back (`::1.2.3.4/128`).
    for (const line of ['::102:304 Old', '::1.2.3.4 Again', '::102:304/128']) {
      expect((await admin.gql(ADD, { l: line })).errors, line).toBeUndefined();
    }
    expect(await db.query(`select cidr::text as cidr from admin_access_entry where cidr = '::102:304/128'::cidr`)).toEqual([
      { cidr: '::1.2.3.4/128' },
    ]);
  });

  it('serves /metrics to this machine only, never to a request relayed by a proxy', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(200);
    // Through the trusted proxy on this machine, whatever address the header names.
    for (const relayed of ['127.0.0.1', '203.0.113.5']) {
      const res = await fetch(`${server.url}/metrics`, { headers: { 'x-forwarded-for': relayed } });
      expect(res.status, relayed).toBe(404);
    }
  });

  it('refuses to restrict (or to remove the entry) when the current IP would be outside the list', async () => {
    const list = (await admin.gql(LIST)).data!['adminAccessList'];
    expect(list).toMatchObject({ restricted: false, currentIp: '198.51.100.10', currentIpListed: false });
    expect(codes(await admin.gql(RESTRICT, { r: true }))).toEqual(['WOULD_LOCK_YOU_OUT']);
    expect((await admin.gql(LIST)).data!['adminAccessList'].restricted).toBe(false);

    await admin.gql(ADD, { l: '198.51.100.10 My desk' });
    expect((await admin.gql(RESTRICT, { r: true })).data).toEqual({ setIpRestriction: { restricted: true } });
    const entries = (await admin.gql(LIST)).data!['adminAccessList'].entries as { id: string; cidr: string }[];
    const mine = entries.find((e) => e.cidr === '198.51.100.10/32')!;
    expect(codes(await admin.gql(REMOVE, { id: mine.id }))).toEqual(['WOULD_LOCK_YOU_OUT']);
    expect(codes(await admin.gql(REMOVE, { id: 'nope' }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await admin.gql(REMOVE, { id: '00000000-0000-4000-8000-000000000000' }))).toEqual(['NOT_FOUND']);
    const other = entries.find((e) => e.cidr === '203.0.113.7/32')!;
    // A session without a recent re-authentication removes nothing either.
    const unconfirmed = from(server, '198.51.100.10');
    await unconfirmed.gql(LOGIN, { input: { email: adminEmail, password: PASSWORD } });
    expect(codes(await unconfirmed.gql(REMOVE, { id: other.id }))).toEqual(['REAUTH_REQUIRED']);
    expect(
      (
        await db.query<{ cidr: string }>(`select cidr::text as cidr from admin_access_entry where id = any($1::uuid[])`, [
          [mine.id, other.id],
        ])
      )
        .map((r) => r.cidr)
        .sort(),
    ).toEqual(['198.51.100.10/32', '203.0.113.7/32']);
    expect((await admin.gql(REMOVE, { id: other.id })).data!['removeAdminAccessEntry'].entries).not.toContainEqual({
      cidr: '203.0.113.7/32',
    });
  });

  it('while restricted, refuses sign-in, existing sessions and API tokens from elsewhere, and records it', async () => {
    // A session opened from the listed address stops working from elsewhere.
    const elsewhere = from(server, '203.0.113.200');
    elsewhere.setCookie('sc_session', admin.getCookie('sc_session')!);
    expect(codes(await elsewhere.gql(`{ accounts { totalCount } }`))).toEqual(['IP_NOT_ALLOWED']);
    expect((await admin.gql(`{ accounts { totalCount } }`)).errors).toBeUndefined();
    // Sign-in from elsewhere, even with the right password: answered exactly as a wrong one (an answer
    // of its own would confirm the password to whoever tried it), and the holder is e-mailed.
    const login = await from(server, '203.0.113.201').gql(LOGIN, { input: { email: adminEmail, password: PASSWORD } });
    const wrong = await from(server, '203.0.113.202').gql(LOGIN, { input: { email: adminEmail, password: 'wrong password!!' } });
    expect(login.data?.['login']).toEqual(wrong.data?.['login']);
    expect(login.data?.['login']).toMatchObject({ __typename: 'InvalidCredentialsError', code: 'INVALID_CREDENTIALS' });
    const told = await mail.waitFor(adminEmail, (m) => /outside your IP access list/.test(m.subject));
    expect(MailSink.text(told)).toContain('203.0.113.201');
    // Once an hour at most, however often it happens.
    await from(server, '203.0.113.203').gql(LOGIN, { input: { email: adminEmail, password: PASSWORD } });
    await new Promise((r) => setTimeout(r, 500));
    expect(
      mail.messages.filter((m) => m.to.includes(adminEmail.toLowerCase()) && /outside your IP access list/.test(m.subject)),
    ).toHaveLength(1);
    // The session from elsewhere used again and again (a dashboard left polling): refused each time,
    // recorded once a minute.
    for (let i = 0; i < 4; i++) expect(codes(await elsewhere.gql(`{ accounts { totalCount } }`))).toEqual(['IP_NOT_ALLOWED']);
    const events = await db.query(`select host(ip) as ip, service from login_event where outcome = 'IP_NOT_ALLOWED' order by id`);
    expect(events).toEqual([
      { ip: '203.0.113.200', service: 'panel-session' },
      { ip: '203.0.113.201', service: 'panel' },
      { ip: '203.0.113.203', service: 'panel' },
    ]);
    // From yet another address, its first refusal is recorded.
    const third = from(server, '203.0.113.204');
    third.setCookie('sc_session', admin.getCookie('sc_session')!);
    expect(codes(await third.gql(`{ accounts { totalCount } }`))).toEqual(['IP_NOT_ALLOWED']);
    expect(codes(await third.gql(`{ accounts { totalCount } }`))).toEqual(['IP_NOT_ALLOWED']);
    expect(
      await db.query(
        `select host(ip) as ip from login_event where outcome = 'IP_NOT_ALLOWED' and service = 'panel-session' order by id`,
      ),
    ).toEqual([{ ip: '203.0.113.200' }, { ip: '203.0.113.204' }]);

    // API tokens of a restricted sub-admin.
    const created = await admin.gql(CREATE_ACCOUNT, {
      input: { email: uniqueEmail('mx'), name: 'mx', role: 'SUB_ADMIN', permissions: ['REPORT_LOGINS'], apiOnly: true },
    });
    const id = created.data!['createAccount'].account.id as string;
    await reauthenticate(admin);
    const { token } = (
      await admin.gql(`mutation($id: ID!) { createApiToken(input: { accountId: $id, name: "mx" }) { token } }`, { id })
    ).data!['createApiToken'];
    await admin.gql(ADD, { l: '203.0.113.50', a: id });
    await admin.gql(RESTRICT, { r: true, a: id });
    const report = `mutation { reportLogin(input: { account: "x@example.test", ip: "192.0.2.1", outcome: "SUCCESS", service: "smtp" }) { allowed } }`;
    const fromServer = new GqlClient(server.url, { authorization: `Bearer ${token}`, 'x-forwarded-for': '203.0.113.50' });
    const fromElsewhere = new GqlClient(server.url, { authorization: `Bearer ${token}`, 'x-forwarded-for': '203.0.113.51' });
    expect((await fromServer.gql(report)).data).toEqual({ reportLogin: { allowed: true } });
    expect(codes(await fromElsewhere.gql(report))).toEqual(['IP_NOT_ALLOWED']);
  });

  it('the audit-log export obeys the access list too, for sessions and API tokens', async () => {
    const { email, id } = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['READ_AUDIT_LOG'] });
    const desk = from(server, '198.51.100.90');
    await desk.gql(LOGIN, { input: { email, password: PASSWORD } });
    await reauthenticate(desk);
    await desk.gql(ADD, { l: '198.51.100.90 Desk' });
    expect((await desk.gql(RESTRICT, { r: true })).data).toEqual({ setIpRestriction: { restricted: true } });
    // An integration's token (API-only accounts hold tokens), restricted to the same desk.
    const created = await admin.gql(CREATE_ACCOUNT, {
      input: { email: uniqueEmail('export'), name: 'export', role: 'SUB_ADMIN', permissions: ['READ_AUDIT_LOG'], apiOnly: true },
    });
    const apiId = created.data!['createAccount'].account.id as string;
    await reauthenticate(admin);
    const { token } = (
      await admin.gql(`mutation($id: ID!) { createApiToken(input: { accountId: $id, name: "export" }) { token } }`, { id: apiId })
    ).data!['createApiToken'];
    await admin.gql(ADD, { l: '198.51.100.90', a: apiId });
    await admin.gql(RESTRICT, { r: true, a: apiId });
    const exportFrom = (ip: string, auth: Record<string, string>) =>
      fetch(`${server.url}/export/audit.csv`, { headers: { 'x-forwarded-for': ip, ...auth } });
    const auths: Record<string, string>[] = [{ cookie: desk.cookieHeader() }, { authorization: `Bearer ${token}` }];
    for (const auth of auths) {
      const inside = await exportFrom('198.51.100.90', auth);
      expect(inside.status).toBe(200);
      expect((await inside.text()).split('\r\n')[0]).toBe(
        'occurredAt,actorEmail,action,targetType,targetId,targetLabel,ip,details',
      );
      const outside = await exportFrom('203.0.113.90', auth);
      expect(outside.status).toBe(403);
      expect(await outside.json()).toMatchObject({ errors: [{ extensions: { code: 'IP_NOT_ALLOWED' } }] });
    }
    const refused = await db.query(
      `select account_id, service from login_event where outcome = 'IP_NOT_ALLOWED' and host(ip) = '203.0.113.90' order by id`,
    );
    expect(refused).toEqual([
      { account_id: id, service: 'panel-session' },
      { account_id: apiId, service: 'api' },
    ]);
  });

  it('shows which admin access lists contain an IP, and previews what restricting would refuse', async () => {
    const check = await admin.gql(`{ checkIp(ip: "198.51.100.10") { adminAccessLists { email cidr label } } }`);
    expect(check.data!['checkIp'].adminAccessLists).toEqual([{ email: adminEmail, cidr: '198.51.100.10/32', label: 'My desk' }]);
    // A sub-admin with MANAGE_IPS may check the address, but not read an admin's list through it.
    const ips = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_IPS'] });
    const subClient = from(server, '198.51.100.201');
    await subClient.gql(LOGIN, { input: { email: ips.email, password: PASSWORD } });
    const narrowed = await subClient.gql(`{ checkIp(ip: "198.51.100.10") { ip adminAccessLists { email cidr label } } }`);
    expect(narrowed.data!['checkIp']).toEqual({ ip: '198.51.100.10', adminAccessLists: [] });
    const { id: subId, email: subEmail } = await createAccount(server, admin, {
      role: 'SUB_ADMIN',
      permissions: ['READ_INCIDENTS'],
    });
    void subEmail;
    const preview = await admin.gql(`query($a: ID) { ipRestrictionPreview(accountId: $a) { ip count services } }`, { a: subId });
    expect(preview.data!['ipRestrictionPreview']).toEqual([{ ip: '127.0.0.1', count: 1, services: ['panel'] }]);
  });

  it('two changes at once cannot together lock you out: removals and restricting are taken one at a time', async () => {
    const { email } = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_IPS'] });
    const sub = from(server, '198.51.100.77');
    await sub.gql(LOGIN, { input: { email, password: PASSWORD } });
    await reauthenticate(sub);
    await sub.gql(ADD, { l: '198.51.100.77 Desk\n198.51.100.0/24 Floor\n198.51.100.64/26 Wing' });
    expect((await sub.gql(RESTRICT, { r: true })).data).toEqual({ setIpRestriction: { restricted: true } });
    const entries = (await sub.gql(LIST)).data!['adminAccessList'].entries as { id: string }[];
    expect(entries).toHaveLength(3);
    // Each removal alone would leave the desk covered; all three together would not.
    const removals = await Promise.all(entries.map((e) => sub.gql(REMOVE, { id: e.id })));
    expect(removals.filter((r) => r.data?.['removeAdminAccessEntry']).length).toBe(2);
    expect(removals.flatMap((r) => codes(r))).toEqual(['WOULD_LOCK_YOU_OUT']);
    expect((await sub.gql(LIST)).data!['adminAccessList']).toMatchObject({ restricted: true, currentIpListed: true });
    expect(
      await db.query(
        `select count(*)::int as n from audit_log where action = 'ACCESS_LIST_ENTRY_REMOVED' and target_label = $1`,
        [email],
      ),
    ).toEqual([{ n: 2 }]);

    // Unrestricted again, with one entry over the desk: restricting and removing it at once never
    // leave the account restricted with the desk outside its list.
    expect((await sub.gql(RESTRICT, { r: false })).data).toEqual({ setIpRestriction: { restricted: false } });
    const [last] = (await sub.gql(LIST)).data!['adminAccessList'].entries as { id: string }[];
    await Promise.all([sub.gql(RESTRICT, { r: true }), sub.gql(REMOVE, { id: last!.id })]);
    const after = (await sub.gql(LIST)).data!['adminAccessList'];
    expect(after.restricted === false || after.currentIpListed === true).toBe(true);
  });

  it('switching the restriction writes it once, under the lock (no second write after the change is committed)', async () => {
    const { id } = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_IPS'] });
    await reauthenticate(admin);
    await admin.gql(ADD, { l: '203.0.113.60', a: id });
    // Every write of the column is counted (a trigger of this test's own database).
    await db.query(`create table if not exists restriction_writes (account_id uuid, value boolean)`);
    await db.query(`create or replace function count_restriction_write() returns trigger language plpgsql as $$
      begin insert into restriction_writes values (new.id, new.ip_restricted); return new; end $$`);
    await db.query(`drop trigger if exists restriction_writes on account`);
    await db.query(
      `create trigger restriction_writes after update of ip_restricted on account for each row execute function count_restriction_write()`,
    );
    try {
      expect((await admin.gql(RESTRICT, { r: true, a: id })).data).toEqual({ setIpRestriction: { restricted: true } });
      expect((await admin.gql(RESTRICT, { r: false, a: id })).data).toEqual({ setIpRestriction: { restricted: false } });
      // A written-back value would show as a second row per switch (and, under a race, over another admin's change).
      expect(await db.query(`select value from restriction_writes where account_id = $1`, [id])).toEqual([
        { value: true },
        { value: false },
      ]);
    } finally {
      await db.query(`drop trigger if exists restriction_writes on account`);
    }
  });

  it('only admins (or MANAGE_SUB_ADMINS for sub-admins) touch other people’s lists; users have none', async () => {
    const { client: user, id: userId } = await createAccount(server, admin, { role: 'USER' });
    const { client: sub, id: subId } = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_IPS'] });
    const adminId = (await admin.gql(`{ me { id } }`)).data!['me'].id as string;
    expect(codes(await user.gql(LIST))).toEqual(['FORBIDDEN']);
    expect(codes(await sub.gql(LIST, { a: adminId }))).toEqual(['FORBIDDEN']);
    expect(codes(await admin.gql(LIST, { a: userId }))).toEqual(['BAD_USER_INPUT']);
    expect((await sub.gql(LIST)).data!['adminAccessList'].entries).toEqual([]);
    expect(codes(await admin.gql(REMOVE, { id: '00000000-0000-4000-8000-000000000000' }))).toEqual(['NOT_FOUND']);
    expect(codes(await admin.gql(LIST, { a: 'nope' }))).toEqual(['BAD_USER_INPUT']);
    void subId;
  });

  it('never leaves a restricted account with an empty list (it would be refused from everywhere), for anyone’s list', async () => {
    const { id: staffId } = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_IPS'] });
    await reauthenticate(admin);
    const restricted = async () =>
      (await db.query<{ ip_restricted: boolean }>(`select ip_restricted from account where id = $1`, [staffId]))[0]!
        .ip_restricted;
    expect(codes(await admin.gql(RESTRICT, { r: true, a: staffId }))).toEqual(['ACCESS_LIST_EMPTY']);
    expect(await restricted()).toBe(false);
    const added = await admin.gql(ADD, { l: '203.0.113.90 Office', a: staffId });
    const entryId = added.data!['addAdminAccessEntries'].entries[0].id as string;
    expect((await admin.gql(RESTRICT, { r: true, a: staffId })).data!['setIpRestriction']).toEqual({ restricted: true });
    // Its last entry stays while the restriction is on.
    expect(codes(await admin.gql(REMOVE, { id: entryId }))).toEqual(['ACCESS_LIST_EMPTY']);
    expect(await db.query(`select id from admin_access_entry where account_id = $1`, [staffId])).toEqual([{ id: entryId }]);
    expect((await admin.gql(RESTRICT, { r: false, a: staffId })).data!['setIpRestriction']).toEqual({ restricted: false });
    expect((await admin.gql(REMOVE, { id: entryId })).data!['removeAdminAccessEntry']).toEqual({ entries: [] });
  });

  it('the break-glass CLI lifts the blocks over an address, and it is audited', async () => {
    const blocked = await admin.gql(`mutation($i: BlockIpInput!) { blockIp(input: $i) { __typename } }`, {
      i: { cidr: '192.0.2.0/24', note: 'blocked by mistake' },
    });
    expect(blocked.data!['blockIp'].__typename).toBe('IpBlock');
    const refused = await from(server, '192.0.2.77').gql(LOGIN, { input: { email: adminEmail, password: PASSWORD } });
    expect(refused.data?.['login']?.__typename).not.toBe('LoginSuccess');
    // Bad input: no address, or not an address; nothing is lifted.
    expect((await runCli(['unblock-ip'], { DATABASE_URL: db.url })).code).toBe(2);
    const bad = await runCli(['unblock-ip', '--ip', 'not-an-ip'], { DATABASE_URL: db.url });
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining('unblock-ip needs --ip') });
    expect(await db.query(`select 1 from ip_block where cidr = '192.0.2.0/24' and lifted_at is null`)).toHaveLength(1);
    const res = await runCli(['unblock-ip', '--ip', '192.0.2.77'], { DATABASE_URL: db.url });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Lifted 1 block(s) covering 192.0.2.77/32: 192.0.2.0/24');
    expect(await db.query(`select 1 from ip_block where cidr = '192.0.2.0/24' and lifted_at is null`)).toHaveLength(0);
    const audit = await db.query(`select details from audit_log where action = 'IP_UNBLOCKED' and target_label = '192.0.2.0/24'`);
    expect(audit).toEqual([{ details: { reason: 'MANUAL', by: 'cli' } }]);
  });

  it('the break-glass CLI lifts a restriction, and it is audited', async () => {
    const res = await runCli(['lift-ip-restriction', '--email', adminEmail], { DATABASE_URL: db.url });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('IP restriction lifted');
    const login = await from(server, '203.0.113.99').gql(LOGIN, { input: { email: adminEmail, password: PASSWORD } });
    expect(login.data?.['login']?.__typename).toBe('LoginSuccess');
    const audit = await db.query(
      `select action from audit_log where action in ('IP_RESTRICTION_CHANGED', 'IP_RESTRICTION_LIFTED_BY_CLI', 'ACCESS_LIST_ENTRY_ADDED') order by id`,
    );
    expect(audit.map((r) => (r as { action: string }).action)).toEqual(
      expect.arrayContaining(['IP_RESTRICTION_CHANGED', 'IP_RESTRICTION_LIFTED_BY_CLI', 'ACCESS_LIST_ENTRY_ADDED']),
    );
    // Again: nothing in force, nothing changed, nothing audited.
    const again = await runCli(['lift-ip-restriction', '--email', adminEmail], { DATABASE_URL: db.url });
    expect(again).toMatchObject({ code: 0, stdout: expect.stringContaining('nothing to lift') });
    expect(await db.query(`select count(*)::int as n from audit_log where action = 'IP_RESTRICTION_LIFTED_BY_CLI'`)).toEqual([
      { n: 1 },
    ]);
  });
});
