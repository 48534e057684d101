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

/** The path of the first string holding a NUL (in a key or a value), or null. */
function nulIn(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\0') ? path || 'variables' : null;
  if (value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulIn(value[i], `${path}[${i}]`);
      if (found !== null) return found;
    }
    return null;
  }
  for (const [key, v] of Object.entries(value)) {
    const here = path ? `${path}.${key}` : key;
    if (key.includes('\0')) return here;
    const found = nulIn(v, here);
    if (found !== null) return found;
  }
  return null;
}
