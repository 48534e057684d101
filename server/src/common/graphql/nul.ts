import { visit, type DocumentNode } from 'graphql';
import { badInput } from '../errors/errors.js';

/**
 * PostgreSQL stores no NUL character (U+0000) in text or JSON: a string holding one would fail in the
 * database half way through a change, as an internal error. Refused before anything runs instead, in
 * the variables and in the operation's own string literals, with the field it came in.
 */
export function assertNoNul(
  variables: Record<string, unknown> | undefined,
  source: string | undefined,
  document: DocumentNode | undefined,
): void {
  const at = variables ? nulIn(variables, '') : null;
  if (at !== null) throw nulError(at);
  // A literal holds a NUL raw (graphql-js accepts one inside a string) or through a \u escape.
  if (document === undefined || (source !== undefined && !source.includes('\0') && !source.includes('\\u'))) return;
  visit(document, {
    StringValue(node) {
      if (node.value.includes('\0')) throw nulError('query');
    },
  });
}

function nulError(field: string) {
  const error = badInput([{ field, reason: 'NUL_CHARACTER', message: 'Text may not contain the NUL character (U+0000).' }]);
  // Answered as a request error (HTTP 400), before the operation runs.
  error.extensions['http'] = { status: 400 };
  return error;
}

/** Deeper variables than this are refused: no input of this API nests more than a few levels. */
export const MAX_VARIABLE_DEPTH = 32;

/**
 * The path of the first string holding a NUL (in a key or a value), or null. Walked with a stack of
 * its own, not by recursion: variables nested 100 000 deep (JSON.parse accepts them) must be refused as
 * bad input, not overflow the stack as an internal error.
 */
function nulIn(root: unknown, rootPath: string): string | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: rootPath, depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\0')) return path || 'variables';
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_VARIABLE_DEPTH) throw depthError(path);
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: `${path}[${i}]`, depth: depth + 1 });
      continue;
    }
    const entries = Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, v] = entries[i]!;
      const here = path ? `${path}.${key}` : key;
      if (key.includes('\0')) return here;
      stack.push({ value: v, path: here, depth: depth + 1 });
    }
  }
  return null;
}

function depthError(field: string) {
  const error = badInput([
    { field: field || 'variables', reason: 'TOO_DEEP', message: `Variables may nest at most ${MAX_VARIABLE_DEPTH} levels deep.` },
  ]);
  error.extensions['http'] = { status: 400 };
  return error;
}
