/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** Narrows the account list. */
export type AccountFilter = {
  /** Include disabled accounts (default true). */
  includeDisabled?: boolean | null | undefined;
  /** Only this role. */
  role?: Role | null | undefined;
  /** Substring of the e-mail address or name (case-insensitive). */
  search?: string | null | undefined;
};

/** What an audit entry records. */
export type AuditAction =
  /** An IP or range was added to an admin access list. */
  | 'ACCESS_LIST_ENTRY_ADDED'
  /** An IP or range was removed from an admin access list. */
  | 'ACCESS_LIST_ENTRY_REMOVED'
  /** An account was created. */
  | 'ACCOUNT_CREATED'
  /** An account was deleted (its sessions, tokens and second factors with it). */
  | 'ACCOUNT_DELETED'
  /** An account was disabled (its sessions revoked). */
  | 'ACCOUNT_DISABLED'
  /** An account was enabled again. */
  | 'ACCOUNT_ENABLED'
  /** An admin or sub-admin signed in to the dashboard. */
  | 'ADMIN_LOGIN'
  /** An API token was created. */
  | 'API_TOKEN_CREATED'
  /** An API token was revoked. */
  | 'API_TOKEN_REVOKED'
  /** The network kind of an ASN was overridden or the override removed. */
  | 'ASN_KIND_SET'
  /** The first admin was created with the console setup token. */
  | 'FIRST_ADMIN_CREATED'
  /** The account holder answered an incident e-mail (“It was me” / “This wasn’t me”). */
  | 'INCIDENT_HOLDER_RESPONSE'
  /** A security incident was opened (sign-ins from several places); it stays on record if the account is deleted. */
  | 'INCIDENT_OPENED'
  /** A security incident was resolved (marked safe, dismissed or treated as compromised). */
  | 'INCIDENT_RESOLVED'
  /** A source was blocked automatically after too many failed logins (no actor; the IP is the last failing one). */
  | 'IP_AUTO_BLOCKED'
  /** An IP or range was blocked by hand. */
  | 'IP_BLOCKED'
  /** An IP or range was marked safe (globally or for an account). */
  | 'IP_MARKED_SAFE'
  /** Login restriction to the access list was switched on or off. */
  | 'IP_RESTRICTION_CHANGED'
  /** The break-glass CLI lifted an account’s IP restriction. */
  | 'IP_RESTRICTION_LIFTED_BY_CLI'
  /** A block was lifted. */
  | 'IP_UNBLOCKED'
  /** A named location was created. */
  | 'NAMED_LOCATION_CREATED'
  /** A named location was deleted. */
  | 'NAMED_LOCATION_DELETED'
  /** An account holder changed their own password (their other sessions were signed out). */
  | 'PASSWORD_CHANGED'
  /** A new password was set through a reset link. */
  | 'PASSWORD_RESET'
  /** A new password reset link was issued (e-mailed by an admin, or printed by the CLI); earlier links died. */
  | 'PASSWORD_RESET_LINK_SENT'
  /** A sub-admin’s permissions were changed. */
  | 'PERMISSIONS_CHANGED'
  /** A signed-in session failed to confirm it is its account’s holder (details: `reason` PASSWORD or SECOND_FACTOR, and `method`): someone at that session may not know the password. Five wrong passwords in a row end the session; a wrong second factor counts toward the second-step lockout, as at sign-in. */
  | 'REAUTH_FAILED'
  /** A new set of recovery codes was generated (the old set no longer works). */
  | 'RECOVERY_CODES_GENERATED'
  /** A recovery code was used, to sign in or to confirm it is you (details: purpose). */
  | 'RECOVERY_CODE_USED'
  /** The “requires two-factor authentication” mark of an account was set or cleared. */
  | 'REQUIRES_TWO_FACTOR_CHANGED'
  /** Second-factor sign-in was locked after too many consecutive failures. */
  | 'SECOND_FACTOR_LOCKED'
  /** An admin unlocked second-factor sign-in for an account. */
  | 'SECOND_FACTOR_UNLOCKED'
  /** A session was revoked. */
  | 'SESSION_REVOKED'
  /** System settings were changed. */
  | 'SETTINGS_CHANGED'
  /** An admin (or the server-side CLI: no actor, `by: cli`) ended the password guard’s pause of an account: its count of wrong passwords from many places starts afresh. */
  | 'SIGN_INS_RESUMED'
  /** An authenticator code that had already been used was presented again and refused. */
  | 'TOTP_REPLAY_REFUSED'
  /** A safe/trusted IP entry was removed. */
  | 'TRUSTED_IP_REMOVED'
  /** A two-factor method was removed. */
  | 'TWO_FACTOR_DISABLED'
  /** A two-factor method was activated (authenticator app, e-mail, security key). */
  | 'TWO_FACTOR_ENABLED'
  /** An account’s two-factor authentication was reset by an admin (sessions revoked). */
  | 'TWO_FACTOR_RESET'
  /** The server-side CLI reset an account’s two-factor authentication (lost device, sole owner). */
  | 'TWO_FACTOR_RESET_BY_CLI'
  /** An admin asked to reset another admin’s two-factor authentication (needs a second admin). */
  | 'TWO_FACTOR_RESET_REQUESTED'
  /** A reset of an admin’s 2FA waiting for approval was closed without being carried out (details: requestId, reason WITHDRAWN by an admin, RECOVERED when an approval found the account signed in or set up anew since, NOTHING_HELD when it found nothing to reset, RESET when the account was reset another way meanwhile, by the CLI say; REQUESTER_DISABLED, REQUESTER_COMPROMISED or REQUESTER_DELETED when an admin disabled its requester, treated it as compromised, or deleted it). */
  | 'TWO_FACTOR_RESET_REQUEST_CLOSED'
  /** A security key presented a signature counter lower than before: refused and flagged. */
  | 'WEBAUTHN_COUNTER_REGRESSION'
  /** A security key or passkey was renamed. */
  | 'WEBAUTHN_RENAMED';

/** Narrows the audit log. */
export type AuditFilter = {
  /** Only this action. */
  action?: AuditAction | null | undefined;
  /** Only actions by accounts whose e-mail starts with this (any case). */
  actorEmail?: string | null | undefined;
  /** Only actions by this account. */
  actorId?: string | number | null | undefined;
  /** From this time (inclusive). */
  from?: string | null | undefined;
  /** Only entries whose target label (e-mail, address, name…) starts with this (any case). */
  target?: string | null | undefined;
  /** Only entries about this target id. */
  targetId?: string | null | undefined;
  /** Until this time (exclusive). */
  to?: string | null | undefined;
};

/** Block an address or range by hand. */
export type BlockIpInput = {
  /** IP address or CIDR range (host bits zero). */
  cidr: string;
  /** When the block ends; null = until lifted. */
  expiresAt?: string | null | undefined;
  /** Why (shown to other admins). */
  note: string;
};

/** Why an IP or range is blocked. */
export type BlockReason =
  /** Too many failed logins within the window. */
  | 'BRUTE_FORCE'
  /** Blocked by an admin. */
  | 'MANUAL';

/** Change brute-force thresholds and durations; omitted fields keep their value. */
export type BruteForceSettingsInput = {
  /** Failures for one account from one source within the window that block the source. */
  accountIpThreshold?: number | null | undefined;
  /** First block length in seconds. */
  blockSeconds?: number | null | undefined;
  /** Each repeat block lasts this many times longer (1 = no escalation). */
  escalationFactor?: number | null | undefined;
  /** Failures from one source (any account) within the window that block it. */
  ipThreshold?: number | null | undefined;
  /** Longest block in seconds (escalation stops there). */
  maxBlockSeconds?: number | null | undefined;
  /** Counting window in seconds. */
  windowSeconds?: number | null | undefined;
};

/** A new admin, sub-admin or user. */
export type CreateAccountInput = {
  /** API-only sub-admin: no dashboard login, authenticates with API tokens (for integrations). */
  apiOnly?: boolean;
  /** E-mail address; the sign-in name. Unique, case-insensitive. */
  email: string;
  /** Display name, 1–100 characters. */
  name: string;
  /** Initial password: at least 12 characters, not the e-mail address. Required unless apiOnly. */
  password?: string | null | undefined;
  /** Permissions; only for sub-admins. */
  permissions?: Array<Permission> | null | undefined;
  /** Role of the new account. */
  role: Role;
};

/** A new API token for an API-only sub-admin. */
export type CreateApiTokenInput = {
  /** The API-only sub-admin. */
  accountId: string | number;
  /** When it stops working; omit for no expiry. */
  expiresAt?: string | null | undefined;
  /** What uses it, 1–100 characters (e.g. "Mail server mx1"). */
  name: string;
};

/** Resolve an incident as reviewed and harmless. */
export type DismissIncidentInput = {
  /** The incident. */
  id: string | number;
  /** Why it is harmless (required, 1–1000 characters). */
  note: string;
};

