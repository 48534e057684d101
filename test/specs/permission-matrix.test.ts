import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  isInterfaceType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLOutputType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createAccount, setupAdmin } from '../support/factories.js';
import { enrollTotp, loginStep } from '../support/two-factor.js';
import { GqlClient } from '../support/graphql.js';
import { repoRoot, startServer, type RunningServer } from '../support/server.js';

/**
 * Generated from the committed schema, so a new query or mutation cannot slip through unauthorised:
 * every operation outside these two lists must refuse anonymous callers (UNAUTHENTICATED) and users
 * and permission-less sub-admins (FORBIDDEN).
 */
const PUBLIC = new Set([
  'Query.me',
  'Query.setupStatus',
  'Query.pendingSignIn',
  'Mutation.login',
  'Mutation.logout',
  'Mutation.setupFirstAdmin',
  // The single-use link tokens are the authorization.
  'Mutation.respondToIncident',
  'Mutation.resetPassword',
]);
/** Your own second factors: every account, whatever its role or permissions. */
const TWO_FACTOR_SELF_SERVICE = [
  'Query.myTwoFactor',
  'Mutation.startTotpEnrollment',
  'Mutation.confirmTotpEnrollment',
  'Mutation.startEmailEnrollment',
  'Mutation.confirmEmailEnrollment',
  'Mutation.webauthnRegistrationOptions',
  'Mutation.finishWebauthnRegistration',
  'Mutation.renameWebauthnCredential',
  'Mutation.removeWebauthnCredential',
  'Mutation.disableTotp',
  'Mutation.disableEmailFactor',
  'Mutation.generateRecoveryCodes',
  'Mutation.reauthenticate',
  'Mutation.sendEmailCode',
  'Mutation.webauthnAuthenticationOptions',
];
const SELF_SERVICE = new Set([
  'Query.mySessions',
  'Mutation.revokeSession',
  'Mutation.changePassword',
  'Query.myTrustedIps',
  'Query.myLoginEvents',
  ...TWO_FACTOR_SELF_SERVICE,
]);
/** What a session that passed only the password may call (besides the public operations). */
const SECOND_STEP = new Set(['Mutation.verifySecondFactor', 'Mutation.sendEmailCode', 'Mutation.webauthnAuthenticationOptions']);
/** What a session held by a 2FA policy may call: look at and set up its own methods. */
const ENROLLMENT = new Set([
  'Query.myTwoFactor',
  'Mutation.startTotpEnrollment',
  'Mutation.confirmTotpEnrollment',
  'Mutation.startEmailEnrollment',
  'Mutation.confirmEmailEnrollment',
  'Mutation.webauthnRegistrationOptions',
  'Mutation.finishWebauthnRegistration',
]);
/** Every admin and sub-admin manages their own IP access list; users have none. */
const STAFF_SELF_SERVICE = new Set([
  'Query.adminAccessList',
  'Query.ipRestrictionPreview',
  'Mutation.addAdminAccessEntries',
  'Mutation.removeAdminAccessEntry',
  'Mutation.setIpRestriction',
]);

const schema = buildSchema(readFileSync(path.join(repoRoot, 'schema.graphql'), 'utf8'));

function sampleInput(type: GraphQLInputType, depth = 0): unknown {
  if (isNonNullType(type)) return sampleInput(type.ofType, depth);
  if (isListType(type)) return [sampleInput(type.ofType, depth + 1)];
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (isInputObjectType(type)) {
    const out: Record<string, unknown> = {};
    for (const f of Object.values(type.getFields()))
      if (isNonNullType(f.type) || depth === 0) out[f.name] = sampleInput(f.type, depth + 1);
    return out;
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'Int':
        return 1;
      case 'Float':
        return 1.5;
      case 'Boolean':
        return false;
      case 'ID':
        return '00000000-0000-4000-8000-000000000000';
      case 'JSONObject':
        return {};
      case 'DateTimeISO':
        return new Date(Date.now() + 3_600_000).toISOString();
      default:
        return '192.0.2.1';
    }
  }
  throw new Error(`no sample for ${String(type)}`);
}

function selection(type: GraphQLOutputType): string {
  const named = getNamedType(type);
  if (isObjectType(named) || isInterfaceType(named)) {
    const first = Object.values(named.getFields()).find(
      (f) => isScalarType(getNamedType(f.type)) || isEnumType(getNamedType(f.type)),
    );
    return ` { __typename ${first ? first.name : ''} }`;
  }
  if (isUnionType(named)) return ' { __typename }';
  return '';
}

