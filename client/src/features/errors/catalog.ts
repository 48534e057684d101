import type { ErrorCode } from '../../__generated__/graphql';

/**
 * The one place that turns the server's stable error codes into sentences. Keyed by the generated
 * `ErrorCode` type, so a code added to the schema fails the typecheck until it has a sentence here.
 */
/** REQUESTER_TOO_NEW's sentence (FORBIDDEN), `from` saying when the requester may ask. */
export function requesterTooNewSentence(from: string): string {
  return `An admin of less than a day cannot ask for a reset of another admin's 2FA while another admin must approve it: whoever made your account could approve your request. Ask another admin to reset it, or ask again ${from}.`;
}

/**
 * APPROVER_RECENTLY_DELETED's sentence, `from` saying when the reset can be done alone ("A day after
 * that deletion", or a date and time when the server's `retryAfter` is known).
 */
export function approverDeletedSentence(from: string): string {
  return `An admin who would have been asked to approve this was deleted less than a day ago. ${from} you can reset an admin's 2FA without a second admin's approval; until then, only from the server's command line (reset-2fa).`;
}

export const ERROR_SENTENCES: Record<ErrorCode, string> = {
  ALREADY_RESOLVED: 'Someone resolved this incident already. Reload to see their decision.',
  LINK_INVALID: 'This link is invalid, was used already, or has expired.',
  NO_PASSWORD_RESET_PENDING: 'This account has no password reset pending: its holder signs in with their password.',
  ACCESS_LIST_EMPTY:
    'An empty access list would refuse the account from everywhere: add an address first, or allow unrestricted access before removing the last one.',
  TOO_MANY_KEYS: 'An account can have at most 20 security keys. Remove one you no longer use, then add the new one.',
  RESET_LINK_RECENT: 'A reset link was e-mailed less than a minute ago. Wait a minute before sending another.',
  BAD_USER_INPUT: 'Some of the values are not valid. Check the highlighted fields.',
  UNAUTHENTICATED: 'Your session has ended. Sign in again.',
  FORBIDDEN: 'You do not have permission to do this.',
  NOT_FOUND: 'This item does not exist or is no longer visible to you.',
  CONFLICT: 'Someone else changed this in the meantime. Reload and try again.',
  INTERNAL_SERVER_ERROR: 'Something went wrong on the server. Try again in a moment.',
  GRAPHQL_VALIDATION_FAILED: 'The dashboard and the server are out of step. Reload the page.',
  GRAPHQL_PARSE_FAILED: 'The dashboard and the server are out of step. Reload the page.',
  INVALID_CREDENTIALS: 'The e-mail address or password is incorrect.',
  SETUP_TOKEN_INVALID:
    'The setup token is unknown, already used or expired. Restart the server (or run the setup CLI command) to get a new setup link.',
  SETUP_ALREADY_DONE: 'An admin account exists already, so the first-admin setup is closed. Sign in instead.',
  EMAIL_TAKEN: 'Another account already uses this e-mail address.',
  CANNOT_DISABLE_SELF: 'You cannot disable your own account.',
  LAST_ADMIN: 'This is the last enabled admin. Disabling it would leave nobody able to administer the system.',
  APPROVER_RECENTLY_DELETED: approverDeletedSentence('A day after that deletion'),
  IP_BLOCKED: 'Too many failed sign-ins from your network. Try again later.',
  SIGN_IN_PAUSED:
    'Sign-ins to this account from new places are paused after many wrong passwords from many places. Sign in from a network you used before, or ask your administrator to mark this address as safe for you; it resumes on its own later.',
  WIDE_RANGE_NEEDS_ACKNOWLEDGEMENT:
    'Only whitelist an entire range if you are certain the network is private and managed. Confirm that you understand the risk.',
  ALREADY_EXISTS: 'The same entry exists already.',
  SAFE_LISTED:
    'This address is on the global safe list, which no block overrides: blocking it would change nothing. Remove it from the safe list first.',
  IP_NOT_ALLOWED: 'Your account only accepts sign-ins from the IPs in its access list.',
  WOULD_LOCK_YOU_OUT:
    'This change would lock you out: it would leave your current IP outside your access list or inside a block, or switch off your only second factor. Fix that first.',
  REAUTH_REQUIRED: 'Confirm it is you: enter your password (and a second factor) again, then retry.',
  CODE_INVALID: 'That code is not right. Check it and try again.',
  CODE_EXPIRED: 'That code has expired. Send a new one when the send button allows it.',
  CODE_ALREADY_USED: 'That code was used already. Wait for the next code in your app.',
  NO_CODE_SENT: 'Ask for a code first.',
  TOO_MANY_ATTEMPTS: 'Too many wrong codes. Wait a while before trying again.',
  SECOND_FACTOR_LOCKED: 'Two-step sign-in is locked after too many wrong codes. Ask an administrator to unlock it.',
  SERVER_BUSY: 'Too many people are signing in right now. Try again in a moment.',
  DATABASE_TIMEOUT: 'The server is waiting on its database. Try again in a moment.',
  TOO_MANY_SUBSCRIPTIONS: 'This window has too many live updates open. Reload the page.',
  SECOND_FACTOR_UNAVAILABLE:
    'Your second factor cannot be used now and no recovery code is left. Ask an administrator to reset your two-step sign-in.',
  LAST_METHOD_REQUIRED: 'Your account must keep two-step sign-in. Set up another method before you remove this one.',
  ENROLL_YOURSELF_FIRST:
    'This would require two-step sign-in of your own account, which has no method set up. Set one up on your Security page first.',
  EMAIL_COOLDOWN: 'A code was sent moments ago. Wait a little before asking for another.',
  ALREADY_ENABLED: 'This method is set up already.',
  NOT_ENROLLING: 'This setup was not started or has expired. Start again.',
  METHOD_NOT_ALLOWED: 'This method is not allowed for your account by the system settings.',
  METHOD_NOT_SET_UP: 'This method is not set up for your account.',
  TWO_FACTOR_DISABLED: 'Two-factor authentication is switched off for this system.',
  WEBAUTHN_FAILED: 'The security key or passkey could not be verified. Try again.',
  CREDENTIAL_FLAGGED: 'This security key looks cloned and was blocked. Use another method and remove the key.',
  APPROVAL_REQUIRED: 'Another admin has to approve this reset.',
  MAIL_FAILED: 'The e-mail could not be sent. Try again later.',
  SECOND_FACTOR_REQUIRED: 'Your account uses two-factor authentication: confirm with a second factor too.',
};