/** Stable machine-readable error codes. Branch on these, never on message text. */
export type ErrorCode =
  /** A restricted account would be left with an empty IP access list, which refuses it from everywhere: removing the last entry of a restricted list, or restricting an account whose list is empty. */
  | 'ACCESS_LIST_EMPTY'
  /** This method is set up already. */
  | 'ALREADY_ENABLED'
  /** The same entry exists already. */
  | 'ALREADY_EXISTS'
  /** The incident was resolved already (by whom and when is on the incident). */
  | 'ALREADY_RESOLVED'
  /** Resetting an admin’s 2FA waits for a second admin’s approval, since another admin of at least a day (enabled or not) exists besides the requester and the target; the request waits for it. With no such admin the reset happens at once. */
  | 'APPROVAL_REQUIRED'
  /** Resetting an admin’s 2FA without a second admin’s approval is refused while an admin who would have been asked (an admin of at least a day) was deleted less than a day ago: the approval is not dodged by deleting the approver. `extensions.retryAfter` says when the reset may be done alone; the server’s CLI (`reset-2fa`) is not held back. */
  | 'APPROVER_RECENTLY_DELETED'
  /** An argument failed validation; `extensions.fields` names each field and reason. */
  | 'BAD_USER_INPUT'
  /** Nobody may disable or delete their own account, whatever their role; nor may an admin lock their own account by treating its incident as compromised. */
  | 'CANNOT_DISABLE_SELF'
  /** This authenticator code was used already: wait for the next one. Every replay is audited; the account holder is e-mailed at most once an hour per account and network (per server instance). An older code that was never used is answered CODE_INVALID. */
  | 'CODE_ALREADY_USED'
  /** The code expired: request a new one. */
  | 'CODE_EXPIRED'
  /** The code is wrong (or no longer valid). */
  | 'CODE_INVALID'
  /** The change conflicts with the current state. */
  | 'CONFLICT'
  /** The security key presented a lower signature counter than before (a cloned key?): refused and flagged. */
  | 'CREDENTIAL_FLAGGED'
  /** The database did not answer in time (a statement ran, or waited for a lock, longer than the server allows, or no connection to it was free): the step that timed out changed nothing. Try again in a moment. */
  | 'DATABASE_TIMEOUT'
  /** A code was sent moments ago: wait until `retryAfter` before asking for another. */
  | 'EMAIL_COOLDOWN'
  /** Another account uses this e-mail address. */
  | 'EMAIL_TAKEN'
  /** Refused: the settings would require two-factor authentication of your own account, which holds no second factor sign-in could use. Set one up on your Security page first (the change would otherwise end your own sessions with everyone else’s who owes one). */
  | 'ENROLL_YOURSELF_FIRST'
  /** Signed in, but the role or permissions do not allow this. */
  | 'FORBIDDEN'
  /** The document is not valid GraphQL. */
  | 'GRAPHQL_PARSE_FAILED'
  /** The document does not validate against the schema, exceeds the depth/alias/cost limits, or may ask for more than 2 000 rows over its paged lists (see `PageInput.limit`). */
  | 'GRAPHQL_VALIDATION_FAILED'
  /** Unexpected failure; details are in the server log, never in the response. */
  | 'INTERNAL_SERVER_ERROR'
  /** Unknown account, wrong password or disabled account (deliberately indistinguishable). */
  | 'INVALID_CREDENTIALS'
  /** The source IP is blocked (too many failed logins, or by an admin); `until` says when it ends. */
  | 'IP_BLOCKED'
  /** The account is restricted to its IP access list and this request comes from elsewhere. */
  | 'IP_NOT_ALLOWED'
  /** The change would leave no enabled admin. */
  | 'LAST_ADMIN'
  /** A policy requires two-factor authentication for this account and this is its last usable method: set up another one first. */
  | 'LAST_METHOD_REQUIRED'
  /** The link is unknown, used already or expired. */
  | 'LINK_INVALID'
  /** The e-mail could not be sent; try again later. */
  | 'MAIL_FAILED'
  /** This method is not allowed by the system settings (or, for e-mail, not for admins and sub-admins); or, for security keys, the server cannot offer them: its public URL is an IP address, which browsers refuse as a WebAuthn RP ID (`extensions.reason` RP_ID_NOT_A_DOMAIN; its operator sets WEBAUTHN_RP_ID or PUBLIC_URL to a host name). */
  | 'METHOD_NOT_ALLOWED'
  /** The account has no such method set up. */
  | 'METHOD_NOT_SET_UP'
  /** No enrollment of this method was started (or it expired): start again. */
  | 'NOT_ENROLLING'
  /** The object does not exist or is not visible to you. */
  | 'NOT_FOUND'
  /** No code was requested in this sign-in: request one first. */
  | 'NO_CODE_SENT'
  /** No forced password reset is pending for the account: there is no link to send again. */
  | 'NO_PASSWORD_RESET_PENDING'
  /** This change needs a fresh confirmation: call `reauthenticate` (password and, where enabled, a second factor) and retry within a few minutes. */
  | 'REAUTH_REQUIRED'
  /** A reset link was e-mailed to the account less than a minute ago; `retryAfter` says when another may be sent. */
  | 'RESET_LINK_RECENT'
  /** A block by hand inside a range on the global safe list: it would have no effect (trust wins over blocks). */
  | 'SAFE_LISTED'
  /** Too many consecutive wrong second factors: the account’s second step is locked until an admin unlocks it or resets its 2FA. Meanwhile second-step sign-in, `reauthenticate` (before the password is checked), confirming a new method (confirmTotpEnrollment, confirmEmailEnrollment) and `sendEmailCode` are refused. */
  | 'SECOND_FACTOR_LOCKED'
  /** The account has 2FA: a second factor is needed as well as the password. From a method’s setup in an enrollment-only sign-in: the account has gained a second factor meanwhile; sign in again and use it. */
  | 'SECOND_FACTOR_REQUIRED'
  /** The account owes a second step that none of its methods can give now (a security key flagged as a possible clone, e-mail codes while they are off for admins and sub-admins) and no recovery code is left: an admin resets its two-factor authentication. */
  | 'SECOND_FACTOR_UNAVAILABLE'
  /** Too many passwords are waiting to be checked (a flood of sign-ins): this one was not checked and counts for nothing. Try again in a moment. */
  | 'SERVER_BUSY'
  /** An admin exists already; first-admin setup is closed. */
  | 'SETUP_ALREADY_DONE'
  /** The first-admin setup token is unknown, used or expired. */
  | 'SETUP_TOKEN_INVALID'
  /** Too many wrong passwords for this account name from many places (PASSWORD_GUARD_FAILURES): for now it is signed in to only from trusted addresses and from addresses its account signed in from before; the password was not checked. Unknown names are answered alike. */
  | 'SIGN_IN_PAUSED'
  /** A second-factor limit: the attempts allowed per account or per network are spent (wait until `retryAfter`); too many codes were e-mailed lately (wait until `retryAfter`); or five wrong tries at one e-mailed code (`retryAfter`: when a new code may be asked for, the attempt window after the dead one was sent; or sign in again, or use another method). */
  | 'TOO_MANY_ATTEMPTS'
  /** The account has as many security keys as an account may have (20, flagged ones included): remove one it no longer uses, then add the new one. */
  | 'TOO_MANY_KEYS'
  /** This WebSocket connection holds as many subscriptions as it may: end one before starting another. */
  | 'TOO_MANY_SUBSCRIPTIONS'
  /** Two-factor authentication is switched off system-wide. */
  | 'TWO_FACTOR_DISABLED'
  /** No valid session or token, or it expired or was revoked. */
  | 'UNAUTHENTICATED'
  /** The security key or passkey response could not be verified. */
  | 'WEBAUTHN_FAILED'
  /** A publicly routable range wider than /24 (IPv4) or /48 (IPv6) needs `acknowledgeWideRange: true`. */
  | 'WIDE_RANGE_NEEDS_ACKNOWLEDGEMENT'
  /** Refused: the change would lock you out of your own account (your current IP outside your own access list or inside a block; reason OWN_EMAIL_CODES, e-mail codes switched off for admins while they are your only second factor; reason SELF, a 2FA settings change after which your only factor would be refused and no recovery code is left; reason NO_USABLE_METHOD_LEFT, the removal of your last method that can sign you in while what stays cannot and no recovery code is left); reason NO_ADMIN_LEFT: a 2FA settings change after which no enabled admin could sign in (e-mail codes taken from staff while they are every admin’s only factor and none has a recovery code), where one could before. */
  | 'WOULD_LOCK_YOU_OUT';

/** What the account holder answered through the links in the incident e-mail. */
export type HolderResponse =
  /** "It was me": the holder recognises the logins; dismissal is proposed. */
  | 'CONFIRMED'
  /** "This wasn't me": severity raised to critical and admins alerted. */
  | 'DENIED';

/** What happened to an incident. */
export type IncidentEventKind =
  /** It was deleted, open, with its account: it no longer exists, and `openIncidents` no longer counts it (its other fields are as they were). */
  | 'DELETED'
  /** A new incident was raised. */
  | 'OPENED'
  /** An admin resolved it. */
  | 'RESOLVED'
  /** An open incident collected another login, or the account holder answered. */
  | 'UPDATED';

/** Filters for the incidents list; all optional. */
export type IncidentFilterInput = {
  /** Only accounts whose e-mail starts with this (case-insensitive). */
  accountEmail?: string | null | undefined;
  /** Only this account’s incidents. */
  accountId?: string | number | null | undefined;
  /** Opened at or after. */
  from?: string | null | undefined;
  /** Only this severity. */
  severity?: IncidentSeverity | null | undefined;
  /** Only open or only resolved. */
  status?: IncidentStatus | null | undefined;
  /** Opened at or before. */
  to?: string | null | undefined;
};

/** The decision that closed an incident. */
export type IncidentResolution =
  /** Treated as compromised: sessions and API tokens revoked, password reset forced or account locked. */
  | 'COMPROMISED'
  /** Reviewed and dismissed with a note. */
  | 'DISMISSED'
  /** The chosen IPs were marked safe for the account; they never raise an incident again. */
  | 'MARKED_SAFE';

/** Incident settings to change; omitted fields stay. */
export type IncidentSettingsInput = {
  /** Distance in km, 1–20000. */
  distanceKm?: number | null | undefined;
  /** Detection on or off. */
  enabled?: boolean | null | undefined;
  /** Failures before a success, 1–100000. */
  failuresBeforeSuccess?: number | null | undefined;
  /** Speed limit in km/h, 10–100000. */
  maxSpeedKmh?: number | null | undefined;
  /** Window in seconds, 60–2592000. */
  windowSeconds?: number | null | undefined;
};

/** How urgent the incident is. */
export type IncidentSeverity =
  /** The account holder said it was not them. */
  | 'CRITICAL'
  /** Likely an intruder (impossible travel, guessed password, a network unseen for 90 days), or an application (hosting network) with impossible travel among its logins. */
  | 'HIGH'
  /** Most likely harmless (an application without impossible travel, a mobile network). */
  | 'LOW'
  /** Needs a look (travelling, unknown). */
  | 'MEDIUM';

/** Whether the incident still needs a decision. */
export type IncidentStatus =
  /** Waiting for review; new locations of the account are added to it. */
  | 'OPEN'
  /** An admin decided; the next unusual login opens a new incident. */
  | 'RESOLVED';

/** The most likely explanation the evidence points at (a proposal; the admin decides). */
export type LikelyReason =
  /** Many failures before the success; otherwise impossible travel, unless a login came from a hosting/datacenter network (THIRD_PARTY_APPLICATION then); or, within one country, a network none of the account’s successful sign-ins used in the 90 days before (only for an account that signed in before). */
  | 'COMPROMISED'
  /** One mobile carrier in one country: its gateways move the user around. */
  | 'MOBILE_CONNECTION'
  /** A location is a hosting/datacenter network: an application or server. Takes precedence over impossible travel, which then only raises the severity to HIGH. */
  | 'THIRD_PARTY_APPLICATION'
  /** A new country at a speed a traveller can reach. */
  | 'TRAVELLING'
  /** Nothing explains it. */
  | 'UNKNOWN';

/** Panel sign-in with e-mail address and password. */
export type LoginInput = {
  /** E-mail address (case-insensitive). */
  email: string;
  /** Password. */
  password: string;
  /** An authenticator-app code (TOTP) or a recovery code sent with the password, for clients that ask for both at once: the sign-in then completes (LoginSuccess) or fails (TwoFactorError) in this one request, and no pending sign-in is left. Ignored for an account without 2FA. E-mailed codes and security keys need the second step (verifySecondFactor). */
  secondFactor?: SecondFactorInput | null | undefined;
};

/** How a login attempt ended. */
export type LoginOutcome =
  /** The account is disabled: on the panel, its right password; in an integrator report, any report against it whatever outcome was reported (unless the source is blocked: BLOCKED). */
  | 'ACCOUNT_DISABLED'
  /** Refused before checking the password: the IP is blocked, or sign-ins to the name are paused (too many wrong passwords from many places) and this address is new to it. */
  | 'BLOCKED'
  /** Unknown account or wrong password. Also a password sign-in by an API-only account, and any sign-in while a forced password reset is pending: on the panel, and in an integrator report whatever outcome it reported (SUCCESS too). */
  | 'INVALID_CREDENTIALS'
  /** Refused: the account is restricted to its IP access list (sign-in, session or API token request). */
  | 'IP_NOT_ALLOWED'
  /** A wrong or replayed second-factor code, recovery code or security-key assertion. */
  | 'SECOND_FACTOR_FAILED'
  /** Right password; the second step was asked for (a SUCCESS follows when it passes). */
  | 'SECOND_FACTOR_REQUIRED'
  /** Credentials accepted. */
  | 'SUCCESS';

/** Resolve an incident by trusting some of its addresses. */
export type MarkIncidentIpsSafeInput = {
  /** The incident. */
  id: string | number;
  /** Addresses of the incident to trust for its account (1–50). */
  ips: Array<string>;
  /** Why (kept with the decision and on the trusted entries). */
  note?: string | null | undefined;
};

/** Mark an address or range as safe, for one account or globally. */
export type MarkIpSafeInput = {
  /** Account it is trusted for; omit for the global safe list. */
  accountId?: string | number | null | undefined;
  /** Required (true) for a public range wider than /24 (IPv4) or /48 (IPv6). */
  acknowledgeWideRange?: boolean;
  /** IP address or CIDR range (host bits zero). */
  cidr: string;
  /** When the trust ends by itself; omit for no end. */
  expiresAt?: string | null | undefined;
  /** Why (e.g. "CRM sync server"). */
  note?: string | null | undefined;
};

/** A named range and its place. */
export type NamedLocationInput = {
  /** Required (true) to trust a publicly routable range wider than /24 (IPv4) or /48 (IPv6), as for marking a range safe. */
  acknowledgeWideRange?: boolean;
  /** ASN to report for the range. */
  asn?: number | null | undefined;
  /** Organisation to report. */
  asnOrg?: string | null | undefined;
  /** IP address or CIDR range (host bits zero). */
  cidr: string;
  /** City. */
  city?: string | null | undefined;
  /** ISO 3166-1 alpha-2 country code. */
  countryCode?: string | null | undefined;
  /** Latitude (−90…90); give it with longitude. */
  latitude?: number | null | undefined;
  /** Longitude (−180…180); give it with latitude. */
  longitude?: number | null | undefined;
  /** Name, 1–100 characters (e.g. "Head office"). */
  name: string;
  /** Network kind to report. */
  networkKind?: NetworkKind | null | undefined;
  /** Region or state. */
  region?: string | null | undefined;
  /** Logins from a trusted location raise no incident. */
  trusted?: boolean;
};

/** What kind of network an address belongs to; incident reasons depend on it. */
export type NetworkKind =
  /** Home or office line (an ISP that is not mobile, hosting or VPN). */
  | 'FIXED'
  /** Cloud, hosting or datacenter network: servers, often third-party applications. */
  | 'HOSTING'
  /** Mobile carrier: addresses change often, same ASN. */
  | 'MOBILE'
  /** Private, loopback or link-local address. */
  | 'PRIVATE'
  /** Not known. */
  | 'UNKNOWN'
  /** VPN or anonymising exit. */
  | 'VPN';

/** Offset paging. */
export type PageInput = {
  /** Rows per page, 1–200. One request may ask for at most 2 000 rows over all its paged lists (a list inside a list multiplies): a limit given as a variable, or a page given as one, counts as 200, an omitted one as 50. A request above that is refused with GRAPHQL_VALIDATION_FAILED. */
  limit?: number;
  /** Rows to skip, 0–100000. */
  offset?: number;
};