function operation(
  kind: 'query' | 'mutation',
  field: GraphQLField<unknown, unknown>,
): { query: string; variables: Record<string, unknown> } {
  const defs = field.args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const args = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const variables = Object.fromEntries(field.args.filter((a) => isNonNullType(a.type)).map((a) => [a.name, sampleInput(a.type)]));
  return {
    query: `${kind}${defs ? `(${defs})` : ''} { ${field.name}${args ? `(${args})` : ''}${selection(field.type)} }`,
    variables,
  };
}

const operations = (['query', 'mutation'] as const).flatMap((kind) => {
  const root = kind === 'query' ? schema.getQueryType()! : schema.getMutationType()!;
  return Object.values(root.getFields()).map((f) => ({ kind, name: `${root.name}.${f.name}`, ...operation(kind, f) }));
});

describe('permission matrix over the whole schema', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let clients: { anonymous: GqlClient; user: GqlClient; bareSubAdmin: GqlClient; pending: GqlClient; enrolling: GqlClient };

  beforeAll(async () => {
    db = await createTestDatabase('matrix');
    server = await startServer({ DATABASE_URL: db.url });
    const { client: admin } = await setupAdmin(server);
    // An admin with 2FA stopped after the password, and a user held at enrollment by the policy mark.
    const withTotp = await createAccount(server, admin, { role: 'ADMIN' });
    await enrollTotp(withTotp.client);
    const pending = new GqlClient(server.url);
    expect((await loginStep(pending, withTotp.email)).typename).toBe('SecondFactorRequired');
    const held = await createAccount(server, admin, { role: 'USER' });
    await admin.gql(`mutation($id: ID!) { setRequiresTwoFactor(accountId: $id, required: true) { accountId } }`, { id: held.id });
    const enrolling = new GqlClient(server.url);
    expect((await loginStep(enrolling, held.email)).typename).toBe('TwoFactorEnrollmentRequired');
    clients = {
      anonymous: new GqlClient(server.url),
      user: (await createAccount(server, admin, { role: 'USER' })).client,
      bareSubAdmin: (await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: [] })).client,
      pending,
      enrolling,
    };
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it('covers every operation of the schema', () => {
    expect(operations.length).toBeGreaterThan(30);
  });

  it.each(operations.filter((o) => !PUBLIC.has(o.name)).map((o) => [o.name, o] as const))(
    '%s refuses anonymous callers',
    async (_n, op) => {
      const res = await clients.anonymous.gql(op.query, op.variables);
      expect(res.errors?.[0]?.extensions?.code, JSON.stringify(res.errors)).toBe('UNAUTHENTICATED');
    },
  );

  it.each(operations.filter((o) => !PUBLIC.has(o.name) && !SELF_SERVICE.has(o.name)).map((o) => [o.name, o] as const))(
    '%s refuses users and sub-admins without permissions',
    async (_n, op) => {
      for (const who of STAFF_SELF_SERVICE.has(op.name) ? (['user'] as const) : (['user', 'bareSubAdmin'] as const)) {
        const res = await clients[who].gql(op.query, op.variables);
        expect(res.errors?.[0]?.extensions?.code, `${who}: ${JSON.stringify(res.errors)}`).toBe('FORBIDDEN');
      }
    },
  );

  it.each(operations.filter((o) => !PUBLIC.has(o.name) && !SECOND_STEP.has(o.name)).map((o) => [o.name, o] as const))(
    '%s refuses a session that still owes its second step',
    async (_n, op) => {
      const res = await clients.pending.gql(op.query, op.variables);
      expect(res.errors?.[0]?.extensions?.code, JSON.stringify(res.errors)).toBe('UNAUTHENTICATED');
    },
  );

  it.each(operations.filter((o) => !PUBLIC.has(o.name) && !ENROLLMENT.has(o.name)).map((o) => [o.name, o] as const))(
    '%s refuses a session held at 2FA enrollment',
    async (_n, op) => {
      const res = await clients.enrolling.gql(op.query, op.variables);
      expect(res.errors?.[0]?.extensions?.code, JSON.stringify(res.errors)).toBe('UNAUTHENTICATED');
    },
  );
});
