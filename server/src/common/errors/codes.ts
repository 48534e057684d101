import { registerEnumType } from 'type-graphql';

/**
 * The one catalog of error codes. Thrown errors carry one as `extensions.code`; result-union
 * error members carry one as `code`. Released codes are API: add, never rename.
 */
export enum ErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
  GRAPHQL_VALIDATION_FAILED = 'GRAPHQL_VALIDATION_FAILED',
  GRAPHQL_PARSE_FAILED = 'GRAPHQL_PARSE_FAILED',
  INVALID_CREDENTIALS = 'INVALID_CREDENTIALS',
  SETUP_TOKEN_INVALID = 'SETUP_TOKEN_INVALID',
  SETUP_ALREADY_DONE = 'SETUP_ALREADY_DONE',
  EMAIL_TAKEN = 'EMAIL_TAKEN',
  CANNOT_DISABLE_SELF = 'CANNOT_DISABLE_SELF',
  LAST_ADMIN = 'LAST_ADMIN',
  APPROVER_RECENTLY_DELETED = 'APPROVER_RECENTLY_DELETED',
  IP_BLOCKED = 'IP_BLOCKED',
  SIGN_IN_PAUSED = 'SIGN_IN_PAUSED',
  WIDE_RANGE_NEEDS_ACKNOWLEDGEMENT = 'WIDE_RANGE_NEEDS_ACKNOWLEDGEMENT',
  ALREADY_EXISTS = 'ALREADY_EXISTS',
  SAFE_LISTED = 'SAFE_LISTED',
  IP_NOT_ALLOWED = 'IP_NOT_ALLOWED',
  WOULD_LOCK_YOU_OUT = 'WOULD_LOCK_YOU_OUT',
  REAUTH_REQUIRED = 'REAUTH_REQUIRED',
  CODE_INVALID = 'CODE_INVALID',
  CODE_EXPIRED = 'CODE_EXPIRED',
  CODE_ALREADY_USED = 'CODE_ALREADY_USED',
  NO_CODE_SENT = 'NO_CODE_SENT',
  TOO_MANY_ATTEMPTS = 'TOO_MANY_ATTEMPTS',
  SECOND_FACTOR_LOCKED = 'SECOND_FACTOR_LOCKED',
  SECOND_FACTOR_UNAVAILABLE = 'SECOND_FACTOR_UNAVAILABLE',
  SERVER_BUSY = 'SERVER_BUSY',
  DATABASE_TIMEOUT = 'DATABASE_TIMEOUT',
  TOO_MANY_SUBSCRIPTIONS = 'TOO_MANY_SUBSCRIPTIONS',
  EMAIL_COOLDOWN = 'EMAIL_COOLDOWN',
  ALREADY_ENABLED = 'ALREADY_ENABLED',
  NOT_ENROLLING = 'NOT_ENROLLING',
  METHOD_NOT_ALLOWED = 'METHOD_NOT_ALLOWED',
  METHOD_NOT_SET_UP = 'METHOD_NOT_SET_UP',
  TWO_FACTOR_DISABLED = 'TWO_FACTOR_DISABLED',
  WEBAUTHN_FAILED = 'WEBAUTHN_FAILED',
  CREDENTIAL_FLAGGED = 'CREDENTIAL_FLAGGED',
  APPROVAL_REQUIRED = 'APPROVAL_REQUIRED',
  MAIL_FAILED = 'MAIL_FAILED',
  SECOND_FACTOR_REQUIRED = 'SECOND_FACTOR_REQUIRED',
  LAST_METHOD_REQUIRED = 'LAST_METHOD_REQUIRED',
  ENROLL_YOURSELF_FIRST = 'ENROLL_YOURSELF_FIRST',
  ALREADY_RESOLVED = 'ALREADY_RESOLVED',
  LINK_INVALID = 'LINK_INVALID',
  NO_PASSWORD_RESET_PENDING = 'NO_PASSWORD_RESET_PENDING',
  RESET_LINK_RECENT = 'RESET_LINK_RECENT',
  ACCESS_LIST_EMPTY = 'ACCESS_LIST_EMPTY',
  TOO_MANY_KEYS = 'TOO_MANY_KEYS',
}

