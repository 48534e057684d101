import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for every `graphql(...)` call under src/, generated from the server's emitted
 * schema. The output is committed; `codegen:check` fails CI when it is stale.
 */
const config: CodegenConfig = {
  schema: '../schema.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/__generated__/**'],
  ignoreNoDocuments: true,
  generates: {
    'src/__generated__/': {
      preset: 'client',
      presetConfig: {
        // Type-level masking only: a component reads its fragment through getFragmentData().
        fragmentMasking: { unmaskFunctionName: 'getFragmentData' },
      },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: { DateTimeISO: 'string', JSONObject: 'Record<string, unknown>' },
        skipTypename: false,
        nonOptionalTypename: false,
        documentMode: 'documentNode',
      },
    },
    // Which concrete types belong to each union and interface: Apollo's cache needs it to apply
    // fragments such as `... on ErrorResult { code }` to the types that implement them.
    'src/__generated__/possible-types.ts': {
      plugins: ['fragment-matcher'],
      config: { useExplicitTyping: true },
    },
  },
};

export default config;
