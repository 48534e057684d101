import { useApolloClient, useMutation } from '@apollo/client/react';
import { useCallback } from 'react';
import { graphql } from '../../__generated__';
import { markSignedOut } from './viewer';

const LogoutDocument = graphql(`
  mutation Logout {
    logout
  }
`);

/** Ends the session on the server, then forgets the account locally (the guards then show /login). */
export function useLogoutMutation() {
  const [mutate, state] = useMutation(LogoutDocument);
  const client = useApolloClient();
  const logout = useCallback(async () => {
    await mutate();
    await markSignedOut(client);
  }, [client, mutate]);
  return [logout, state] as const;
}
