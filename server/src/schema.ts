import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { authChecker } from './common/auth/auth-checker.js';
import { AccountResolver } from './modules/account/account.resolver.js';
import { SessionResolver } from './modules/session/session.resolver.js';

export const resolvers = [AccountResolver, SessionResolver] as const;

export async function createSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers,
    authChecker,
    authMode: 'error',
    validate: { forbidUnknownValues: false, stopAtFirstError: false },
    emitSchemaFile: false,
  });
}

/** The schema as checked in at the repository root: sorted, so diffs show only real changes. */
export function printSortedSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
