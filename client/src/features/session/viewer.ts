import type { ApolloClient } from '@apollo/client';
import { createContext, use } from 'react';
import { graphql } from '../../__generated__';
import type { ViewerQuery } from '../../__generated__/graphql';
import { announceSessionChange } from './sessionChannel';
import { setSignInStartedHere } from './signInStartedHere';

/** Who is signed in. Read by the route guards and the app shell; `me` is null when signed out. */
export const ViewerDocument = graphql(`
  query Viewer {
    me {
      id
      name
      email
      role
      permissions
    }
  }
`);

export type Viewer = NonNullable<ViewerQuery['me']>;

/** Provided by RequireAuth to everything under it, so signed-in pages never see a null viewer. */
export const ViewerContext = createContext<Viewer | null>(null);

export function useViewer(): Viewer {
  const viewer = use(ViewerContext);
  if (!viewer) throw new Error('useViewer() used outside a signed-in route');
  return viewer;
}

/** The Users page needs MANAGE_USERS (admins hold every permission). */
export function canManageUsers(viewer: Viewer): boolean {
  return viewer.role === 'ADMIN' || (viewer.role === 'SUB_ADMIN' && viewer.permissions.includes('MANAGE_USERS'));
}

/** Who may manage an account of this role (the server's `mayManageRole`): admins an admin, sub-admins MANAGE_SUB_ADMINS, users MANAGE_USERS. */
export function mayManageRole(viewer: Viewer, role: string): boolean {
  if (viewer.role === 'ADMIN') return true;
  if (viewer.role !== 'SUB_ADMIN' || role === 'ADMIN') return false;
  return viewer.permissions.includes(role === 'SUB_ADMIN' ? 'MANAGE_SUB_ADMINS' : 'MANAGE_USERS');
}

/** Whether the viewer may hand a permission on: an admin any, a sub-admin only one it holds (the server's rule). */
export function mayGrant(viewer: Viewer, permission: Viewer['permissions'][number]): boolean {
  return viewer.role === 'ADMIN' || viewer.permissions.includes(permission);
}

/** Blocked and safe IPs need MANAGE_IPS. */
export function canManageIps(viewer: Viewer): boolean {
  return viewer.role === 'ADMIN' || (viewer.role === 'SUB_ADMIN' && viewer.permissions.includes('MANAGE_IPS'));
}

/**
 * Whether the viewer may see and change another account's own data (its trusted IPs, its sign-ins)
 * beyond users': an admin's only as an admin, a sub-admin's with MANAGE_SUB_ADMINS (the server's rule,
 * `visibleAccountRows`). Users' data goes with the page's own permission.
 */
export function seesAccountData(viewer: Viewer, account: { id: string; role: string }): boolean {
  if (viewer.role === 'ADMIN') return true;
  if (account.role === 'USER') return true;
  return account.role === 'SUB_ADMIN' && viewer.permissions.includes('MANAGE_SUB_ADMINS');
}

/** Security incidents: READ_INCIDENTS to see them and receive live events. */
export function canReadIncidents(viewer: Viewer): boolean {
  return viewer.role === 'ADMIN' || (viewer.role === 'SUB_ADMIN' && viewer.permissions.includes('READ_INCIDENTS'));
}

/** Acting on incidents needs RESOLVE_INCIDENTS. */
export function canResolveIncidents(viewer: Viewer): boolean {
  return viewer.role === 'ADMIN' || (viewer.role === 'SUB_ADMIN' && viewer.permissions.includes('RESOLVE_INCIDENTS'));
}

/** System settings need MANAGE_SETTINGS. */
export function canManageSettings(viewer: Viewer): boolean {
  return viewer.role === 'ADMIN' || (viewer.role === 'SUB_ADMIN' && viewer.permissions.includes('MANAGE_SETTINGS'));
}

/** The audit log needs READ_AUDIT_LOG. */
export function canReadAudit(viewer: Viewer): boolean {
  return viewer.role === 'ADMIN' || (viewer.role === 'SUB_ADMIN' && viewer.permissions.includes('READ_AUDIT_LOG'));
}

const signingOut = new WeakMap<ApolloClient, Promise<void>>();

/**
 * Forgets everything cached for the account that is no longer signed in, then asks the server who
 * is signed in now (nobody), which sends the route guards to /login. `clearStore` detaches every
 * query from the cache, so only a refetch — not a cache write — reaches the guards. Used after
 * logout, after revoking the current session and when the server answers UNAUTHENTICATED; calls
 * that overlap share one run.
 */
export function markSignedOut(client: ApolloClient, { announce = true }: { announce?: boolean } = {}): Promise<void> {
  setSignInStartedHere(false);
  // The browser's other tabs share the (now dead) cookie: they check and follow.
  if (announce) announceSessionChange();
  let running = signingOut.get(client);
  if (!running) {
    running = (async () => {
      await client.clearStore();
      await client.refetchQueries({ include: [ViewerDocument] });
    })().finally(() => signingOut.delete(client));
    signingOut.set(client, running);
  }
  return running;
}
