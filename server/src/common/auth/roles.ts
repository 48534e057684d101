import { registerEnumType } from 'type-graphql';

export enum Role {
  ADMIN = 'ADMIN',
  SUB_ADMIN = 'SUB_ADMIN',
  USER = 'USER',
}

/**
 * What a sub-admin may do. Admins hold every permission implicitly; users hold none and see only
 * their own data.
 */
export enum Permission {
  READ_INCIDENTS = 'READ_INCIDENTS',
  RESOLVE_INCIDENTS = 'RESOLVE_INCIDENTS',
  MANAGE_IPS = 'MANAGE_IPS',
  MANAGE_USERS = 'MANAGE_USERS',
  MANAGE_SUB_ADMINS = 'MANAGE_SUB_ADMINS',
  MANAGE_SETTINGS = 'MANAGE_SETTINGS',
  READ_AUDIT_LOG = 'READ_AUDIT_LOG',
  REPORT_LOGINS = 'REPORT_LOGINS',
}

/**
 * Rules about how far a browser session has got, for `@Authorized(...)`. Without one, a FULL session
 * (or an API token) is required. Only a session can satisfy them, never an API token.
 */
export enum StageRule {
  /** Only a session that passed the password and still owes the second step. */
  SECOND_STEP = 'STAGE:SECOND_STEP',
  /** A full session, or one that a 2FA policy holds until a method is set up. */
  ENROLL = 'STAGE:ENROLL',
  /** A full session, or one that owes the second step (e-mail codes and security-key challenges serve both). */
  SECOND_STEP_OR_FULL = 'STAGE:SECOND_STEP_OR_FULL',
  /** A full browser session (not an API token): re-authentication and your own 2FA. */
  SESSION = 'STAGE:SESSION',
}

registerEnumType(Role, {
  name: 'Role',
  description: 'What kind of account this is.',
  valuesConfig: {
    ADMIN: { description: 'Owner: every permission, can never be locked out without a documented way back.' },
    SUB_ADMIN: { description: 'Staff or integration account with an explicit set of permissions.' },
    USER: { description: 'End user (mailbox owner, customer): manages only their own security.' },
  },
});

registerEnumType(Permission, {
  name: 'Permission',
  description: 'A right a sub-admin can be given. Admins have all of them.',
  valuesConfig: {
    READ_INCIDENTS: {
      description:
        'See users’ security incidents (sub-admins’ too with MANAGE_SUB_ADMINS; never admins’) and receive their live events and e-mails.',
    },
    RESOLVE_INCIDENTS: {
      description:
        'Act on incidents: mark their addresses safe, dismiss, treat as compromised; e-mail a user a new password reset link while a forced reset is pending. A staff account’s incident also needs the right to manage that account (a sub-admin’s MANAGE_SUB_ADMINS, an admin’s an admin), and a sub-admin never settles its own.',
    },
    MANAGE_IPS: {
      description:
        'Check, block and unblock IPs; manage trusted IPs and named locations (a staff account’s trusted IPs also need the right to manage it, the global safe list MANAGE_SETTINGS); read the login history (staff sign-ins only of staff one may manage); look enabled users up by a search of at least 3 characters (to trust an IP for one of them).',
    },
    MANAGE_USERS: { description: 'List, create, disable users; see their login history and 2FA status.' },
    MANAGE_SUB_ADMINS: { description: 'Create and edit sub-admins and their permissions and API tokens.' },
    MANAGE_SETTINGS: { description: 'Change system-wide settings.' },
    READ_AUDIT_LOG: { description: 'Read and export the audit log.' },
    REPORT_LOGINS: {
      description:
        'Integrators: report logins (reportLogin, reportLogins), ask for decisions (loginDecision) and an address’s status (ipStatus), and set or clear a user’s “requires 2FA” mark (setRequiresTwoFactor).',
    },
  },
});
