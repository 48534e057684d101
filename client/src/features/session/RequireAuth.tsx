import { useQuery } from '@apollo/client/react';
import { Center, Container } from '@mantine/core';
import { Navigate, Outlet, useLocation } from 'react-router';
import { PageLoader } from '../../components/PageLoader';
import { QueryError } from '../../components/QueryError';
import { ViewerContext, ViewerDocument } from './viewer';

/** Signed-in routes: signed-out visitors go to /login, which brings them back here afterwards. */
export function RequireAuth() {
  const { data, error, refetch } = useQuery(ViewerDocument);
  const location = useLocation();
  if (!data) {
    if (error) {
      return (
        <Center mih="100dvh" p="md">
          <Container size="xs" w="100%">
            <QueryError error={error} onRetry={refetch} title="Could not reach the Security Center" />
          </Container>
        </Center>
      );
    }
    return <PageLoader fullHeight />;
  }
  if (!data.me) return <Navigate to="/login" replace state={{ from: location }} />;
  return (
    <ViewerContext value={data.me}>
      <Outlet />
    </ViewerContext>
  );
}