/** A right a sub-admin can be given. Admins have all of them. */
export type Permission =
  /** Check, block and unblock IPs; manage trusted IPs and named locations (a staff account’s trusted IPs also need the right to manage it, the global safe list MANAGE_SETTINGS); read the login history (staff sign-ins only of staff one may manage); look enabled users up by a search of at least 3 characters (to trust an IP for one of them). */
  | 'MANAGE_IPS'
  /** Change system-wide settings. */
  | 'MANAGE_SETTINGS'
  /** Create and edit sub-admins and their permissions and API tokens. */
  | 'MANAGE_SUB_ADMINS'
  /** List, create, disable users; see their login history and 2FA status. */
  | 'MANAGE_USERS'
  /** Read and export the audit log. */
  | 'READ_AUDIT_LOG'
  /** See users’ security incidents (sub-admins’ too with MANAGE_SUB_ADMINS; never admins’) and receive their live events and e-mails. */
  | 'READ_INCIDENTS'
  /** Integrators: report logins (reportLogin, reportLogins), ask for decisions (loginDecision) and an address’s status (ipStatus), and set or clear a user’s “requires 2FA” mark (setRequiresTwoFactor). */
  | 'REPORT_LOGINS'
  /** Act on incidents: mark their addresses safe, dismiss, treat as compromised; e-mail a user a new password reset link while a forced reset is pending. A staff account’s incident also needs the right to manage that account (a sub-admin’s MANAGE_SUB_ADMINS, an admin’s an admin), and a sub-admin never settles its own. */
  | 'RESOLVE_INCIDENTS';

/** Password and, when the account has one, a second factor. */
export type ReauthenticateInput = {
  /** Your password. */
  password: string;
  /** Required when the account has 2FA; not while 2FA is switched off for the system (the password alone is enough then). */
  secondFactor?: SecondFactorInput | null | undefined;
};

/** What kind of account this is. */
export type Role =
  /** Owner: every permission, can never be locked out without a documented way back. */
  | 'ADMIN'
  /** Staff or integration account with an explicit set of permissions. */
  | 'SUB_ADMIN'
  /** End user (mailbox owner, customer): manages only their own security. */
  | 'USER';

/** A second factor: a code, or a security-key assertion. */
export type SecondFactorInput = {
  /** The code (authenticator app, e-mail, recovery code). */
  code?: string | null | undefined;
  /** Which method the proof is for. */
  method: TwoFactorMethod;
  /** WebAuthn: the browser’s assertion (`startAuthentication` result) for the challenge from `webauthnAuthenticationOptions`. */
  webauthnResponse?: Record<string, unknown> | null | undefined;
};

/** How far the sign-in has got. */
export type SessionStage =
  /** Password accepted; a policy requires 2FA, so only enrollment is possible. */
  | 'ENROLLMENT_REQUIRED'
  /** Fully signed in. */
  | 'FULL'
  /** Password accepted; only the second step may be completed. */
  | 'PENDING_SECOND_FACTOR';

/** Creates the first admin with the one-time token printed on the server console. */
export type SetupFirstAdminInput = {
  /** E-mail address of the admin; the sign-in name. */
  email: string;
  /** Display name, 1–100 characters. */
  name: string;
  /** At least 12 characters, not the e-mail address. */
  password: string;
  /** The token from the console (or the CLI). */
  token: string;
};

/** Which limit a TOO_MANY_ATTEMPTS answer is about. */
export type TooManyAttemptsReason =
  /** Too many codes e-mailed lately, to the account or the address: ask for another at `retryAfter`, or use another method. */
  | 'CODES_EMAILED'
  /** The e-mailed code died of five wrong tries: a new one can be asked for at `retryAfter` (the end of the attempt window it was sent in). */
  | 'CODE_DEAD'
  /** Too many wrong codes (or re-authentication passwords) from this account or network in the attempt window: try again at `retryAfter`. */
  | 'WRONG_CODES';

/** Resolve an incident as an intrusion: all sessions and API tokens of the account are revoked. */
export type TreatIncidentAsCompromisedInput = {
  /** The incident. */
  id: string | number;
  /** Disable the account until an admin enables it. */
  lockAccount?: boolean;
  /** Note kept with the decision. */
  note?: string | null | undefined;
  /** The old password stops working now; the holder is e-mailed a single-use link to set a new one. */
  requirePasswordReset?: boolean;
};

/** A second sign-in step. */
export type TwoFactorMethod =
  /** Six-digit code e-mailed to a verified address. */
  | 'EMAIL'
  /** One of the single-use recovery codes. */
  | 'RECOVERY_CODE'
  /** Six-digit code from an authenticator app (RFC 6238). */
  | 'TOTP'
  /** Security key or passkey (Web Authentication). */
  | 'WEBAUTHN';

/** Changes to the system-wide 2FA settings; omitted fields keep their value. */
export type TwoFactorSettingsInput = {
  /** Methods that may be newly set up. Recovery codes back the others up and are always allowed: RECOVERY_CODE is added when left out. */
  allowedMethods?: Array<TwoFactorMethod> | null | undefined;
  /** Allow e-mail codes for admins and sub-admins. */
  emailForStaff?: boolean | null | undefined;
  /** Switch 2FA on or off system-wide. */
  enabled?: boolean | null | undefined;
  /** Issuer name for authenticator apps (1–64 characters). */
  issuer?: string | null | undefined;
  /** Require 2FA for admins and sub-admins. */
  requiredForStaff?: boolean | null | undefined;
};

export type AccountRowFragment = { id: string, email: string, name: string, role: Role, disabledAt: string | null, createdAt: string, lastLoginAt: string | null } & { ' $fragmentName'?: 'AccountRowFragment' };

export type ChangePasswordMutationVariables = Exact<{
  newPassword: string;
}>;


export type ChangePasswordMutation = { changePassword: number };

export type CreateAccountMutationVariables = Exact<{
  input: CreateAccountInput;
}>;


export type CreateAccountMutation = { createAccount:
    | { __typename: 'AccountCreated', account: (
        { id: string }
        & { ' $fragmentRefs'?: { 'AccountRowFragment': AccountRowFragment } }
      ) }
    | { __typename: 'EmailTakenError', code: ErrorCode }
   };

export type SetAccountDisabledMutationVariables = Exact<{
  id: string | number;
  disabled: boolean;
}>;


export type SetAccountDisabledMutation = { setAccountDisabled: (
    { id: string }
    & { ' $fragmentRefs'?: { 'AccountRowFragment': AccountRowFragment } }
  ) };

export type SetupFirstAdminMutationVariables = Exact<{
  input: SetupFirstAdminInput;
}>;


export type SetupFirstAdminMutation = { setupFirstAdmin:
    | { __typename: 'SetupAlreadyDoneError', code: ErrorCode }
    | { __typename: 'SetupSuccess', account: { id: string, email: string } }
    | { __typename: 'SetupTokenInvalidError', code: ErrorCode }
   };

export type MailDeliveryQueryVariables = Exact<{ [key: string]: never; }>;


export type MailDeliveryQuery = { mailDelivery: { waiting: number, givenUp: number, messages: Array<{ to: string | null, subject: string | null, queuedAt: string, attempts: number, lastError: string | null, nextAttemptAt: string | null, givenUpAt: string | null }> } };

export type OpenIncidentCountQueryVariables = Exact<{ [key: string]: never; }>;


export type OpenIncidentCountQuery = { openIncidentCount: number };

export type IncidentEventsSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type IncidentEventsSubscription = { incidentEvents: { kind: IncidentEventKind, incidentId: string, accountEmail: string, severity: IncidentSeverity, status: IncidentStatus, openIncidents: number, occurredAt: string } };

export type IncidentDetailFragment = { id: string, status: IncidentStatus, severity: IncidentSeverity, reason: LikelyReason, impossibleTravel: boolean, evidence: Array<string>, loginCount: number, openedAt: string, updatedAt: string, resolvedAt: string | null, resolution: IncidentResolution | null, resolutionNote: string | null, holderResponse: HolderResponse | null, holderRespondedAt: string | null, account: { id: string, email: string, name: string, passwordResetRequired: boolean, disabledAt: string | null }, resolvedBy: { id: string, email: string } | null } & { ' $fragmentName'?: 'IncidentDetailFragment' };

export type MarkIncidentIpsSafeMutationVariables = Exact<{
  input: MarkIncidentIpsSafeInput;
}>;


export type MarkIncidentIpsSafeMutation = { markIncidentIpsSafe: { ' $fragmentRefs'?: { 'IncidentDetailFragment': IncidentDetailFragment } } };

export type DismissIncidentMutationVariables = Exact<{
  input: DismissIncidentInput;
}>;


export type DismissIncidentMutation = { dismissIncident: { ' $fragmentRefs'?: { 'IncidentDetailFragment': IncidentDetailFragment } } };

export type TreatIncidentAsCompromisedMutationVariables = Exact<{
  input: TreatIncidentAsCompromisedInput;
}>;


export type TreatIncidentAsCompromisedMutation = { treatIncidentAsCompromised: { sessionsRevoked: number, tokensRevoked: number, incident: { ' $fragmentRefs'?: { 'IncidentDetailFragment': IncidentDetailFragment } } } };

export type SessionRowFragment = { id: string, createdAt: string, lastSeenAt: string, ip: string, userAgent: string | null, current: boolean, stage: SessionStage } & { ' $fragmentName'?: 'SessionRowFragment' };

export type SignInGuardQueryVariables = Exact<{
  accountId: string | number;
}>;


export type SignInGuardQuery = { signInGuard: { failures: number, threshold: number, windowSeconds: number, paused: boolean } };

export type ResumeSignInsMutationVariables = Exact<{
  accountId: string | number;
}>;


export type ResumeSignInsMutation = { resumeSignIns: { paused: boolean } };

export type LoginMutationVariables = Exact<{
  input: LoginInput;
}>;


export type LoginMutation = { login:
    | { __typename: 'InvalidCredentialsError', code: ErrorCode }
    | { __typename: 'IpBlockedError', until: string | null, code: ErrorCode }
    | { __typename: 'LoginSuccess', account: { id: string } }
    | { __typename: 'SecondFactorRequired', methods: Array<TwoFactorMethod>, expiresAt: string }
    | { __typename: 'SignInPausedError', code: ErrorCode }
    | { __typename: 'TwoFactorEnrollmentRequired', allowedMethods: Array<TwoFactorMethod>, expiresAt: string }
    | { __typename: 'TwoFactorError', code: ErrorCode }
   };

export type LogoutMutationVariables = Exact<{ [key: string]: never; }>;


export type LogoutMutation = { logout: boolean };

export type RevokeSessionMutationVariables = Exact<{
  id: string | number;
}>;


export type RevokeSessionMutation = { revokeSession: boolean };

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { me: { id: string, name: string, email: string, role: Role, permissions: Array<Permission> } | null };

export type AccountTrustedIpsQueryVariables = Exact<{
  accountId: string | number;
  offset: number;
}>;


export type AccountTrustedIpsQuery = { trustedIps: { totalCount: number, nodes: Array<{ id: string, cidr: string, note: string | null, expiresAt: string | null }> } };

export type RemoveAccountTrustedIpMutationVariables = Exact<{
  id: string | number;
}>;


export type RemoveAccountTrustedIpMutation = { removeTrustedIp: boolean };

export type MarkIpSafeMutationVariables = Exact<{
  input: MarkIpSafeInput;
}>;


export type MarkIpSafeMutation = { markIpSafe:
    | { __typename: 'AlreadyExistsError', code: ErrorCode, message: string }
    | { __typename: 'TrustedIp', id: string, cidr: string }
    | { __typename: 'WideRangeNeedsAcknowledgementError', code: ErrorCode, message: string }
   };

export type AccountPickerQueryVariables = Exact<{
  search?: string | null | undefined;
}>;


export type AccountPickerQuery = { accounts: { nodes: Array<{ id: string, email: string }> } };

export type ResetTwoFactorMutationVariables = Exact<{
  accountId: string | number;
}>;


export type ResetTwoFactorMutation = { resetTwoFactor:
    | { __typename: 'TwoFactorResetDone' }
    | { __typename: 'TwoFactorResetPending', expiresAt: string, newRequest: boolean, adminsAsked: number, code: ErrorCode, message: string, request: { createdAt: string, approvableByYou: boolean, requestedByYou: boolean, requestedBy: { id: string, email: string } } }
   };

export type SetRequiresTwoFactorMutationVariables = Exact<{
  accountId: string | number;
  required: boolean;
}>;


export type SetRequiresTwoFactorMutation = { setRequiresTwoFactor: { requiresTwoFactor: boolean, account: { id: string, requiresTwoFactor: boolean } | null } };

export type AccountTwoFactorQueryVariables = Exact<{
  accountId: string | number;
}>;


export type AccountTwoFactorQuery = { accountTwoFactor: { methods: Array<TwoFactorMethod>, recoveryCodesRemaining: number, flaggedKeys: number, required: boolean, locked: boolean, systemEnabled: boolean, resettable: boolean } };

export type UnlockSecondFactorMutationVariables = Exact<{
  accountId: string | number;
}>;


export type UnlockSecondFactorMutation = { unlockSecondFactor: boolean };

export type PendingTwoFactorResetsQueryVariables = Exact<{ [key: string]: never; }>;


