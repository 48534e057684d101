import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isInputObjectType, isObjectType, isInterfaceType, isEnumType, type GraphQLSchema } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { GraphQLJSONObject } from 'graphql-scalars';
import { ArgumentValidationError } from 'type-graphql';
import { LoginInput } from './modules/session/session.inputs.js';
import { createSchema, printSortedSchema, validateArgument } from './schema.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await createSchema();
});

const ownTypes = () =>
  Object.values(schema.getTypeMap()).filter(
    (t) => !t.name.startsWith('__') && !['String', 'Boolean', 'Int', 'Float', 'ID', 'DateTimeISO'].includes(t.name),
  );

describe('schema.graphql', () => {
  it('is what the server builds (run `pnpm schema` and commit when this fails)', async () => {
    const committed = await readFile(path.join(root, 'schema.graphql'), 'utf8');
    expect(printSortedSchema(schema)).toBe(committed);
  });

  it('exposes no secret, hash or password on any output type', () => {
    // The deliberate exceptions, each shown once to its owner: a new API token in its creation result,
    // and a new authenticator app's secret while it is being set up (to type into the app by hand).
    const shownOnce = new Set(['ApiTokenCreated.token', 'TotpEnrollment.secret']);
    // Booleans about a password, never the password: reviewed one by one.
    const flags = new Set(['Account.passwordResetRequired']);
    const leaks: string[] = [];
    for (const type of ownTypes()) {
      if (!isObjectType(type) && !isInterfaceType(type)) continue;
      if (['Query', 'Mutation', 'Subscription'].includes(type.name)) continue;
      for (const field of Object.keys(type.getFields())) {
        const name = `${type.name}.${field}`;
        if (/secret|hash|password|^token$/i.test(field) && !shownOnce.has(name) && !flags.has(name)) leaks.push(name);
      }
    }
    expect(leaks).toEqual([]);
  });

  it('documents every type, field, argument and enum value', () => {
    const missing: string[] = [];
    for (const type of ownTypes()) {
      if (!type.description && !['Query', 'Mutation', 'Subscription'].includes(type.name)) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const [name, field] of Object.entries(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${name}`);
          for (const arg of 'args' in field ? field.args : [])
            if (!arg.description) missing.push(`${type.name}.${name}(${arg.name})`);
        }
      }
      if (isEnumType(type)) for (const v of type.getValues()) if (!v.description) missing.push(`${type.name}.${v.name}`);
    }
    expect(missing).toEqual([]);
  });
});

describe('argument validation (class-validator, imported once)', () => {
  const login = (email: string) => Object.assign(new LoginInput(), { email, password: 'pw' });

  it('refuses an input breaking its rules with every broken rule, as one ArgumentValidationError', async () => {
    const err = await validateArgument(
      Object.assign(login('x'.repeat(255)), { password: 'p'.repeat(100_000) }),
      LoginInput,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArgumentValidationError);
    expect((err as ArgumentValidationError).extensions.validationErrors.map((e) => e.property).sort()).toEqual([
      'email',
      'password',
    ]);
  });

  it('checks each input of a list, and lets right inputs and scalars through', async () => {
    await expect(validateArgument([login('a@b.test'), login('x'.repeat(255))], LoginInput)).rejects.toBeInstanceOf(
      ArgumentValidationError,
    );
    await expect(validateArgument([login('a@b.test')], LoginInput)).resolves.toBeUndefined();
    await expect(validateArgument('x'.repeat(10_000), String)).resolves.toBeUndefined();
  });

  it('leaves a JSON scalar alone, also one written in the query (an object without a prototype)', async () => {
    // A WebAuthn response: as a variable it is a plain object; written in the query, graphql-scalars
    // builds it with Object.create(null), which class-validator cannot walk.
    const written = Object.assign(Object.create(null) as object, { id: 'x', response: {} });
    await expect(validateArgument(written, GraphQLJSONObject)).resolves.toBeUndefined();
    await expect(validateArgument({ email: 'x'.repeat(255) }, GraphQLJSONObject)).resolves.toBeUndefined();
  });
});
