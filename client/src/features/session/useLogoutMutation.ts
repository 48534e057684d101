import { useApolloClient, useMutation } from '@apollo/client/react';
import { useCallback } from 'react';
import { graphql } from '../../__generated__';
import { setSignInStartedHere } from './signInStartedHere';
import { markSignedOut } from './viewer';

const LogoutDocument = graphql(`
  mutation Logout {
    logout
  }
`);

/**
 * Ends the session on the server, then forgets the account locally (the guards then show /login).
 * Rejects when the server was not reached: a waiting sign-in may then still be alive there, and this
 * page load no longer counts as the one that started it, so the sign-in page ends it when it next
 * finds it (a reload, or the next visit) and nobody can finish it here meanwhile.
 */
export function useLogoutMutation() {
  const [mutate, state] = useMutation(LogoutDocument);
  const client = useApolloClient();
  const logout = useCallback(async () => {
    try {
      await mutate();
    } catch (error) {
      setSignInStartedHere(false);
      throw error;
    }
    await markSignedOut(client);
  }, [client, mutate]);
  return [logout, state] as const;
}
