import {
  GraphQLError,
  getNamedType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  Kind,
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';

/** Rows one request may ask for over all its paged lists (10 full pages of 200). */
export const MAX_ROWS_PER_OPERATION = 2000;
/**
 * `totalCount` fields one request may ask for. Each counts every matching row of its table (an exact
 * `count(*)`, ~1 s over millions of login events), whatever the page's size: fifteen aliases of one
 * held a pooled connection each for seconds. The dashboard asks for one per request.
 */
export const MAX_COUNTS_PER_OPERATION = 3;
/** `PageInput.limit`: its default and its maximum (what a variable may ask for). */
const PAGE_DEFAULT = 50;
const PAGE_MAX = 200;

/**
 * The rows a field of a `page: PageInput` argument may return: the limit written in the document, the
 * default when the argument or its limit is left out, and the maximum when a variable decides (the
 * check runs before variables are known). Null for a field that is not paged.
 */
function pageRows(def: GraphQLField<unknown, unknown>, node: FieldNode): number | null {
  const arg = def.args.find((a) => a.name === 'page');
  if (!arg || !isInputObjectType(getNamedType(arg.type)) || getNamedType(arg.type).name !== 'PageInput') return null;
  const given = node.arguments?.find((a) => a.name.value === 'page')?.value;
  if (given === undefined || given.kind === Kind.NULL) return PAGE_DEFAULT;
  if (given.kind !== Kind.OBJECT) return PAGE_MAX;
  const limit = given.fields.find((f) => f.name.value === 'limit')?.value;
  if (limit === undefined) return PAGE_DEFAULT;
  if (limit.kind === Kind.INT) return Math.min(PAGE_MAX, Math.max(0, Number(limit.value)));
  return PAGE_MAX;
}

/**
 * graphql-armor's cost rule weighs a list by a `first`/`last` argument, which this API does not use:
 * every list is paged by `page: { limit }`, up to 200 rows, and fifteen aliases of a full page (with
 * their nested fields) would pass its cost limit. This rule adds up the rows each operation's paged
 * lists may return — fragments expanded where they are spread, a list inside a list multiplied — and
 * refuses an operation above `MAX_ROWS_PER_OPERATION`. Fields that GraphQL would merge (the same alias
 * spread twice) are counted each time: a conservative estimate.
 */
export function maxRowsRule(context: ValidationContext): ASTVisitor {
  const schema = context.getSchema();
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of context.getDocument().definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  // Rows grow in proportion to the enclosing page, so each fragment is counted once, for one row of
  // its parent, and multiplied where it is spread: the walk is linear in the document, however the
  // fragments spread one another (walking each spread afresh would be exponential).
  const perFragment = new Map<string, number>();
  const inProgress = new Set<string>();

  const fragmentRows = (name: string): number => {
    const known = perFragment.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    // An unknown fragment, or a cycle, is another rule's error.
    if (!fragment || inProgress.has(name)) return 0;
    inProgress.add(name);
    const rows = rowsOf(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? undefined);
    inProgress.delete(name);
    perFragment.set(name, rows);
    return rows;
  };

  // `totalCount` fields, each spread of a fragment counted again (linear too: memoised per fragment).
  const countsPerFragment = new Map<string, number>();
  const countsOf = (set: SelectionSetNode): number => {
    let n = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD)
        n += (sel.name.value === 'totalCount' ? 1 : 0) + (sel.selectionSet ? countsOf(sel.selectionSet) : 0);
      else if (sel.kind === Kind.INLINE_FRAGMENT) n += countsOf(sel.selectionSet);
      else {
        const name = sel.name.value;
        let known = countsPerFragment.get(name);
        if (known === undefined) {
          const fragment = fragments.get(name);
          if (!fragment || inProgress.has(name)) continue;
          inProgress.add(name);
          known = countsOf(fragment.selectionSet);
          inProgress.delete(name);
          countsPerFragment.set(name, known);
        }
        n += known;
      }
    }
    return n;
  };

  /** Rows a selection set asks for, for one row of its parent. */
  function rowsOf(set: SelectionSetNode, type: GraphQLNamedType | undefined): number {
    let total = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (!type || !(isObjectType(type) || isInterfaceType(type))) continue;
        const def = type.getFields()[sel.name.value];
        if (!def) continue; // an unknown field is another rule's error
        const rows = pageRows(def, sel);
        const inner = sel.selectionSet ? rowsOf(sel.selectionSet, getNamedType(def.type)) : 0;
        // A paged list: its rows, and what each of them asks for.
        total += rows === null ? inner : rows + rows * inner;
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        total += rowsOf(sel.selectionSet, sel.typeCondition ? (schema.getType(sel.typeCondition.name.value) ?? undefined) : type);
      } else {
        total += fragmentRows(sel.name.value);
      }
    }
    return total;
  }

  return {
    OperationDefinition(op) {
      const root = schema.getRootType(op.operation);
      const rows = rowsOf(op.selectionSet, root ?? undefined);
      if (rows > MAX_ROWS_PER_OPERATION) {
        context.reportError(
          new GraphQLError(
            `This request may ask for more than ${MAX_ROWS_PER_OPERATION} rows over its paged lists: ask for fewer or smaller pages.`,
            { nodes: [op] },
          ),
        );
      }
      if (countsOf(op.selectionSet) > MAX_COUNTS_PER_OPERATION) {
        context.reportError(
          new GraphQLError(
            `This request asks for more than ${MAX_COUNTS_PER_OPERATION} totalCount fields: each counts a whole table. Ask for fewer.`,
            { nodes: [op] },
          ),
        );
      }
    },
  };
}