export type PendingTwoFactorResetsQuery = { pendingTwoFactorResets: Array<{ id: string, createdAt: string, expiresAt: string, approvableByYou: boolean, target: { id: string, email: string }, requestedBy: { id: string, email: string } }> };

export type ApproveTwoFactorResetMutationVariables = Exact<{
  requestId: string | number;
}>;


export type ApproveTwoFactorResetMutation = { approveTwoFactorReset:
    | { __typename: 'TwoFactorResetDone', account: { id: string, email: string } }
    | { __typename: 'TwoFactorResetPending' }
   };

export type WithdrawTwoFactorResetMutationVariables = Exact<{
  requestId: string | number;
}>;


export type WithdrawTwoFactorResetMutation = { withdrawTwoFactorReset: boolean };

export type TwoFactorSettingsPageQueryVariables = Exact<{ [key: string]: never; }>;


export type TwoFactorSettingsPageQuery = { twoFactorSettings: { enabled: boolean, issuer: string, allowedMethods: Array<TwoFactorMethod>, requiredForStaff: boolean, emailForStaff: boolean } };

export type UpdateTwoFactorSettingsMutationVariables = Exact<{
  input: TwoFactorSettingsInput;
}>;


export type UpdateTwoFactorSettingsMutation = { updateTwoFactorSettings: { enabled: boolean, issuer: string, allowedMethods: Array<TwoFactorMethod>, requiredForStaff: boolean, emailForStaff: boolean } };

export type TwoFactorSettingsImpactQueryVariables = Exact<{
  input: TwoFactorSettingsInput;
}>;


export type TwoFactorSettingsImpactQuery = { twoFactorSettingsImpact: { accountsNewlyRequired: number, staffNewlyRequired: number, accountsSignedOut: number, sessionsEnded: number, staffLeftWithoutUsableFactor: number, staffWithoutRecoveryCode: number } };

export type VerifySecondFactorMutationVariables = Exact<{
  input: SecondFactorInput;
}>;


export type VerifySecondFactorMutation = { verifySecondFactor:
    | { __typename: 'LoginSuccess', account: { id: string } }
    | { __typename: 'TwoFactorError', code: ErrorCode, reason: TooManyAttemptsReason | null, retryAfter: string | null }
   };

export type SendEmailCodeMutationVariables = Exact<{ [key: string]: never; }>;


export type SendEmailCodeMutation = { sendEmailCode:
    | { __typename: 'EmailCodeSent', sentAt: string, nextSendAfter: string }
    | { __typename: 'TwoFactorError', code: ErrorCode, reason: TooManyAttemptsReason | null, retryAfter: string | null }
   };

export type WebauthnAuthenticationOptionsMutationVariables = Exact<{ [key: string]: never; }>;


export type WebauthnAuthenticationOptionsMutation = { webauthnAuthenticationOptions: Record<string, unknown> };

export type PendingSignInQueryVariables = Exact<{ [key: string]: never; }>;


export type PendingSignInQuery = { pendingSignIn: { stage: SessionStage, email: string, methods: Array<TwoFactorMethod>, allowedMethods: Array<TwoFactorMethod>, expiresAt: string } | null };

export type MyTwoFactorQueryVariables = Exact<{ [key: string]: never; }>;


export type MyTwoFactorQuery = { myTwoFactor: { enabled: boolean, systemEnabled: boolean, methods: Array<TwoFactorMethod>, totpEnabled: boolean, totpConfirmedAt: string | null, emailAddress: string | null, recoveryCodesRemaining: number, allowedMethods: Array<TwoFactorMethod>, required: boolean, recommendSecondMethod: boolean, locked: boolean, webauthnCredentials: Array<{ id: string, name: string, createdAt: string, lastUsedAt: string | null, flagged: boolean, backedUp: boolean }> } };

export type StartTotpEnrollmentMutationVariables = Exact<{ [key: string]: never; }>;


export type StartTotpEnrollmentMutation = { startTotpEnrollment: { otpauthUri: string, qrCodeSvg: string, secret: string, expiresAt: string } };

export type ConfirmTotpEnrollmentMutationVariables = Exact<{
  code: string;
}>;


export type ConfirmTotpEnrollmentMutation = { confirmTotpEnrollment:
    | { __typename: 'TwoFactorEnabled', method: TwoFactorMethod, recoveryCodes: Array<string> | null, signedIn: boolean }
    | { __typename: 'TwoFactorError', code: ErrorCode, reason: TooManyAttemptsReason | null, retryAfter: string | null }
   };

export type StartEmailEnrollmentMutationVariables = Exact<{
  address: string;
}>;


export type StartEmailEnrollmentMutation = { startEmailEnrollment:
    | { __typename: 'EmailCodeSent', sentAt: string, nextSendAfter: string }
    | { __typename: 'TwoFactorError', code: ErrorCode, reason: TooManyAttemptsReason | null, retryAfter: string | null }
   };

export type ConfirmEmailEnrollmentMutationVariables = Exact<{
  code: string;
}>;


export type ConfirmEmailEnrollmentMutation = { confirmEmailEnrollment:
    | { __typename: 'TwoFactorEnabled', method: TwoFactorMethod, recoveryCodes: Array<string> | null, signedIn: boolean }
    | { __typename: 'TwoFactorError', code: ErrorCode, reason: TooManyAttemptsReason | null, retryAfter: string | null }
   };

export type WebauthnRegistrationOptionsMutationVariables = Exact<{
  name: string;
}>;


export type WebauthnRegistrationOptionsMutation = { webauthnRegistrationOptions: Record<string, unknown> };

export type FinishWebauthnRegistrationMutationVariables = Exact<{
  response: Record<string, unknown>;
}>;


export type FinishWebauthnRegistrationMutation = { finishWebauthnRegistration:
    | { __typename: 'TwoFactorEnabled', method: TwoFactorMethod, recoveryCodes: Array<string> | null, signedIn: boolean }
    | { __typename: 'TwoFactorError', code: ErrorCode, reason: TooManyAttemptsReason | null, retryAfter: string | null }
   };

export type ReauthenticateMutationVariables = Exact<{
  input: ReauthenticateInput;
}>;


export type ReauthenticateMutation = { reauthenticate:
    | { __typename: 'ReauthSuccess', validUntil: string }
    | { __typename: 'TwoFactorError', code: ErrorCode, reason: TooManyAttemptsReason | null, retryAfter: string | null }
   };

export type DisableTotpMutationVariables = Exact<{ [key: string]: never; }>;


export type DisableTotpMutation = { disableTotp: boolean };

export type DisableEmailFactorMutationVariables = Exact<{ [key: string]: never; }>;


export type DisableEmailFactorMutation = { disableEmailFactor: boolean };

export type RemoveWebauthnCredentialMutationVariables = Exact<{
  id: string | number;
}>;


export type RemoveWebauthnCredentialMutation = { removeWebauthnCredential: boolean };

export type RenameWebauthnCredentialMutationVariables = Exact<{
  id: string | number;
  name: string;
}>;


export type RenameWebauthnCredentialMutation = { renameWebauthnCredential: { id: string, name: string } };

export type GenerateRecoveryCodesMutationVariables = Exact<{ [key: string]: never; }>;


export type GenerateRecoveryCodesMutation = { generateRecoveryCodes: { codes: Array<string> } };

export type AccessListPageQueryVariables = Exact<{
  accountId?: string | number | null | undefined;
}>;


export type AccessListPageQuery = { adminAccessList: { restricted: boolean, currentIp: string, currentIpListed: boolean, account: { id: string, email: string }, entries: Array<{ id: string, cidr: string, label: string | null, createdAt: string }> }, ipRestrictionPreview: Array<{ ip: string, count: number, lastAt: string, services: Array<string> }> };

export type AddAccessEntriesMutationVariables = Exact<{
  lines: string;
  label?: string | null | undefined;
  accountId?: string | number | null | undefined;
}>;


export type AddAccessEntriesMutation = { addAdminAccessEntries: { restricted: boolean } };

export type RemoveAccessEntryMutationVariables = Exact<{
  id: string | number;
}>;


export type RemoveAccessEntryMutation = { removeAdminAccessEntry: { restricted: boolean } };

export type SetIpRestrictionMutationVariables = Exact<{
  restricted: boolean;
  accountId?: string | number | null | undefined;
}>;


export type SetIpRestrictionMutation = { setIpRestriction: { restricted: boolean } };

export type AccountPageQueryVariables = Exact<{
  id: string | number;
  page?: PageInput | null | undefined;
}>;


export type AccountPageQuery = { account: { id: string, email: string, name: string, role: Role, disabledAt: string | null, createdAt: string, lastLoginAt: string | null, requiresTwoFactor: boolean }, loginEvents: { totalCount: number, nodes: Array<{ id: string, occurredAt: string, ip: string, service: string, outcome: LoginOutcome, city: string | null, region: string | null, countryCode: string | null, namedLocation: string | null, asn: number | null, asnOrg: string | null, networkKind: NetworkKind }> } };

export type AuditPageQueryVariables = Exact<{
  filter?: AuditFilter | null | undefined;
  page?: PageInput | null | undefined;
}>;


export type AuditPageQuery = { auditLog: { totalCount: number, nodes: Array<{ id: string, occurredAt: string, actorEmail: string | null, action: AuditAction, targetType: string | null, targetLabel: string | null, ip: string, details: Record<string, unknown> }> } };

export type CheckIpQueryVariables = Exact<{
  ip: string;
}>;


export type CheckIpQuery = { checkIp: { ip: string, sourcePrefix: string, recentFailures: number, activeBlock: { id: string, cidr: string, reason: BlockReason, note: string | null, strike: number, expiresAt: string | null } | null, accountsTried: Array<{ attemptedName: string, failures: number, lastAt: string }>, globalSafe: Array<{ id: string, cidr: string }>, trustedBy: Array<{ accountId: string, email: string, entry: { id: string, cidr: string } }>, location: { city: string | null, region: string | null, countryCode: string | null, asn: number | null, asnOrg: string | null, networkKind: NetworkKind, namedLocation: string | null } } };

export type BlockedIpsPageQueryVariables = Exact<{
  activeOnly: boolean;
  reason?: BlockReason | null | undefined;
  offset: number;
}>;


export type BlockedIpsPageQuery = { ipBlocks: { totalCount: number, nodes: Array<{ id: string, cidr: string, reason: BlockReason, note: string | null, failures: number, strike: number, createdAt: string, expiresAt: string | null, liftedAt: string | null }> }, bruteForceSettings: { ipThreshold: number, accountIpThreshold: number, windowSeconds: number, blockSeconds: number, maxBlockSeconds: number, escalationFactor: number } };

export type UnblockIpMutationVariables = Exact<{
  ip: string;
}>;


export type UnblockIpMutation = { unblockIp: Array<{ id: string, liftedAt: string | null }> };

export type BlockIpMutationVariables = Exact<{
  input: BlockIpInput;
}>;


export type BlockIpMutation = { blockIp:
    | { __typename: 'AlreadyExistsError', code: ErrorCode, message: string }
    | { __typename: 'IpBlock', id: string, cidr: string }
    | { __typename: 'SafeListedError', code: ErrorCode, message: string }
   };

export type HomePageQueryVariables = Exact<{ [key: string]: never; }>;


export type HomePageQuery = { me: { id: string, name: string, email: string } | null, myTwoFactor: { enabled: boolean, allowedMethods: Array<TwoFactorMethod>, recommendSecondMethod: boolean, recoveryCodesRemaining: number, required: boolean, totpEnabled: boolean, emailAddress: string | null, webauthnCredentials: Array<{ id: string }> } };

export type RespondToIncidentMutationVariables = Exact<{
  token: string;
}>;


export type RespondToIncidentMutation = { respondToIncident: { answer: HolderResponse } };

export type SendPasswordResetLinkMutationVariables = Exact<{
  accountId: string | number;
}>;


export type SendPasswordResetLinkMutation = { sendPasswordResetLink: string };

export type IncidentPageQueryVariables = Exact<{
  id: string | number;
}>;


export type IncidentPageQuery = { securityIncident: (
    { logins: Array<{ id: string, occurredAt: string, ip: string, countryCode: string | null, region: string | null, city: string | null, latitude: number | null, longitude: number | null, asn: number | null, asnOrg: string | null, networkKind: NetworkKind, namedLocation: string | null, service: string, userAgent: string | null, outcome: LoginOutcome }>, legs: Array<{ fromLoginId: string, toLoginId: string, distanceKm: number, hours: number, speedKmh: number | null, impossible: boolean }> }
    & { ' $fragmentRefs'?: { 'IncidentDetailFragment': IncidentDetailFragment } }
  ) };

export type IncidentsPageQueryVariables = Exact<{
  filter?: IncidentFilterInput | null | undefined;
  page?: PageInput | null | undefined;
}>;


