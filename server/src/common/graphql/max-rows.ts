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
 * refuses an operation above `MAX_ROWS_PER_OPERATION`.
 */
export function maxRowsRule(context: ValidationContext): ASTVisitor {
  const schema = context.getSchema();
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of context.getDocument().definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);

  const rowsOf = (set: SelectionSetNode, type: GraphQLNamedType | undefined, factor: number, seen: Set<string>): number => {
    let total = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (!type || !(isObjectType(type) || isInterfaceType(type))) continue;
        const def = type.getFields()[sel.name.value];
        if (!def) continue; // an unknown field is another rule's error
        const rows = pageRows(def, sel);
        if (rows !== null) total += factor * rows;
        if (sel.selectionSet)
          total += rowsOf(sel.selectionSet, getNamedType(def.type), rows === null ? factor : factor * rows, seen);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const on = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : type;
        total += rowsOf(sel.selectionSet, on ?? undefined, factor, seen);
      } else {
        const name = sel.name.value;
        const fragment = fragments.get(name);
        // A cycle or an unknown fragment is another rule's error.
        if (!fragment || seen.has(name)) continue;
        const on = schema.getType(fragment.typeCondition.name.value);
        total += rowsOf(fragment.selectionSet, on ?? undefined, factor, new Set([...seen, name]));
      }
      if (total > MAX_ROWS_PER_OPERATION) return total;
    }
    return total;
  };

  return {
    OperationDefinition(op) {
      const root = schema.getRootType(op.operation);
      const rows = rowsOf(op.selectionSet, root ?? undefined, 1, new Set());
      if (rows > MAX_ROWS_PER_OPERATION) {
        context.reportError(
          new GraphQLError(
            `This request may ask for more than ${MAX_ROWS_PER_OPERATION} rows over its paged lists: ask for fewer or smaller pages.`,
            { nodes: [op] },
          ),
        );
      }
    },
  };
}