/**
 * Sentences for a code that comes with an `extensions.reason` saying more than the code does, keyed
 * `CODE:REASON`; the code's own sentence stands for any other reason.
 */
const CODE_REASON_SENTENCES: Record<string, string> = {
  'FORBIDDEN:REQUESTER_TOO_NEW': requesterTooNewSentence('a day after your account was made'),
  'FORBIDDEN:RESET_TARGET':
    'This admin asked for a reset of your own two-factor authentication, which waits for approval: a session of yours cannot stop it by disabling, deleting or locking them. Another admin can.',
  'WOULD_LOCK_YOU_OUT:NO_ADMIN_LEFT':
    'No admin could sign in afterwards: every enabled admin’s only second factor would be refused (e-mail codes while they are off for admins, or a security key flagged as a copy) and none has a recovery code left. Have one set up an authenticator app or a security key first.',
  'WOULD_LOCK_YOU_OUT:SELF':
    'You could not sign in afterwards: your only second factor would be refused (e-mail codes while they are off for admins, or a security key flagged as a copy) and you have no recovery code left. Set up an authenticator app or a security key first.',
  'WOULD_LOCK_YOU_OUT:OWN_EMAIL_CODES':
    'Your own second factor is e-mail codes: set up an authenticator app or a security key before turning them off for admins.',
  'WOULD_LOCK_YOU_OUT:NO_USABLE_METHOD_LEFT':
    'This is your last method that can sign you in: what would stay (a security key flagged as a copy, or e-mail codes admins may not use) cannot, and you have no recovery code left. Remove that first, or set up another method.',
  'METHOD_NOT_ALLOWED:RP_ID_NOT_A_DOMAIN':
    'Security keys and passkeys cannot be used on this server: it is reached by an IP address, which browsers refuse for them. Use another method; the server’s operator can give it a host name (PUBLIC_URL or WEBAUTHN_RP_ID).',
};

/** The sentence for a code and the reason it came with: the reason's own, or else the code's. */
export function sentenceForCodeAndReason(code: ErrorCode, reason: unknown): string {
  return (typeof reason === 'string' && CODE_REASON_SENTENCES[`${code}:${reason}`]) || sentenceForCode(code);
}

/** Not a server code: the request never got an answer. */
export const NETWORK_ERROR_SENTENCE = 'The server cannot be reached. Check your connection and try again.';

/**
 * Sentences for `extensions.fields[].reason`: the server's own reasons and class-validator constraint
 * names. A `field:reason` key wins over a bare `reason`.
 */
const FIELD_REASON_SENTENCES: Record<string, string> = {
  'name:isLength': 'Enter a name of 1 to 100 characters.',
  'email:maxLength': 'The e-mail address is too long.',
  maxLength: 'This value is too long.',
  PASSWORD_TOO_SHORT: 'The password must have at least 12 characters.',
  PASSWORD_TOO_LONG: 'The password must have at most 256 characters.',
  PASSWORD_SAME_AS_EMAIL: 'The password must not be the e-mail address.',
  REQUIRED: 'This field is required.',
  ONLY_FOR_SUB_ADMINS: 'Only sub-admins carry permissions.',
  isEmail: 'Enter a valid e-mail address.',
  INVALID_IP: 'Enter an IPv4 or IPv6 address.',
  INVALID_CIDR: 'Enter an address or a range such as 10.0.0.0/8.',
  HOST_BITS_SET: 'Use the network address of the range (host bits zero), e.g. 10.0.0.0/8.',
  PREFIX_OUT_OF_RANGE: 'The prefix length must be 0–32 for IPv4 and 0–128 for IPv6.',
  IN_THE_PAST: 'Pick a time in the future.',
};

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_SENTENCES, value);
}

export function sentenceForCode(code: ErrorCode | 'NETWORK'): string {
  if (code === 'NETWORK') return NETWORK_ERROR_SENTENCE;
  // A server newer than this build may send a code the catalog does not know yet.
  return ERROR_SENTENCES[code] ?? ERROR_SENTENCES.INTERNAL_SERVER_ERROR;
}

/** A sentence for one field problem; the server's own message is the fallback for reasons we do not know yet. */
export function sentenceForFieldReason(field: string, reason: string, serverMessage: string | undefined): string {
  return (
    FIELD_REASON_SENTENCES[`${field}:${reason}`] ?? FIELD_REASON_SENTENCES[reason] ?? serverMessage ?? 'This value is not valid.'
  );
}
