import { useApolloClient, useMutation } from '@apollo/client/react';
import { useCallback } from 'react';
import { graphql } from '../../__generated__';
import type { LoginInput, LoginMutation } from '../../__generated__/graphql';
import { announceSessionChange } from './sessionChannel';

const LoginDocument = graphql(`
  mutation Login($input: LoginInput!) {
    login(input: $input) {
      __typename
      ... on LoginSuccess {
        account {
          id
        }
      }
      ... on SecondFactorRequired {
        methods
        expiresAt
      }
      ... on TwoFactorEnrollmentRequired {
        allowedMethods
        expiresAt
      }
      ... on IpBlockedError {
        until
      }
      ... on ErrorResult {
        code
      }
    }
  }
`);

export type LoginResult = LoginMutation['login'];

/**
 * Signs in. On success the whole store is reset — nothing cached while signed out (or as someone
 * else) survives — and active queries, `me` among them, are fetched again as the new account.
 */
export function useLoginMutation() {
  const [mutate, state] = useMutation(LoginDocument);
  const client = useApolloClient();
  const login = useCallback(
    async (input: LoginInput): Promise<LoginResult> => {
      const { data } = await mutate({ variables: { input } });
      if (!data) throw new Error('login returned no data');
      if (data.login.__typename === 'LoginSuccess') {
        announceSessionChange();
        await client.resetStore();
      }
      return data.login;
    },
    [client, mutate],
  );
  return [login, state] as const;
}
