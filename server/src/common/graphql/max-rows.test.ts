import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { MAX_ROWS_PER_OPERATION, maxRowsRule } from './max-rows.js';

const schema = buildSchema(`
  input PageInput { limit: Int = 50, offset: Int = 0 }
  type Item { id: ID! children(page: PageInput): [Item!]! }
  type Query { items(page: PageInput): [Item!]! other(page: PageInput): [Item!]! plain: [Item!]! }
`);
const errorsOf = (doc: string) => validate(schema, parse(doc), [maxRowsRule]).map((e) => e.message);

describe('maxRowsRule', () => {
  it('adds up paged lists: written limits, defaults, variables at the largest page, nesting multiplied', () => {
    expect(errorsOf(`{ items(page: { limit: 200 }) { id } other { id } }`)).toEqual([]);
    // 10 × 200 is the limit; a nested page multiplies: 10 rows × (1 + 200 children) = 2010.
    expect(errorsOf(`{ items(page: { limit: 10 }) { children(page: { limit: 199 }) { id } } }`)).toEqual([]);
    expect(errorsOf(`{ items(page: { limit: 10 }) { children(page: { limit: 200 }) { id } } }`)).toHaveLength(1);
    expect(
      errorsOf(`query($p: PageInput) { ${Array.from({ length: 11 }, (_, i) => `a${i}: items(page: $p) { id }`).join(' ')} }`),
    ).toHaveLength(1);
    expect(errorsOf(`{ ${Array.from({ length: 40 }, (_, i) => `a${i}: items { id }`).join(' ')} }`)).toEqual([]);
    expect(errorsOf(`{ ${Array.from({ length: 41 }, (_, i) => `a${i}: items { id }`).join(' ')} }`)).toHaveLength(1);
    expect(errorsOf(`{ plain { id } }`)).toEqual([]);
    expect(MAX_ROWS_PER_OPERATION).toBe(2000);
  });

  it('counts a fragment where it is spread, multiplied by the page it is spread in', () => {
    const frag = `fragment F on Item { children(page: { limit: 100 }) { id } }`;
    expect(errorsOf(`${frag} { items(page: { limit: 10 }) { ...F } }`)).toEqual([]); // 10 + 1000
    expect(errorsOf(`${frag} { items(page: { limit: 20 }) { ...F } }`)).toHaveLength(1); // 20 + 2000
    expect(errorsOf(`${frag} { items(page: { limit: 10 }) { ... on Item { ...F ...F } } }`)).toHaveLength(1); // 10 + 2000
  });

  it('walks fragments that spread one another many times once each, and leaves cycles to their own rule', () => {
    // Five levels of 60 spreads each: walking every spread afresh would visit 60^5 selections.
    const k = 60;
    const spreads = (name: string, n: number) => Array.from({ length: n }, () => `...${name}`).join(' ');
    const doc = [
      `query { ${spreads('F1', k)} }`,
      ...[1, 2, 3, 4].map((i) => `fragment F${i} on Query { __typename ${spreads(`F${i + 1}`, k)} }`),
      `fragment F5 on Query { __typename }`,
    ].join('\n');
    expect(errorsOf(doc)).toEqual([]);
    // With one paged list at the bottom the total explodes past the limit (and is still computed at once).
    expect(
      errorsOf(doc.replace('fragment F5 on Query { __typename }', 'fragment F5 on Query { items(page: { limit: 1 }) { id } }')),
    ).toHaveLength(1);
    expect(errorsOf(`query { ...A } fragment A on Query { ...B items { id } } fragment B on Query { ...A }`)).toEqual([]);
  });
});
