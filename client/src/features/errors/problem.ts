import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import type { GraphQLFormattedError } from 'graphql';
import type { ErrorCode, TooManyAttemptsReason } from '../../__generated__/graphql';
import { serverNow } from '../../apollo/serverClock';
import { dateAndTime } from '../../components/dateTime';
import {
  approverDeletedSentence,
  requesterTooNewSentence,
  isErrorCode,
  sentenceForCode,
  sentenceForCodeAndReason,
  sentenceForFieldReason,
} from './catalog';

/** What a form or page needs to know about a failed operation. */
export interface Problem {
  /** The server's code, or NETWORK when no GraphQL answer arrived. */
  code: ErrorCode | 'NETWORK';
  /** The code as a sentence for the person in front of the screen. */
  message: string;
  /** BAD_USER_INPUT only: input field name (last path segment, e.g. `email`) → sentence. */
  fieldErrors: Record<string, string>;
  /** TOO_MANY_ATTEMPTS with a time: the time said (`retryMinute` of the server's `retryAfter`). */
  retryAt?: Date;
  /** The server's `extensions.reason` (e.g. RP_ID_NOT_A_DOMAIN), or a TwoFactorError's `reason` (e.g. CODE_DEAD). */
  reason?: string;
}

interface FieldProblem {
  field: string;
  reason: string;
  message?: string;
}

function isFieldProblem(value: unknown): value is FieldProblem {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['field'] === 'string' && typeof v['reason'] === 'string';
}

function fromGraphQLErrors(errors: readonly GraphQLFormattedError[]): Problem {
  const first = errors[0];
  const rawCode = first?.extensions?.['code'];
  const code: ErrorCode = isErrorCode(rawCode) ? rawCode : 'INTERNAL_SERVER_ERROR';
  const fieldErrors: Record<string, string> = {};
  for (const error of errors) {
    const fields = error.extensions?.['fields'];
    if (!Array.isArray(fields)) continue;
    for (const item of fields) {
      if (!isFieldProblem(item)) continue;
      // `input.email` and `email` both name the `email` input; the first problem per field wins.
      const name = item.field.split('.').at(-1) ?? item.field;
      // One of many (`lines[3]`): the server's own sentence, which says which one.
      const own = /\[\d+\]$/.test(name) ? item.message : undefined;
      fieldErrors[name] ??= own || sentenceForFieldReason(name, item.reason, item.message);
    }
  }
  const reason = first?.extensions?.['reason'];
  const retryAfter = first?.extensions?.['retryAfter'];
  const aloneFrom = code === 'APPROVER_RECENTLY_DELETED' && typeof retryAfter === 'string' ? retryMinute(retryAfter) : null;
  const askFrom = reason === 'REQUESTER_TOO_NEW' && typeof retryAfter === 'string' ? retryMinute(retryAfter) : null;
  return {
    code,
    // APPROVER_RECENTLY_DELETED with the server's `retryAfter`: the date and time, not "a day after that deletion".
    message: aloneFrom
      ? approverDeletedSentence(`From ${dateAndTime(aloneFrom)}`)
      : askFrom
        ? requesterTooNewSentence(`from ${dateAndTime(askFrom)}`)
        : sentenceForCodeAndReason(code, reason),
    fieldErrors,
    ...(typeof reason === 'string' && { reason }),
  };
}

/** Apollo Server answers some errors (e.g. invalid variables) with a 4xx whose body is still GraphQL. */
function graphQLErrorsInBody(error: ServerError): GraphQLFormattedError[] | undefined {
  try {
    const body: unknown = JSON.parse(error.bodyText);
    if (typeof body === 'object' && body !== null && Array.isArray((body as { errors?: unknown }).errors)) {
      return (body as { errors: GraphQLFormattedError[] }).errors;
    }
  } catch {
    // not JSON: a proxy or network failure
  }
  return undefined;
}

/** A problem as one sentence: the field sentences when the input was refused, else the code's sentence. */
export function problemSentence(problem: Problem): string {
  const fields = Object.values(problem.fieldErrors);
  return fields.length > 0 ? fields.join(' ') : problem.message;
}

/** Turns whatever Apollo Client threw into `{ code, message, fieldErrors }`. */
export function toProblem(error: unknown): Problem {
  if (CombinedGraphQLErrors.is(error)) return fromGraphQLErrors(error.errors);
  if (ServerError.is(error)) {
    const errors = graphQLErrorsInBody(error);
    if (errors) return fromGraphQLErrors(errors);
    if (error.statusCode >= 500) {
      return { code: 'INTERNAL_SERVER_ERROR', message: sentenceForCode('INTERNAL_SERVER_ERROR'), fieldErrors: {} };
    }
  }
  return { code: 'NETWORK', message: sentenceForCode('NETWORK'), fieldErrors: {} };
}

/** The next whole minute at or after `retryAfter` (trying at the minute said is never too early); null when none, or past. */
export function retryMinute(retryAfter: string | Date | null | undefined): Date | null {
  const at = retryAfter ? new Date(retryAfter).getTime() : NaN;
  // Past by the server's clock (as its last answer told it), not by this browser's.
  if (!(at > serverNow())) return null;
  return new Date(Math.ceil(at / 60_000) * 60_000);
}

