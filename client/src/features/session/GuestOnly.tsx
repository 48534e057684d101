import { useQuery } from '@apollo/client/react';
import { Navigate, Outlet, useLocation } from 'react-router';
import { PageLoader } from '../../components/PageLoader';
import { ViewerDocument } from './viewer';

/** Where a sign-in should lead: the protected page that sent the visitor here, else Home. */
export function returnPath(state: unknown): string {
  const from = (state as { from?: { pathname?: unknown; search?: unknown; hash?: unknown } } | null)?.from;
  if (typeof from?.pathname !== 'string' || !from.pathname.startsWith('/') || from.pathname === '/login') return '/';
  const search = typeof from.search === 'string' ? from.search : '';
  const hash = typeof from.hash === 'string' ? from.hash : '';
  return `${from.pathname}${search}${hash}`;
}

/** Sign-in page: a visitor who is signed in already goes on to Home (or where they came from). */
export function GuestOnly() {
  const { data, loading } = useQuery(ViewerDocument);
  const location = useLocation();
  if (data?.me) return <Navigate to={returnPath(location.state)} replace />;
  // On a network error the sign-in form still shows: it reports the failure itself.
  if (!data && loading) return <PageLoader fullHeight />;
  return <Outlet />;
}
