import { visit, type DocumentNode } from 'graphql';
import { badInput } from '../errors/errors.js';

/**
 * PostgreSQL stores no NUL character (U+0000) in text or JSON, and no lone UTF-16 surrogate half
 * (`"\ud800"`, which JSON and GraphQL escapes allow) in JSON, which `encodeURI` (e-mail validation,
 * otpauth URIs) throws on too: a string holding either would fail half way through a change, as an
 * internal error, or be stored altered (U+FFFD in text columns). Refused before anything runs instead,
 * in the variables and in the operation's own string literals, with the field it came in.
 */
export function assertNoNul(
  variables: Record<string, unknown> | undefined,
  source: string | undefined,
  document: DocumentNode | undefined,
): void {
  const at = variables ? nulIn(variables, '') : null;
  if (at !== null) throw nulError(at.path, at.problem);
  // A literal holds a NUL raw (graphql-js accepts one inside a string) or through a \u escape (a lone
  // surrogate half in a \u escape graphql-js refuses itself, as a parse error; checked here all the same).
  if (document === undefined || (source !== undefined && !source.includes('\0') && !source.includes('\\u'))) return;
  visit(document, {
    StringValue(node) {
      const problem = textProblem(node.value);
      if (problem !== null) throw nulError('query', problem);
    },
  });
}

type TextProblem = 'NUL_CHARACTER' | 'LONE_SURROGATE';

function textProblem(value: string): TextProblem | null {
  if (value.includes('\0')) return 'NUL_CHARACTER';
  // ES2024's String.prototype.isWellFormed (Node 20 has it; the project's lib is ES2023).
  return (value as string & { isWellFormed(): boolean }).isWellFormed() ? null : 'LONE_SURROGATE';
}

function nulError(field: string, problem: TextProblem) {
  const error = badInput([
    {
      field,
      reason: problem,
      message:
        problem === 'NUL_CHARACTER'
          ? 'Text may not contain the NUL character (U+0000).'
          : 'Text must be valid Unicode: half of a surrogate pair (\\ud800–\\udfff) alone is not a character.',
    },
  ]);
  // Answered as a request error (HTTP 400), before the operation runs.
  error.extensions['http'] = { status: 400 };
  return error;
}

/** Deeper variables than this are refused: no input of this API nests more than a few levels. */
export const MAX_VARIABLE_DEPTH = 32;

/**
 * The path of the first string holding a NUL or a lone surrogate (in a key or a value), and which, or null. Walked with a stack of
 * its own, not by recursion: variables nested 100 000 deep (JSON.parse accepts them) must be refused as
 * bad input, not overflow the stack as an internal error.
 */
function nulIn(root: unknown, rootPath: string): { path: string; problem: TextProblem } | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: rootPath, depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem !== null) return { path: path || 'variables', problem };
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
      const problem = textProblem(key);
      if (problem !== null) return { path: here, problem };
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