export type IncidentsPageQuery = { securityIncidents: { totalCount: number, nodes: Array<{ id: string, status: IncidentStatus, severity: IncidentSeverity, reason: LikelyReason, impossibleTravel: boolean, loginCount: number, openedAt: string, updatedAt: string, resolution: IncidentResolution | null, holderResponse: HolderResponse | null, account: { id: string, email: string } }> } };

export type LoginPageQueryVariables = Exact<{ [key: string]: never; }>;


export type LoginPageQuery = { setupStatus: { needsSetup: boolean }, pendingSignIn: { stage: SessionStage, methods: Array<TwoFactorMethod> } | null };

export type MyLoginsPageQueryVariables = Exact<{
  page?: PageInput | null | undefined;
}>;


export type MyLoginsPageQuery = { myLoginEvents: { totalCount: number, nodes: Array<{ id: string, occurredAt: string, ip: string, service: string, outcome: LoginOutcome, userAgent: string | null, city: string | null, region: string | null, countryCode: string | null, namedLocation: string | null, asn: number | null, asnOrg: string | null, networkKind: NetworkKind }> }, myTrustedIps: Array<{ id: string, cidr: string, note: string | null, expiresAt: string | null }> };

export type NamedLocationsPageQueryVariables = Exact<{ [key: string]: never; }>;


export type NamedLocationsPageQuery = { namedLocations: Array<{ id: string, cidr: string, name: string, countryCode: string | null, region: string | null, city: string | null, latitude: number | null, longitude: number | null, asn: number | null, asnOrg: string | null, networkKind: NetworkKind | null, trusted: boolean }> };

export type CreateNamedLocationMutationVariables = Exact<{
  input: NamedLocationInput;
}>;


export type CreateNamedLocationMutation = { createNamedLocation:
    | { __typename: 'AlreadyExistsError', code: ErrorCode, message: string }
    | { __typename: 'NamedLocation', id: string }
    | { __typename: 'WideRangeNeedsAcknowledgementError', code: ErrorCode, message: string }
   };

export type AsnKindsQueryVariables = Exact<{ [key: string]: never; }>;


export type AsnKindsQuery = { asnNetworkKinds: Array<{ asn: number, kind: NetworkKind }> };

export type SetAsnKindMutationVariables = Exact<{
  asn: number;
  kind?: NetworkKind | null | undefined;
}>;


export type SetAsnKindMutation = { setAsnNetworkKind: { asn: number, kind: NetworkKind } | null };

export type DeleteNamedLocationMutationVariables = Exact<{
  id: string | number;
}>;


export type DeleteNamedLocationMutation = { deleteNamedLocation: boolean };

export type OutboxPageQueryVariables = Exact<{ [key: string]: never; }>;


export type OutboxPageQuery = { devOutbox: { enabled: boolean, messages: Array<{ file: string, to: string, subject: string, date: string | null, text: string }> } };

export type ProtectionSettingsPageQueryVariables = Exact<{ [key: string]: never; }>;


export type ProtectionSettingsPageQuery = { bruteForceSettings: { ipThreshold: number, accountIpThreshold: number, windowSeconds: number, blockSeconds: number, maxBlockSeconds: number, escalationFactor: number }, incidentSettings: { enabled: boolean, windowSeconds: number, distanceKm: number, maxSpeedKmh: number, failuresBeforeSuccess: number } };

export type UpdateBruteForceSettingsMutationVariables = Exact<{
  input: BruteForceSettingsInput;
}>;


export type UpdateBruteForceSettingsMutation = { updateBruteForceSettings: { ipThreshold: number, accountIpThreshold: number, windowSeconds: number, blockSeconds: number, maxBlockSeconds: number, escalationFactor: number } };

export type UpdateIncidentSettingsMutationVariables = Exact<{
  input: IncidentSettingsInput;
}>;


export type UpdateIncidentSettingsMutation = { updateIncidentSettings: { enabled: boolean, windowSeconds: number, distanceKm: number, maxSpeedKmh: number, failuresBeforeSuccess: number } };

export type ResetPasswordMutationVariables = Exact<{
  token: string;
  newPassword: string;
}>;


export type ResetPasswordMutation = { resetPassword: boolean };

export type SessionsPageQueryVariables = Exact<{ [key: string]: never; }>;


export type SessionsPageQuery = { mySessions: Array<(
    { id: string }
    & { ' $fragmentRefs'?: { 'SessionRowFragment': SessionRowFragment } }
  )> };

export type SetupPageQueryVariables = Exact<{ [key: string]: never; }>;


export type SetupPageQuery = { setupStatus: { needsSetup: boolean } };

export type SubAdminsPageQueryVariables = Exact<{
  offset: number;
}>;


export type SubAdminsPageQuery = { accounts: { totalCount: number, nodes: Array<{ id: string, email: string, name: string, permissions: Array<Permission>, apiOnly: boolean, ipRestricted: boolean, disabledAt: string | null, lastLoginAt: string | null }> } };

export type SetSubAdminPermissionsMutationVariables = Exact<{
  id: string | number;
  permissions: Array<Permission> | Permission;
}>;


export type SetSubAdminPermissionsMutation = { setPermissions: { id: string, permissions: Array<Permission> } };

export type DeleteSubAdminMutationVariables = Exact<{
  id: string | number;
}>;


export type DeleteSubAdminMutation = { deleteAccount: string };

export type ApiTokensQueryVariables = Exact<{
  accountId: string | number;
}>;


export type ApiTokensQuery = { apiTokens: Array<{ id: string, name: string, prefix: string, createdAt: string, createdByEmail: string | null, expiresAt: string | null, lastUsedAt: string | null, lastUsedIp: string | null, revokedAt: string | null }> };

export type CreateApiTokenMutationVariables = Exact<{
  input: CreateApiTokenInput;
}>;


export type CreateApiTokenMutation = { createApiToken: { token: string, apiToken: { id: string, name: string } } };

export type RevokeApiTokenMutationVariables = Exact<{
  id: string | number;
}>;


export type RevokeApiTokenMutation = { revokeApiToken: { id: string, revokedAt: string | null } };

export type TrustedIpsPageQueryVariables = Exact<{
  globalOnly: boolean;
  offset: number;
}>;


export type TrustedIpsPageQuery = { trustedIps: { totalCount: number, nodes: Array<{ id: string, cidr: string, note: string | null, expiresAt: string | null, createdAt: string, account: { id: string, email: string } | null }> } };

export type RemoveTrustedIpMutationVariables = Exact<{
  id: string | number;
}>;


export type RemoveTrustedIpMutation = { removeTrustedIp: boolean };

export type TwoFactorCompliancePageQueryVariables = Exact<{
  without?: boolean | null | undefined;
  page?: PageInput | null | undefined;
}>;


export type TwoFactorCompliancePageQuery = { twoFactorCompliance: { total: number, matching: number, withTwoFactor: number, withoutTwoFactor: number, requiredButMissing: number, onlyUnusableMethods: number, cannotSignIn: number, rows: Array<{ role: Role, enabled: boolean, methods: Array<TwoFactorMethod>, unusableMethods: Array<TwoFactorMethod>, recoveryCodesLeft: number, required: boolean, lastLoginAt: string | null, account: { id: string, email: string, name: string, disabledAt: string | null } }> } };

export type UsersPageQueryVariables = Exact<{
  filter?: AccountFilter | null | undefined;
  page?: PageInput | null | undefined;
}>;


export type UsersPageQuery = { accounts: { totalCount: number, nodes: Array<(
      { id: string }
      & { ' $fragmentRefs'?: { 'AccountRowFragment': AccountRowFragment } }
    )> } };