registerEnumType(ErrorCode, {
  name: 'ErrorCode',
  description: 'Stable machine-readable error codes. Branch on these, never on message text.',
  valuesConfig: {
    BAD_USER_INPUT: { description: 'An argument failed validation; `extensions.fields` names each field and reason.' },
    UNAUTHENTICATED: { description: 'No valid session or token, or it expired or was revoked.' },
    FORBIDDEN: { description: 'Signed in, but the role or permissions do not allow this.' },
    NOT_FOUND: { description: 'The object does not exist or is not visible to you.' },
    CONFLICT: { description: 'The change conflicts with the current state.' },
    INTERNAL_SERVER_ERROR: { description: 'Unexpected failure; details are in the server log, never in the response.' },
    GRAPHQL_VALIDATION_FAILED: {
      description:
        'The document does not validate against the schema, exceeds the depth/alias/cost limits, or may ask for more than 2 000 rows over its paged lists (see `PageInput.limit`).',
    },
    GRAPHQL_PARSE_FAILED: { description: 'The document is not valid GraphQL.' },
    INVALID_CREDENTIALS: { description: 'Unknown account, wrong password or disabled account (deliberately indistinguishable).' },
    SETUP_TOKEN_INVALID: { description: 'The first-admin setup token is unknown, used or expired.' },
    SETUP_ALREADY_DONE: { description: 'An admin exists already; first-admin setup is closed.' },
    EMAIL_TAKEN: { description: 'Another account uses this e-mail address.' },
    CANNOT_DISABLE_SELF: {
      description:
        'Nobody may disable or delete their own account, whatever their role; nor may an admin lock their own account by treating its incident as compromised.',
    },
    LAST_ADMIN: { description: 'The change would leave no enabled admin.' },
    APPROVER_RECENTLY_DELETED: {
      description:
        'Resetting an admin’s 2FA without a second admin’s approval is refused while an admin who would have been asked (an admin of at least a day) was deleted less than a day ago: the approval is not dodged by deleting the approver. `extensions.retryAfter` says when the reset may be done alone; the server’s CLI (`reset-2fa`) is not held back.',
    },
    IP_BLOCKED: { description: 'The source IP is blocked (too many failed logins, or by an admin); `until` says when it ends.' },
    SIGN_IN_PAUSED: {
      description:
        'Too many wrong passwords for this account name from many places (PASSWORD_GUARD_FAILURES): for now it is signed in to only from trusted addresses and from addresses its account signed in from before; the password was not checked. Unknown names are answered alike.',
    },
    WIDE_RANGE_NEEDS_ACKNOWLEDGEMENT: {
      description: 'A publicly routable range wider than /24 (IPv4) or /48 (IPv6) needs `acknowledgeWideRange: true`.',
    },
    ALREADY_EXISTS: { description: 'The same entry exists already.' },
    SAFE_LISTED: {
      description: 'A block by hand inside a range on the global safe list: it would have no effect (trust wins over blocks).',
    },
    IP_NOT_ALLOWED: { description: 'The account is restricted to its IP access list and this request comes from elsewhere.' },
    WOULD_LOCK_YOU_OUT: {
      description:
        'Refused: the change would lock you out of your own account (your current IP outside your own access list or inside a block; reason OWN_EMAIL_CODES, e-mail codes switched off for admins while they are your only second factor; reason SELF, a 2FA settings change after which your only factor would be refused and no recovery code is left; reason NO_USABLE_METHOD_LEFT, the removal of your last method that can sign you in while what stays cannot and no recovery code is left); reason NO_ADMIN_LEFT: a 2FA settings change after which no enabled admin could sign in (e-mail codes taken from staff while they are every admin’s only factor and none has a recovery code), where one could before.',
    },
    REAUTH_REQUIRED: {
      description:
        'This change needs a fresh confirmation: call `reauthenticate` (password and, where enabled, a second factor) and retry within a few minutes.',
    },
    CODE_INVALID: { description: 'The code is wrong (or no longer valid).' },
    CODE_EXPIRED: { description: 'The code expired: request a new one.' },
    CODE_ALREADY_USED: {
      description:
        'This authenticator code was used already: wait for the next one. Every replay is audited; the account holder is e-mailed at most once an hour per account and network (per server instance). An older code that was never used is answered CODE_INVALID.',
    },
    NO_CODE_SENT: { description: 'No code was requested in this sign-in: request one first.' },
    TOO_MANY_ATTEMPTS: {
      description:
        'A second-factor limit: the attempts allowed per account or per network are spent (wait until `retryAfter`); too many codes were e-mailed lately (wait until `retryAfter`); or five wrong tries at one e-mailed code (`retryAfter`: when a new code may be asked for, the attempt window after the dead one was sent; or sign in again, or use another method).',
    },
    SECOND_FACTOR_LOCKED: {
      description:
        'Too many consecutive wrong second factors: the account’s second step is locked until an admin unlocks it or resets its 2FA. Meanwhile second-step sign-in, `reauthenticate` (before the password is checked), confirming a new method (confirmTotpEnrollment, confirmEmailEnrollment) and `sendEmailCode` are refused.',
    },
    SERVER_BUSY: {
      description:
        'Too many passwords are waiting to be checked (a flood of sign-ins): this one was not checked and counts for nothing. Try again in a moment.',
    },
    DATABASE_TIMEOUT: {
      description:
        'The database did not answer in time (a statement ran, or waited for a lock, longer than the server allows, or no connection to it was free): the step that timed out changed nothing. Try again in a moment.',
    },
    TOO_MANY_SUBSCRIPTIONS: {
      description: 'This WebSocket connection holds as many subscriptions as it may: end one before starting another.',
    },
    SECOND_FACTOR_UNAVAILABLE: {
      description:
        'The account owes a second step that none of its methods can give now (a security key flagged as a possible clone, e-mail codes while they are off for admins and sub-admins) and no recovery code is left: an admin resets its two-factor authentication.',
    },
    LAST_METHOD_REQUIRED: {
      description:
        'A policy requires two-factor authentication for this account and this is its last usable method: set up another one first.',
    },
    ENROLL_YOURSELF_FIRST: {
      description:
        'Refused: the settings would require two-factor authentication of your own account, which holds no second factor sign-in could use. Set one up on your Security page first (the change would otherwise end your own sessions with everyone else’s who owes one).',
    },
    EMAIL_COOLDOWN: { description: 'A code was sent moments ago: wait until `retryAfter` before asking for another.' },
    ALREADY_ENABLED: { description: 'This method is set up already.' },
    NOT_ENROLLING: { description: 'No enrollment of this method was started (or it expired): start again.' },
    METHOD_NOT_ALLOWED: {
      description:
        'This method is not allowed by the system settings (or, for e-mail, not for admins and sub-admins); or, for security keys, the server cannot offer them: its public URL is an IP address, which browsers refuse as a WebAuthn RP ID (`extensions.reason` RP_ID_NOT_A_DOMAIN; its operator sets WEBAUTHN_RP_ID or PUBLIC_URL to a host name).',
    },
    METHOD_NOT_SET_UP: { description: 'The account has no such method set up.' },
    TWO_FACTOR_DISABLED: { description: 'Two-factor authentication is switched off system-wide.' },
    WEBAUTHN_FAILED: { description: 'The security key or passkey response could not be verified.' },
    CREDENTIAL_FLAGGED: {
      description: 'The security key presented a lower signature counter than before (a cloned key?): refused and flagged.',
    },
    APPROVAL_REQUIRED: {
      description:
        'Resetting an admin’s 2FA waits for a second admin’s approval, since another admin of at least a day (enabled or not) exists besides the requester and the target; the request waits for it. With no such admin the reset happens at once.',
    },
    MAIL_FAILED: { description: 'The e-mail could not be sent; try again later.' },
    SECOND_FACTOR_REQUIRED: {
      description:
        'The account has 2FA: a second factor is needed as well as the password. From a method’s setup in an enrollment-only sign-in: the account has gained a second factor meanwhile; sign in again and use it.',
    },
    ALREADY_RESOLVED: { description: 'The incident was resolved already (by whom and when is on the incident).' },
    LINK_INVALID: { description: 'The link is unknown, used already or expired.' },
    NO_PASSWORD_RESET_PENDING: {
      description: 'No forced password reset is pending for the account: there is no link to send again.',
    },
    ACCESS_LIST_EMPTY: {
      description:
        'A restricted account would be left with an empty IP access list, which refuses it from everywhere: removing the last entry of a restricted list, or restricting an account whose list is empty.',
    },
    TOO_MANY_KEYS: {
      description:
        'The account has as many security keys as an account may have (20, flagged ones included): remove one it no longer uses, then add the new one.',
    },
    RESET_LINK_RECENT: {
      description: 'A reset link was e-mailed to the account less than a minute ago; `retryAfter` says when another may be sent.',
    },
  },
});
