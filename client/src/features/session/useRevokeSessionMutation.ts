import { useApolloClient, useMutation } from '@apollo/client/react';
import { useCallback } from 'react';
import { graphql } from '../../__generated__';
import { markSignedOut } from './viewer';

const RevokeSessionDocument = graphql(`
  mutation RevokeSession($id: ID!) {
    revokeSession(id: $id)
  }
`);

/**
 * Revokes one of the viewer's sessions and drops it from the cache (lists skip the dangling
 * reference). Revoking the current session signs this browser out.
 */
export function useRevokeSessionMutation() {
  const [mutate, state] = useMutation(RevokeSessionDocument);
  const client = useApolloClient();
  const revoke = useCallback(
    async (session: { id: string; current: boolean }) => {
      await mutate({
        variables: { id: session.id },
        update(cache, { data }) {
          if (!data?.revokeSession) return;
          cache.evict({ id: cache.identify({ __typename: 'SessionInfo', id: session.id }) });
          cache.gc();
        },
      });
      if (session.current) await markSignedOut(client);
    },
    [client, mutate],
  );
  return [revoke, state] as const;
}