export const AccountRowFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AccountRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Account"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"disabledAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastLoginAt"}}]}}]} as unknown as DocumentNode<AccountRowFragment, unknown>;
export const IncidentDetailFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"IncidentDetail"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SecurityIncident"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"severity"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"impossibleTravel"}},{"kind":"Field","name":{"kind":"Name","value":"evidence"}},{"kind":"Field","name":{"kind":"Name","value":"loginCount"}},{"kind":"Field","name":{"kind":"Name","value":"openedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"resolvedAt"}},{"kind":"Field","name":{"kind":"Name","value":"resolution"}},{"kind":"Field","name":{"kind":"Name","value":"resolutionNote"}},{"kind":"Field","name":{"kind":"Name","value":"holderResponse"}},{"kind":"Field","name":{"kind":"Name","value":"holderRespondedAt"}},{"kind":"Field","name":{"kind":"Name","value":"account"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"passwordResetRequired"}},{"kind":"Field","name":{"kind":"Name","value":"disabledAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"resolvedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}}]}}]} as unknown as DocumentNode<IncidentDetailFragment, unknown>;
export const SessionRowFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SessionRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SessionInfo"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastSeenAt"}},{"kind":"Field","name":{"kind":"Name","value":"ip"}},{"kind":"Field","name":{"kind":"Name","value":"userAgent"}},{"kind":"Field","name":{"kind":"Name","value":"current"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}}]}}]} as unknown as DocumentNode<SessionRowFragment, unknown>;
export const ChangePasswordDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ChangePassword"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"newPassword"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"changePassword"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"newPassword"},"value":{"kind":"Variable","name":{"kind":"Name","value":"newPassword"}}}]}]}}]} as unknown as DocumentNode<ChangePasswordMutation, ChangePasswordMutationVariables>;
export const CreateAccountDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateAccount"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateAccountInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createAccount"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AccountCreated"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"account"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"AccountRow"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ErrorResult"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AccountRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Account"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"disabledAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastLoginAt"}}]}}]} as unknown as DocumentNode<CreateAccountMutation, CreateAccountMutationVariables>;
export const SetAccountDisabledDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetAccountDisabled"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"disabled"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setAccountDisabled"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"disabled"},"value":{"kind":"Variable","name":{"kind":"Name","value":"disabled"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"AccountRow"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AccountRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Account"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"disabledAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastLoginAt"}}]}}]} as unknown as DocumentNode<SetAccountDisabledMutation, SetAccountDisabledMutationVariables>;
export const SetupFirstAdminDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetupFirstAdmin"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SetupFirstAdminInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setupFirstAdmin"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SetupSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"account"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ErrorResult"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]}}]}}]} as unknown as DocumentNode<SetupFirstAdminMutation, SetupFirstAdminMutationVariables>;
export const MailDeliveryDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MailDelivery"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"mailDelivery"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"waiting"}},{"kind":"Field","name":{"kind":"Name","value":"givenUp"}},{"kind":"Field","name":{"kind":"Name","value":"messages"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"subject"}},{"kind":"Field","name":{"kind":"Name","value":"queuedAt"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"nextAttemptAt"}},{"kind":"Field","name":{"kind":"Name","value":"givenUpAt"}}]}}]}}]}}]} as unknown as DocumentNode<MailDeliveryQuery, MailDeliveryQueryVariables>;
export const OpenIncidentCountDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"OpenIncidentCount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"openIncidentCount"}}]}}]} as unknown as DocumentNode<OpenIncidentCountQuery, OpenIncidentCountQueryVariables>;
export const IncidentEventsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"IncidentEvents"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"incidentEvents"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"incidentId"}},{"kind":"Field","name":{"kind":"Name","value":"accountEmail"}},{"kind":"Field","name":{"kind":"Name","value":"severity"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"openIncidents"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}}]}}]}}]} as unknown as DocumentNode<IncidentEventsSubscription, IncidentEventsSubscriptionVariables>;
export const MarkIncidentIpsSafeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"MarkIncidentIpsSafe"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"MarkIncidentIpsSafeInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"markIncidentIpsSafe"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"IncidentDetail"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"IncidentDetail"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SecurityIncident"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"severity"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"impossibleTravel"}},{"kind":"Field","name":{"kind":"Name","value":"evidence"}},{"kind":"Field","name":{"kind":"Name","value":"loginCount"}},{"kind":"Field","name":{"kind":"Name","value":"openedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"resolvedAt"}},{"kind":"Field","name":{"kind":"Name","value":"resolution"}},{"kind":"Field","name":{"kind":"Name","value":"resolutionNote"}},{"kind":"Field","name":{"kind":"Name","value":"holderResponse"}},{"kind":"Field","name":{"kind":"Name","value":"holderRespondedAt"}},{"kind":"Field","name":{"kind":"Name","value":"account"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"passwordResetRequired"}},{"kind":"Field","name":{"kind":"Name","value":"disabledAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"resolvedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}}]}}]} as unknown as DocumentNode<MarkIncidentIpsSafeMutation, MarkIncidentIpsSafeMutationVariables>;
export const DismissIncidentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DismissIncident"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DismissIncidentInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"dismissIncident"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"IncidentDetail"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"IncidentDetail"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SecurityIncident"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"severity"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"impossibleTravel"}},{"kind":"Field","name":{"kind":"Name","value":"evidence"}},{"kind":"Field","name":{"kind":"Name","value":"loginCount"}},{"kind":"Field","name":{"kind":"Name","value":"openedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"resolvedAt"}},{"kind":"Field","name":{"kind":"Name","value":"resolution"}},{"kind":"Field","name":{"kind":"Name","value":"resolutionNote"}},{"kind":"Field","name":{"kind":"Name","value":"holderResponse"}},{"kind":"Field","name":{"kind":"Name","value":"holderRespondedAt"}},{"kind":"Field","name":{"kind":"Name","value":"account"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"passwordResetRequired"}},{"kind":"Field","name":{"kind":"Name","value":"disabledAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"resolvedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}}]}}]} as unknown as DocumentNode<DismissIncidentMutation, DismissIncidentMutationVariables>;
export const TreatIncidentAsCompromisedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"TreatIncidentAsCompromised"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"TreatIncidentAsCompromisedInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"treatIncidentAsCompromised"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sessionsRevoked"}},{"kind":"Field","name":{"kind":"Name","value":"tokensRevoked"}},{"kind":"Field","name":{"kind":"Name","value":"incident"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"IncidentDetail"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"IncidentDetail"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SecurityIncident"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"severity"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"impossibleTravel"}},{"kind":"Field","name":{"kind":"Name","value":"evidence"}},{"kind":"Field","name":{"kind":"Name","value":"loginCount"}},{"kind":"Field","name":{"kind":"Name","value":"openedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"resolvedAt"}},{"kind":"Field","name":{"kind":"Name","value":"resolution"}},{"kind":"Field","name":{"kind":"Name","value":"resolutionNote"}},{"kind":"Field","name":{"kind":"Name","value":"holderResponse"}},{"kind":"Field","name":{"kind":"Name","value":"holderRespondedAt"}},{"kind":"Field","name":{"kind":"Name","value":"account"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"passwordResetRequired"}},{"kind":"Field","name":{"kind":"Name","value":"disabledAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"resolvedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}}]}}]} as unknown as DocumentNode<TreatIncidentAsCompromisedMutation, TreatIncidentAsCompromisedMutationVariables>;
export const SignInGuardDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SignInGuard"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"signInGuard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"accountId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"failures"}},{"kind":"Field","name":{"kind":"Name","value":"threshold"}},{"kind":"Field","name":{"kind":"Name","value":"windowSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"paused"}}]}}]}}]} as unknown as DocumentNode<SignInGuardQuery, SignInGuardQueryVariables>;
export const ResumeSignInsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ResumeSignIns"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"resumeSignIns"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"accountId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"paused"}}]}}]}}]} as unknown as DocumentNode<ResumeSignInsMutation, ResumeSignInsMutationVariables>;
export const LoginDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Login"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"LoginInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"login"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LoginSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"account"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SecondFactorRequired"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"methods"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TwoFactorEnrollmentRequired"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"allowedMethods"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"IpBlockedError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"until"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ErrorResult"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]}}]}}]} as unknown as DocumentNode<LoginMutation, LoginMutationVariables>;
export const LogoutDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Logout"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"logout"}}]}}]} as unknown as DocumentNode<LogoutMutation, LogoutMutationVariables>;
export const RevokeSessionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RevokeSession"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revokeSession"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}]}]}}]} as unknown as DocumentNode<RevokeSessionMutation, RevokeSessionMutationVariables>;
export const ViewerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"permissions"}}]}}]}}]} as unknown as DocumentNode<ViewerQuery, ViewerQueryVariables>;
export const AccountTrustedIpsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AccountTrustedIps"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"offset"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"trustedIps"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"accountId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}}},{"kind":"Argument","name":{"kind":"Name","value":"page"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"limit"},"value":{"kind":"IntValue","value":"20"}},{"kind":"ObjectField","name":{"kind":"Name","value":"offset"},"value":{"kind":"Variable","name":{"kind":"Name","value":"offset"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"cidr"}},{"kind":"Field","name":{"kind":"Name","value":"note"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}}]}}]}}]}}]} as unknown as DocumentNode<AccountTrustedIpsQuery, AccountTrustedIpsQueryVariables>;
export const RemoveAccountTrustedIpDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RemoveAccountTrustedIp"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"removeTrustedIp"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}]}]}}]} as unknown as DocumentNode<RemoveAccountTrustedIpMutation, RemoveAccountTrustedIpMutationVariables>;
export const MarkIpSafeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"MarkIpSafe"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"MarkIpSafeInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"markIpSafe"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TrustedIp"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"cidr"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ErrorResult"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<MarkIpSafeMutation, MarkIpSafeMutationVariables>;
export const AccountPickerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AccountPicker"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"search"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accounts"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"search"},"value":{"kind":"Variable","name":{"kind":"Name","value":"search"}}}]}},{"kind":"Argument","name":{"kind":"Name","value":"page"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"limit"},"value":{"kind":"IntValue","value":"20"}},{"kind":"ObjectField","name":{"kind":"Name","value":"offset"},"value":{"kind":"IntValue","value":"0"}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}}]}}]}}]} as unknown as DocumentNode<AccountPickerQuery, AccountPickerQueryVariables>;
export const ResetTwoFactorDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ResetTwoFactor"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"resetTwoFactor"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"accountId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TwoFactorResetPending"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"newRequest"}},{"kind":"Field","name":{"kind":"Name","value":"adminsAsked"}},{"kind":"Field","name":{"kind":"Name","value":"request"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"approvableByYou"}},{"kind":"Field","name":{"kind":"Name","value":"requestedByYou"}},{"kind":"Field","name":{"kind":"Name","value":"requestedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ErrorResult"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ResetTwoFactorMutation, ResetTwoFactorMutationVariables>;
export const SetRequiresTwoFactorDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetRequiresTwoFactor"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"required"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setRequiresTwoFactor"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"accountId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}}},{"kind":"Argument","name":{"kind":"Name","value":"required"},"value":{"kind":"Variable","name":{"kind":"Name","value":"required"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requiresTwoFactor"}},{"kind":"Field","name":{"kind":"Name","value":"account"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"requiresTwoFactor"}}]}}]}}]}}]} as unknown as DocumentNode<SetRequiresTwoFactorMutation, SetRequiresTwoFactorMutationVariables>;
export const AccountTwoFactorDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AccountTwoFactor"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accountTwoFactor"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"accountId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"methods"}},{"kind":"Field","name":{"kind":"Name","value":"recoveryCodesRemaining"}},{"kind":"Field","name":{"kind":"Name","value":"flaggedKeys"}},{"kind":"Field","name":{"kind":"Name","value":"required"}},{"kind":"Field","name":{"kind":"Name","value":"locked"}},{"kind":"Field","name":{"kind":"Name","value":"systemEnabled"}},{"kind":"Field","name":{"kind":"Name","value":"resettable"}}]}}]}}]} as unknown as DocumentNode<AccountTwoFactorQuery, AccountTwoFactorQueryVariables>;
export const UnlockSecondFactorDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UnlockSecondFactor"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"unlockSecondFactor"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"accountId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}}}]}]}}]} as unknown as DocumentNode<UnlockSecondFactorMutation, UnlockSecondFactorMutationVariables>;
export const PendingTwoFactorResetsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PendingTwoFactorResets"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pendingTwoFactorResets"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"approvableByYou"}},{"kind":"Field","name":{"kind":"Name","value":"target"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}},{"kind":"Field","name":{"kind":"Name","value":"requestedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}}]}}]}}]} as unknown as DocumentNode<PendingTwoFactorResetsQuery, PendingTwoFactorResetsQueryVariables>;
export const ApproveTwoFactorResetDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ApproveTwoFactorReset"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"requestId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"approveTwoFactorReset"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"requestId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"requestId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TwoFactorResetDone"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"account"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ApproveTwoFactorResetMutation, ApproveTwoFactorResetMutationVariables>;
export const WithdrawTwoFactorResetDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"WithdrawTwoFactorReset"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"requestId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"withdrawTwoFactorReset"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"requestId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"requestId"}}}]}]}}]} as unknown as DocumentNode<WithdrawTwoFactorResetMutation, WithdrawTwoFactorResetMutationVariables>;
export const TwoFactorSettingsPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"TwoFactorSettingsPage"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"twoFactorSettings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"issuer"}},{"kind":"Field","name":{"kind":"Name","value":"allowedMethods"}},{"kind":"Field","name":{"kind":"Name","value":"requiredForStaff"}},{"kind":"Field","name":{"kind":"Name","value":"emailForStaff"}}]}}]}}]} as unknown as DocumentNode<TwoFactorSettingsPageQuery, TwoFactorSettingsPageQueryVariables>;
export const UpdateTwoFactorSettingsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateTwoFactorSettings"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"TwoFactorSettingsInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateTwoFactorSettings"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"issuer"}},{"kind":"Field","name":{"kind":"Name","value":"allowedMethods"}},{"kind":"Field","name":{"kind":"Name","value":"requiredForStaff"}},{"kind":"Field","name":{"kind":"Name","value":"emailForStaff"}}]}}]}}]} as unknown as DocumentNode<UpdateTwoFactorSettingsMutation, UpdateTwoFactorSettingsMutationVariables>;
export const TwoFactorSettingsImpactDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"TwoFactorSettingsImpact"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"TwoFactorSettingsInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"twoFactorSettingsImpact"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accountsNewlyRequired"}},{"kind":"Field","name":{"kind":"Name","value":"staffNewlyRequired"}},{"kind":"Field","name":{"kind":"Name","value":"accountsSignedOut"}},{"kind":"Field","name":{"kind":"Name","value":"sessionsEnded"}},{"kind":"Field","name":{"kind":"Name","value":"staffLeftWithoutUsableFactor"}},{"kind":"Field","name":{"kind":"Name","value":"staffWithoutRecoveryCode"}}]}}]}}]} as unknown as DocumentNode<TwoFactorSettingsImpactQuery, TwoFactorSettingsImpactQueryVariables>;
export const VerifySecondFactorDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"VerifySecondFactor"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SecondFactorInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"verifySecondFactor"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LoginSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"account"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TwoFactorError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"retryAfter"}}]}}]}}]}}]} as unknown as DocumentNode<VerifySecondFactorMutation, VerifySecondFactorMutationVariables>;
export const SendEmailCodeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SendEmailCode"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sendEmailCode"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"EmailCodeSent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sentAt"}},{"kind":"Field","name":{"kind":"Name","value":"nextSendAfter"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TwoFactorError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"retryAfter"}}]}}]}}]}}]} as unknown as DocumentNode<SendEmailCodeMutation, SendEmailCodeMutationVariables>;
export const WebauthnAuthenticationOptionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"WebauthnAuthenticationOptions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"webauthnAuthenticationOptions"}}]}}]} as unknown as DocumentNode<WebauthnAuthenticationOptionsMutation, WebauthnAuthenticationOptionsMutationVariables>;
export const PendingSignInDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PendingSignIn"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pendingSignIn"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"stage"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"methods"}},{"kind":"Field","name":{"kind":"Name","value":"allowedMethods"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}}]}}]}}]} as unknown as DocumentNode<PendingSignInQuery, PendingSignInQueryVariables>;
export const MyTwoFactorDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MyTwoFactor"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"myTwoFactor"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"systemEnabled"}},{"kind":"Field","name":{"kind":"Name","value":"methods"}},{"kind":"Field","name":{"kind":"Name","value":"totpEnabled"}},{"kind":"Field","name":{"kind":"Name","value":"totpConfirmedAt"}},{"kind":"Field","name":{"kind":"Name","value":"emailAddress"}},{"kind":"Field","name":{"kind":"Name","value":"recoveryCodesRemaining"}},{"kind":"Field","name":{"kind":"Name","value":"allowedMethods"}},{"kind":"Field","name":{"kind":"Name","value":"required"}},{"kind":"Field","name":{"kind":"Name","value":"recommendSecondMethod"}},{"kind":"Field","name":{"kind":"Name","value":"locked"}},{"kind":"Field","name":{"kind":"Name","value":"webauthnCredentials"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastUsedAt"}},{"kind":"Field","name":{"kind":"Name","value":"flagged"}},{"kind":"Field","name":{"kind":"Name","value":"backedUp"}}]}}]}}]}}]} as unknown as DocumentNode<MyTwoFactorQuery, MyTwoFactorQueryVariables>;
export const StartTotpEnrollmentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StartTotpEnrollment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"startTotpEnrollment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"otpauthUri"}},{"kind":"Field","name":{"kind":"Name","value":"qrCodeSvg"}},{"kind":"Field","name":{"kind":"Name","value":"secret"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}}]}}]}}]} as unknown as DocumentNode<StartTotpEnrollmentMutation, StartTotpEnrollmentMutationVariables>;
export const ConfirmTotpEnrollmentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConfirmTotpEnrollment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"code"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"confirmTotpEnrollment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"code"},"value":{"kind":"Variable","name":{"kind":"Name","value":"code"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TwoFactorEnabled"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"method"}},{"kind":"Field","name":{"kind":"Name","value":"recoveryCodes"}},{"kind":"Field","name":{"kind":"Name","value":"signedIn"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TwoFactorError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"retryAfter"}}]}}]}}]}}]} as unknown as DocumentNode<ConfirmTotpEnrollmentMutation, ConfirmTotpEnrollmentMutationVariables>;
export const StartEmailEnrollmentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StartEmailEnrollment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"address"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"startEmailEnrollment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"address"},"value":{"kind":"Variable","name":{"kind":"Name","value":"address"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"EmailCodeSent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sentAt"}},{"kind":"Field","name":{"kind":"Name","value":"nextSendAfter"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TwoFactorError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"retryAfter"}}]}}]}}]}}]} as unknown as DocumentNode<StartEmailEnrollmentMutation, StartEmailEnrollmentMutationVariables>;
export const ConfirmEmailEnrollmentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConfirmEmailEnrollment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"code"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"confirmEmailEnrollment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"code"},"value":{"kind":"Variable","name":{"kind":"Name","value":"code"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TwoFactorEnabled"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"method"}},{"kind":"Field","name":{"kind":"Name","value":"recoveryCodes"}},{"kind":"Field","name":{"kind":"Name","value":"signedIn"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TwoFactorError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"retryAfter"}}]}}]}}]}}]} as unknown as DocumentNode<ConfirmEmailEnrollmentMutation, ConfirmEmailEnrollmentMutationVariables>;
export const WebauthnRegistrationOptionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"WebauthnRegistrationOptions"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"webauthnRegistrationOptions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}]}]}}]} as unknown as DocumentNode<WebauthnRegistrationOptionsMutation, WebauthnRegistrationOptionsMutationVariables>;
export const FinishWebauthnRegistrationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"FinishWebauthnRegistration"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"response"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"JSONObject"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"finishWebauthnRegistration"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"response"},"value":{"kind":"Variable","name":{"kind":"Name","value":"response"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TwoFactorEnabled"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"method"}},{"kind":"Field","name":{"kind":"Name","value":"recoveryCodes"}},{"kind":"Field","name":{"kind":"Name","value":"signedIn"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TwoFactorError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"retryAfter"}}]}}]}}]}}]} as unknown as DocumentNode<FinishWebauthnRegistrationMutation, FinishWebauthnRegistrationMutationVariables>;
export const ReauthenticateDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Reauthenticate"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ReauthenticateInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reauthenticate"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ReauthSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"validUntil"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TwoFactorError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"retryAfter"}}]}}]}}]}}]} as unknown as DocumentNode<ReauthenticateMutation, ReauthenticateMutationVariables>;
export const DisableTotpDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DisableTotp"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"disableTotp"}}]}}]} as unknown as DocumentNode<DisableTotpMutation, DisableTotpMutationVariables>;
export const DisableEmailFactorDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DisableEmailFactor"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"disableEmailFactor"}}]}}]} as unknown as DocumentNode<DisableEmailFactorMutation, DisableEmailFactorMutationVariables>;
export const RemoveWebauthnCredentialDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RemoveWebauthnCredential"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"removeWebauthnCredential"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}]}]}}]} as unknown as DocumentNode<RemoveWebauthnCredentialMutation, RemoveWebauthnCredentialMutationVariables>;
export const RenameWebauthnCredentialDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RenameWebauthnCredential"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"renameWebauthnCredential"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<RenameWebauthnCredentialMutation, RenameWebauthnCredentialMutationVariables>;
export const GenerateRecoveryCodesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"GenerateRecoveryCodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"generateRecoveryCodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"codes"}}]}}]}}]} as unknown as DocumentNode<GenerateRecoveryCodesMutation, GenerateRecoveryCodesMutationVariables>;
export const AccessListPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AccessListPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"adminAccessList"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"accountId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"account"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}},{"kind":"Field","name":{"kind":"Name","value":"restricted"}},{"kind":"Field","name":{"kind":"Name","value":"currentIp"}},{"kind":"Field","name":{"kind":"Name","value":"currentIpListed"}},{"kind":"Field","name":{"kind":"Name","value":"entries"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"cidr"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"ipRestrictionPreview"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"accountId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ip"}},{"kind":"Field","name":{"kind":"Name","value":"count"}},{"kind":"Field","name":{"kind":"Name","value":"lastAt"}},{"kind":"Field","name":{"kind":"Name","value":"services"}}]}}]}}]} as unknown as DocumentNode<AccessListPageQuery, AccessListPageQueryVariables>;
export const AddAccessEntriesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AddAccessEntries"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"lines"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"label"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"addAdminAccessEntries"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"lines"},"value":{"kind":"Variable","name":{"kind":"Name","value":"lines"}}},{"kind":"Argument","name":{"kind":"Name","value":"label"},"value":{"kind":"Variable","name":{"kind":"Name","value":"label"}}},{"kind":"Argument","name":{"kind":"Name","value":"accountId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"restricted"}}]}}]}}]} as unknown as DocumentNode<AddAccessEntriesMutation, AddAccessEntriesMutationVariables>;
export const RemoveAccessEntryDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RemoveAccessEntry"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"removeAdminAccessEntry"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"restricted"}}]}}]}}]} as unknown as DocumentNode<RemoveAccessEntryMutation, RemoveAccessEntryMutationVariables>;
export const SetIpRestrictionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetIpRestriction"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"restricted"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setIpRestriction"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"restricted"},"value":{"kind":"Variable","name":{"kind":"Name","value":"restricted"}}},{"kind":"Argument","name":{"kind":"Name","value":"accountId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"restricted"}}]}}]}}]} as unknown as DocumentNode<SetIpRestrictionMutation, SetIpRestrictionMutationVariables>;
export const AccountPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AccountPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"page"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"PageInput"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"account"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"disabledAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastLoginAt"}},{"kind":"Field","name":{"kind":"Name","value":"requiresTwoFactor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"loginEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"accountId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}]}},{"kind":"Argument","name":{"kind":"Name","value":"page"},"value":{"kind":"Variable","name":{"kind":"Name","value":"page"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}},{"kind":"Field","name":{"kind":"Name","value":"ip"}},{"kind":"Field","name":{"kind":"Name","value":"service"}},{"kind":"Field","name":{"kind":"Name","value":"outcome"}},{"kind":"Field","name":{"kind":"Name","value":"city"}},{"kind":"Field","name":{"kind":"Name","value":"region"}},{"kind":"Field","name":{"kind":"Name","value":"countryCode"}},{"kind":"Field","name":{"kind":"Name","value":"namedLocation"}},{"kind":"Field","name":{"kind":"Name","value":"asn"}},{"kind":"Field","name":{"kind":"Name","value":"asnOrg"}},{"kind":"Field","name":{"kind":"Name","value":"networkKind"}}]}}]}}]}}]} as unknown as DocumentNode<AccountPageQuery, AccountPageQueryVariables>;
export const AuditPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AuditPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"AuditFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"page"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"PageInput"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"auditLog"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"page"},"value":{"kind":"Variable","name":{"kind":"Name","value":"page"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}},{"kind":"Field","name":{"kind":"Name","value":"actorEmail"}},{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"targetType"}},{"kind":"Field","name":{"kind":"Name","value":"targetLabel"}},{"kind":"Field","name":{"kind":"Name","value":"ip"}},{"kind":"Field","name":{"kind":"Name","value":"details"}}]}}]}}]}}]} as unknown as DocumentNode<AuditPageQuery, AuditPageQueryVariables>;
export const CheckIpDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CheckIp"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ip"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"checkIp"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ip"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ip"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ip"}},{"kind":"Field","name":{"kind":"Name","value":"sourcePrefix"}},{"kind":"Field","name":{"kind":"Name","value":"recentFailures"}},{"kind":"Field","name":{"kind":"Name","value":"activeBlock"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"cidr"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"note"}},{"kind":"Field","name":{"kind":"Name","value":"strike"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"accountsTried"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"attemptedName"}},{"kind":"Field","name":{"kind":"Name","value":"failures"}},{"kind":"Field","name":{"kind":"Name","value":"lastAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"globalSafe"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"cidr"}}]}},{"kind":"Field","name":{"kind":"Name","value":"trustedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accountId"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"entry"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"cidr"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"location"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"city"}},{"kind":"Field","name":{"kind":"Name","value":"region"}},{"kind":"Field","name":{"kind":"Name","value":"countryCode"}},{"kind":"Field","name":{"kind":"Name","value":"asn"}},{"kind":"Field","name":{"kind":"Name","value":"asnOrg"}},{"kind":"Field","name":{"kind":"Name","value":"networkKind"}},{"kind":"Field","name":{"kind":"Name","value":"namedLocation"}}]}}]}}]}}]} as unknown as DocumentNode<CheckIpQuery, CheckIpQueryVariables>;
export const BlockedIpsPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"BlockedIpsPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"activeOnly"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"reason"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"BlockReason"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"offset"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ipBlocks"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"activeOnly"},"value":{"kind":"Variable","name":{"kind":"Name","value":"activeOnly"}}},{"kind":"Argument","name":{"kind":"Name","value":"reason"},"value":{"kind":"Variable","name":{"kind":"Name","value":"reason"}}},{"kind":"Argument","name":{"kind":"Name","value":"page"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"limit"},"value":{"kind":"IntValue","value":"50"}},{"kind":"ObjectField","name":{"kind":"Name","value":"offset"},"value":{"kind":"Variable","name":{"kind":"Name","value":"offset"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"cidr"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"note"}},{"kind":"Field","name":{"kind":"Name","value":"failures"}},{"kind":"Field","name":{"kind":"Name","value":"strike"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"liftedAt"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"bruteForceSettings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ipThreshold"}},{"kind":"Field","name":{"kind":"Name","value":"accountIpThreshold"}},{"kind":"Field","name":{"kind":"Name","value":"windowSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"blockSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"maxBlockSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"escalationFactor"}}]}}]}}]} as unknown as DocumentNode<BlockedIpsPageQuery, BlockedIpsPageQueryVariables>;
export const UnblockIpDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UnblockIp"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ip"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"unblockIp"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ip"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ip"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"liftedAt"}}]}}]}}]} as unknown as DocumentNode<UnblockIpMutation, UnblockIpMutationVariables>;
export const BlockIpDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"BlockIp"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"BlockIpInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"blockIp"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"IpBlock"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"cidr"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ErrorResult"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<BlockIpMutation, BlockIpMutationVariables>;
export const HomePageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"HomePage"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}},{"kind":"Field","name":{"kind":"Name","value":"myTwoFactor"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"allowedMethods"}},{"kind":"Field","name":{"kind":"Name","value":"recommendSecondMethod"}},{"kind":"Field","name":{"kind":"Name","value":"recoveryCodesRemaining"}},{"kind":"Field","name":{"kind":"Name","value":"required"}},{"kind":"Field","name":{"kind":"Name","value":"totpEnabled"}},{"kind":"Field","name":{"kind":"Name","value":"emailAddress"}},{"kind":"Field","name":{"kind":"Name","value":"webauthnCredentials"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]} as unknown as DocumentNode<HomePageQuery, HomePageQueryVariables>;
export const RespondToIncidentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RespondToIncident"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"token"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"respondToIncident"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"token"},"value":{"kind":"Variable","name":{"kind":"Name","value":"token"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"answer"}}]}}]}}]} as unknown as DocumentNode<RespondToIncidentMutation, RespondToIncidentMutationVariables>;
export const SendPasswordResetLinkDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SendPasswordResetLink"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sendPasswordResetLink"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"accountId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}}}]}]}}]} as unknown as DocumentNode<SendPasswordResetLinkMutation, SendPasswordResetLinkMutationVariables>;
export const IncidentPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"IncidentPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"securityIncident"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"IncidentDetail"}},{"kind":"Field","name":{"kind":"Name","value":"logins"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}},{"kind":"Field","name":{"kind":"Name","value":"ip"}},{"kind":"Field","name":{"kind":"Name","value":"countryCode"}},{"kind":"Field","name":{"kind":"Name","value":"region"}},{"kind":"Field","name":{"kind":"Name","value":"city"}},{"kind":"Field","name":{"kind":"Name","value":"latitude"}},{"kind":"Field","name":{"kind":"Name","value":"longitude"}},{"kind":"Field","name":{"kind":"Name","value":"asn"}},{"kind":"Field","name":{"kind":"Name","value":"asnOrg"}},{"kind":"Field","name":{"kind":"Name","value":"networkKind"}},{"kind":"Field","name":{"kind":"Name","value":"namedLocation"}},{"kind":"Field","name":{"kind":"Name","value":"service"}},{"kind":"Field","name":{"kind":"Name","value":"userAgent"}},{"kind":"Field","name":{"kind":"Name","value":"outcome"}}]}},{"kind":"Field","name":{"kind":"Name","value":"legs"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fromLoginId"}},{"kind":"Field","name":{"kind":"Name","value":"toLoginId"}},{"kind":"Field","name":{"kind":"Name","value":"distanceKm"}},{"kind":"Field","name":{"kind":"Name","value":"hours"}},{"kind":"Field","name":{"kind":"Name","value":"speedKmh"}},{"kind":"Field","name":{"kind":"Name","value":"impossible"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"IncidentDetail"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SecurityIncident"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"severity"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"impossibleTravel"}},{"kind":"Field","name":{"kind":"Name","value":"evidence"}},{"kind":"Field","name":{"kind":"Name","value":"loginCount"}},{"kind":"Field","name":{"kind":"Name","value":"openedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"resolvedAt"}},{"kind":"Field","name":{"kind":"Name","value":"resolution"}},{"kind":"Field","name":{"kind":"Name","value":"resolutionNote"}},{"kind":"Field","name":{"kind":"Name","value":"holderResponse"}},{"kind":"Field","name":{"kind":"Name","value":"holderRespondedAt"}},{"kind":"Field","name":{"kind":"Name","value":"account"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"passwordResetRequired"}},{"kind":"Field","name":{"kind":"Name","value":"disabledAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"resolvedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}}]}}]} as unknown as DocumentNode<IncidentPageQuery, IncidentPageQueryVariables>;
export const IncidentsPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"IncidentsPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"IncidentFilterInput"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"page"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"PageInput"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"securityIncidents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"page"},"value":{"kind":"Variable","name":{"kind":"Name","value":"page"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"severity"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"impossibleTravel"}},{"kind":"Field","name":{"kind":"Name","value":"loginCount"}},{"kind":"Field","name":{"kind":"Name","value":"openedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"resolution"}},{"kind":"Field","name":{"kind":"Name","value":"holderResponse"}},{"kind":"Field","name":{"kind":"Name","value":"account"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}}]}}]}}]}}]} as unknown as DocumentNode<IncidentsPageQuery, IncidentsPageQueryVariables>;
export const LoginPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"LoginPage"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setupStatus"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"needsSetup"}}]}},{"kind":"Field","name":{"kind":"Name","value":"pendingSignIn"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"stage"}},{"kind":"Field","name":{"kind":"Name","value":"methods"}}]}}]}}]} as unknown as DocumentNode<LoginPageQuery, LoginPageQueryVariables>;
export const MyLoginsPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MyLoginsPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"page"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"PageInput"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"myLoginEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"page"},"value":{"kind":"Variable","name":{"kind":"Name","value":"page"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}},{"kind":"Field","name":{"kind":"Name","value":"ip"}},{"kind":"Field","name":{"kind":"Name","value":"service"}},{"kind":"Field","name":{"kind":"Name","value":"outcome"}},{"kind":"Field","name":{"kind":"Name","value":"userAgent"}},{"kind":"Field","name":{"kind":"Name","value":"city"}},{"kind":"Field","name":{"kind":"Name","value":"region"}},{"kind":"Field","name":{"kind":"Name","value":"countryCode"}},{"kind":"Field","name":{"kind":"Name","value":"namedLocation"}},{"kind":"Field","name":{"kind":"Name","value":"asn"}},{"kind":"Field","name":{"kind":"Name","value":"asnOrg"}},{"kind":"Field","name":{"kind":"Name","value":"networkKind"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"myTrustedIps"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"cidr"}},{"kind":"Field","name":{"kind":"Name","value":"note"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}}]}}]}}]} as unknown as DocumentNode<MyLoginsPageQuery, MyLoginsPageQueryVariables>;
export const NamedLocationsPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"NamedLocationsPage"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"namedLocations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"cidr"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"countryCode"}},{"kind":"Field","name":{"kind":"Name","value":"region"}},{"kind":"Field","name":{"kind":"Name","value":"city"}},{"kind":"Field","name":{"kind":"Name","value":"latitude"}},{"kind":"Field","name":{"kind":"Name","value":"longitude"}},{"kind":"Field","name":{"kind":"Name","value":"asn"}},{"kind":"Field","name":{"kind":"Name","value":"asnOrg"}},{"kind":"Field","name":{"kind":"Name","value":"networkKind"}},{"kind":"Field","name":{"kind":"Name","value":"trusted"}}]}}]}}]} as unknown as DocumentNode<NamedLocationsPageQuery, NamedLocationsPageQueryVariables>;
export const CreateNamedLocationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateNamedLocation"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"NamedLocationInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createNamedLocation"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"NamedLocation"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ErrorResult"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<CreateNamedLocationMutation, CreateNamedLocationMutationVariables>;
export const AsnKindsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AsnKinds"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"asnNetworkKinds"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"asn"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}}]}}]}}]} as unknown as DocumentNode<AsnKindsQuery, AsnKindsQueryVariables>;
export const SetAsnKindDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetAsnKind"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"asn"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"kind"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"NetworkKind"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setAsnNetworkKind"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asn"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asn"}}},{"kind":"Argument","name":{"kind":"Name","value":"kind"},"value":{"kind":"Variable","name":{"kind":"Name","value":"kind"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"asn"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}}]}}]}}]} as unknown as DocumentNode<SetAsnKindMutation, SetAsnKindMutationVariables>;
export const DeleteNamedLocationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteNamedLocation"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteNamedLocation"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}]}]}}]} as unknown as DocumentNode<DeleteNamedLocationMutation, DeleteNamedLocationMutationVariables>;
export const OutboxPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"OutboxPage"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"devOutbox"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"messages"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"file"}},{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"subject"}},{"kind":"Field","name":{"kind":"Name","value":"date"}},{"kind":"Field","name":{"kind":"Name","value":"text"}}]}}]}}]}}]} as unknown as DocumentNode<OutboxPageQuery, OutboxPageQueryVariables>;
export const ProtectionSettingsPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ProtectionSettingsPage"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"bruteForceSettings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ipThreshold"}},{"kind":"Field","name":{"kind":"Name","value":"accountIpThreshold"}},{"kind":"Field","name":{"kind":"Name","value":"windowSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"blockSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"maxBlockSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"escalationFactor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"incidentSettings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"windowSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"distanceKm"}},{"kind":"Field","name":{"kind":"Name","value":"maxSpeedKmh"}},{"kind":"Field","name":{"kind":"Name","value":"failuresBeforeSuccess"}}]}}]}}]} as unknown as DocumentNode<ProtectionSettingsPageQuery, ProtectionSettingsPageQueryVariables>;
export const UpdateBruteForceSettingsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateBruteForceSettings"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"BruteForceSettingsInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateBruteForceSettings"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ipThreshold"}},{"kind":"Field","name":{"kind":"Name","value":"accountIpThreshold"}},{"kind":"Field","name":{"kind":"Name","value":"windowSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"blockSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"maxBlockSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"escalationFactor"}}]}}]}}]} as unknown as DocumentNode<UpdateBruteForceSettingsMutation, UpdateBruteForceSettingsMutationVariables>;
export const UpdateIncidentSettingsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateIncidentSettings"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"IncidentSettingsInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateIncidentSettings"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"windowSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"distanceKm"}},{"kind":"Field","name":{"kind":"Name","value":"maxSpeedKmh"}},{"kind":"Field","name":{"kind":"Name","value":"failuresBeforeSuccess"}}]}}]}}]} as unknown as DocumentNode<UpdateIncidentSettingsMutation, UpdateIncidentSettingsMutationVariables>;
export const ResetPasswordDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ResetPassword"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"token"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"newPassword"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"resetPassword"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"token"},"value":{"kind":"Variable","name":{"kind":"Name","value":"token"}}},{"kind":"Argument","name":{"kind":"Name","value":"newPassword"},"value":{"kind":"Variable","name":{"kind":"Name","value":"newPassword"}}}]}]}}]} as unknown as DocumentNode<ResetPasswordMutation, ResetPasswordMutationVariables>;
export const SessionsPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SessionsPage"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"mySessions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"SessionRow"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SessionRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SessionInfo"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastSeenAt"}},{"kind":"Field","name":{"kind":"Name","value":"ip"}},{"kind":"Field","name":{"kind":"Name","value":"userAgent"}},{"kind":"Field","name":{"kind":"Name","value":"current"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}}]}}]} as unknown as DocumentNode<SessionsPageQuery, SessionsPageQueryVariables>;
export const SetupPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SetupPage"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setupStatus"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"needsSetup"}}]}}]}}]} as unknown as DocumentNode<SetupPageQuery, SetupPageQueryVariables>;
export const SubAdminsPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SubAdminsPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"offset"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accounts"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"role"},"value":{"kind":"EnumValue","value":"SUB_ADMIN"}}]}},{"kind":"Argument","name":{"kind":"Name","value":"page"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"limit"},"value":{"kind":"IntValue","value":"50"}},{"kind":"ObjectField","name":{"kind":"Name","value":"offset"},"value":{"kind":"Variable","name":{"kind":"Name","value":"offset"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"permissions"}},{"kind":"Field","name":{"kind":"Name","value":"apiOnly"}},{"kind":"Field","name":{"kind":"Name","value":"ipRestricted"}},{"kind":"Field","name":{"kind":"Name","value":"disabledAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastLoginAt"}}]}}]}}]}}]} as unknown as DocumentNode<SubAdminsPageQuery, SubAdminsPageQueryVariables>;
export const SetSubAdminPermissionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetSubAdminPermissions"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"permissions"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Permission"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setPermissions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"permissions"},"value":{"kind":"Variable","name":{"kind":"Name","value":"permissions"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"permissions"}}]}}]}}]} as unknown as DocumentNode<SetSubAdminPermissionsMutation, SetSubAdminPermissionsMutationVariables>;
export const DeleteSubAdminDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteSubAdmin"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteAccount"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}]}]}}]} as unknown as DocumentNode<DeleteSubAdminMutation, DeleteSubAdminMutationVariables>;
export const ApiTokensDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ApiTokens"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"apiTokens"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"accountId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"prefix"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdByEmail"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastUsedAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastUsedIp"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}}]}}]}}]} as unknown as DocumentNode<ApiTokensQuery, ApiTokensQueryVariables>;
export const CreateApiTokenDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateApiToken"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateApiTokenInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createApiToken"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"token"}},{"kind":"Field","name":{"kind":"Name","value":"apiToken"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<CreateApiTokenMutation, CreateApiTokenMutationVariables>;
export const RevokeApiTokenDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RevokeApiToken"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revokeApiToken"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}}]}}]}}]} as unknown as DocumentNode<RevokeApiTokenMutation, RevokeApiTokenMutationVariables>;
export const TrustedIpsPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"TrustedIpsPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"globalOnly"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"offset"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"trustedIps"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"globalOnly"},"value":{"kind":"Variable","name":{"kind":"Name","value":"globalOnly"}}},{"kind":"Argument","name":{"kind":"Name","value":"page"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"limit"},"value":{"kind":"IntValue","value":"50"}},{"kind":"ObjectField","name":{"kind":"Name","value":"offset"},"value":{"kind":"Variable","name":{"kind":"Name","value":"offset"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"cidr"}},{"kind":"Field","name":{"kind":"Name","value":"note"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"account"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}}]}}]}}]}}]} as unknown as DocumentNode<TrustedIpsPageQuery, TrustedIpsPageQueryVariables>;
export const RemoveTrustedIpDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RemoveTrustedIp"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"removeTrustedIp"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}]}]}}]} as unknown as DocumentNode<RemoveTrustedIpMutation, RemoveTrustedIpMutationVariables>;
export const TwoFactorCompliancePageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"TwoFactorCompliancePage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"without"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"page"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"PageInput"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"twoFactorCompliance"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"withoutTwoFactor"},"value":{"kind":"Variable","name":{"kind":"Name","value":"without"}}},{"kind":"Argument","name":{"kind":"Name","value":"page"},"value":{"kind":"Variable","name":{"kind":"Name","value":"page"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"matching"}},{"kind":"Field","name":{"kind":"Name","value":"withTwoFactor"}},{"kind":"Field","name":{"kind":"Name","value":"withoutTwoFactor"}},{"kind":"Field","name":{"kind":"Name","value":"requiredButMissing"}},{"kind":"Field","name":{"kind":"Name","value":"onlyUnusableMethods"}},{"kind":"Field","name":{"kind":"Name","value":"cannotSignIn"}},{"kind":"Field","name":{"kind":"Name","value":"rows"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"enabled"}},{"kind":"Field","name":{"kind":"Name","value":"methods"}},{"kind":"Field","name":{"kind":"Name","value":"unusableMethods"}},{"kind":"Field","name":{"kind":"Name","value":"recoveryCodesLeft"}},{"kind":"Field","name":{"kind":"Name","value":"required"}},{"kind":"Field","name":{"kind":"Name","value":"lastLoginAt"}},{"kind":"Field","name":{"kind":"Name","value":"account"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"disabledAt"}}]}}]}}]}}]}}]} as unknown as DocumentNode<TwoFactorCompliancePageQuery, TwoFactorCompliancePageQueryVariables>;
export const UsersPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UsersPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"AccountFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"page"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"PageInput"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accounts"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"page"},"value":{"kind":"Variable","name":{"kind":"Name","value":"page"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"AccountRow"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"AccountRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Account"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"disabledAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastLoginAt"}}]}}]} as unknown as DocumentNode<UsersPageQuery, UsersPageQueryVariables>;