import type { ApolloClient } from '@apollo/client';
import { createContext, use } from 'react';
import { graphql } from '../../__generated__';
import type { ViewerQuery } from '../../__generated__/graphql';

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

/**
 * Forgets everything cached for the previous account and records "signed out", which sends the
 * route guards to /login. Used after logout, after revoking the current session and when the
 * server answers UNAUTHENTICATED.
 */
export async function markSignedOut(client: ApolloClient): Promise<void> {
  await client.clearStore();
  client.writeQuery({ query: ViewerDocument, data: { me: null } });
}
