import type { Permission, Role } from '../../__generated__/graphql';
import type { Viewer } from '../session/viewer';

export const ROLE_LABELS: Record<Role, string> = {
  ADMIN: 'Admin',
  SUB_ADMIN: 'Sub-admin',
  USER: 'User',
};

export const ROLE_COLORS: Record<Role, string> = {
  ADMIN: 'grape',
  SUB_ADMIN: 'blue',
  USER: 'gray',
};

/** Labels and one-line explanations of sub-admin permissions, in the order the form lists them. */
export const PERMISSION_LABELS: Record<Permission, { label: string; description: string }> = {
  MANAGE_USERS: { label: 'Manage users', description: 'List, create and disable users; see their login history and 2FA status.' },
  MANAGE_SUB_ADMINS: { label: 'Manage sub-admins', description: 'Create and edit sub-admins, their permissions and API tokens.' },
  READ_INCIDENTS: {
    label: 'Read incidents',
    description:
      'See users’ security incidents (sub-admins’ too with Manage sub-admins; never admins’) and receive their live events and e-mails.',
  },
  RESOLVE_INCIDENTS: {
    label: 'Resolve incidents',
    description: 'Mark IPs as safe, dismiss incidents, treat accounts as compromised.',
  },
  MANAGE_IPS: { label: 'Manage IPs', description: 'Check, block and unblock IPs; manage safe and trusted IPs.' },
  MANAGE_SETTINGS: { label: 'Manage settings', description: 'Change system-wide settings.' },
  READ_AUDIT_LOG: { label: 'Read audit log', description: 'Read and export the audit log.' },
  REPORT_LOGINS: { label: 'Report logins (API)', description: 'Report logins through the integrator API and ask for decisions.' },
};

export const ALL_PERMISSIONS = Object.keys(PERMISSION_LABELS) as Permission[];

/** Roles the viewer may create, mirroring the server's rule (the server still decides). */
export function creatableRoles(viewer: Viewer): Role[] {
  if (viewer.role === 'ADMIN') return ['USER', 'SUB_ADMIN', 'ADMIN'];
  if (viewer.role !== 'SUB_ADMIN') return [];
  const roles: Role[] = [];
  if (viewer.permissions.includes('MANAGE_USERS')) roles.push('USER');
  if (viewer.permissions.includes('MANAGE_SUB_ADMINS')) roles.push('SUB_ADMIN');
  return roles;
}