/** A time of day as the clock on the wall shows it (hours and minutes, in the browser's own format; seconds dropped). */
export function timeOfDay(at: string | Date): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/**
 * A problem built from a result-union error member (`... on ErrorResult { code }`). `retryAfter`: when
 * a spent limit gives way (said as a time of day). An e-mail cool-down's end is not said: the forms
 * that send codes count it down on their button (a sentence would not count with it). `reason`: which
 * limit a TOO_MANY_ATTEMPTS is (the server's `TooManyAttemptsReason`): codes e-mailed too often and a
 * code dead of wrong tries are said as such (a new code can be asked for then), not as wrong attempts.
 */
export function problemFromCode(code: ErrorCode, retryAfter?: string | null, reason?: TooManyAttemptsReason | null): Problem {
  const message = sentenceForCode(code);
  if (code === 'IP_BLOCKED') return ipBlockedProblem(retryAfter);
  if (code !== 'TOO_MANY_ATTEMPTS') return { code, message, fieldErrors: {} };
  const at = retryMinute(retryAfter);
  if (reason === 'CODES_EMAILED' || reason === 'CODE_DEAD') {
    return { code, message: emailLimitMessage(reason, at), fieldErrors: {}, reason, ...(at && { retryAt: at }) };
  }
  if (at === null) return { code, message, fieldErrors: {} };
  return { code, message: `Too many attempts. You can try again at ${timeOfDay(at)}.`, fieldErrors: {}, retryAt: at };
}

/**
 * A blocked source, said with the block's end (`until`, the server's time) or, for a block by hand with
 * no end, who can lift it: "try again later" would be a false promise then. `endedSignIn`: said of a
 * waiting sign-in the block ended, which can be made again then, or from another network.
 */
export function ipBlockedProblem(until: string | Date | null | undefined, endedSignIn = false): Problem {
  const at = until ? new Date(until) : null;
  const message = at
    ? `Sign-ins from your network are blocked until ${at.toLocaleString()}.${endedSignIn ? ' Sign in again then, or from another network.' : ''}`
    : `Sign-ins from your network are blocked. Contact your administrator${endedSignIn ? ', or sign in from another network' : ''}.`;
  return { code: 'IP_BLOCKED', fieldErrors: {}, message, ...(at && { retryAt: at }) };
}

/** The limits that stop only e-mailed codes (too many e-mailed lately, or the code dead of wrong tries): other methods remain. */
type EmailLimit = 'CODES_EMAILED' | 'CODE_DEAD';

/** A TOO_MANY_ATTEMPTS that stops only e-mailed codes (see `EmailLimit`), not every method as spent wrong codes do. */
export function isEmailLimit(problem: Problem): problem is Problem & { reason: EmailLimit } {
  return problem.code === 'TOO_MANY_ATTEMPTS' && (problem.reason === 'CODES_EMAILED' || problem.reason === 'CODE_DEAD');
}

/**
 * An e-mail limit said with the time a new code may be asked for (`at`, a whole minute; none: "later").
 * `signIn`: said in a sign-in's second step, which also names the other methods, and which says that
 * no code can come in time when `at` is after the sign-in's `deadline`.
 */
export function emailLimitMessage(reason: EmailLimit, at: Date | null | undefined, signIn?: { deadline: Date | null }): string {
  const dead = reason === 'CODE_DEAD';
  const why = dead ? 'Too many wrong tries at the e-mailed code' : 'Too many codes were e-mailed lately';
  if (signIn && at && signIn.deadline && at > signIn.deadline) {
    const again = dead ? 'sign in again' : `sign in again after ${timeOfDay(at)}`;
    return `${why}: no new code can be sent before this sign-in ends. Use another method, or ${again}.`;
  }
  const another = dead ? 'a new one' : 'another';
  const when = at ? `You can ask for ${another} at ${timeOfDay(at)}` : `You can ask for ${another} later`;
  return signIn ? `${why}. ${when}, or use another method.` : `${why}. ${when}.`;
}

/**
 * The browser's own refusal of a security-key ceremony (a DOMException by name), said as such; null
 * for anything else (the server's answer, the network), which the caller handles as usual.
 */
export function problemFromCeremony(error: unknown, ceremony: 'register' | 'sign-in'): Problem | null {
  if (!(error instanceof Error)) return null;
  const say = (message: string): Problem => ({ code: 'WEBAUTHN_FAILED', message, fieldErrors: {} });
  switch (error.name) {
    case 'NotAllowedError':
    case 'AbortError':
      return say('The security key prompt was cancelled or timed out. Try again.');
    case 'InvalidStateError':
      return say(
        ceremony === 'register'
          ? 'This security key or passkey is already registered to your account.'
          : 'This security key or passkey could not be used. Try another one.',
      );
    case 'SecurityError':
      return say('The browser refused the security key for this address. Open the dashboard at its own https address.');
    case 'NotSupportedError':
      return say('This browser or device cannot use this kind of security key or passkey.');
    default:
      // @simplewebauthn/browser's own error when the browser has no WebAuthn at all.
      if (/not supported/i.test(error.message)) return say('This browser cannot use security keys or passkeys.');
      // Any other refusal by the browser or the device (an UnknownError from a phone's credential
      // manager, a ConstraintError, one @simplewebauthn/browser names itself): the key's failure, not
      // the network's, which is how an unmapped error would otherwise be told.
      if (isDomException(error) || error.name === 'WebAuthnError' || /^ERROR_/.test(String((error as { code?: unknown }).code)))
        return say('The security key or passkey could not be used. Try again, or use another one.');
      return null;
  }
}

function isDomException(error: Error): boolean {
  return typeof DOMException !== 'undefined' && error instanceof DOMException;
}
