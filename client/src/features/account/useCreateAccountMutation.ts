import { useMutation } from '@apollo/client/react';
import { useCallback } from 'react';
import { graphql } from '../../__generated__';
import type { CreateAccountInput, CreateAccountMutation } from '../../__generated__/graphql';

const CreateAccountDocument = graphql(`
  mutation CreateAccount($input: CreateAccountInput!) {
    createAccount(input: $input) {
      __typename
      ... on AccountCreated {
        account {
          id
          ...AccountRow
        }
      }
      ... on ErrorResult {
        code
      }
    }
  }
`);

export type CreateAccountResult = CreateAccountMutation['createAccount'];

/**
 * Creates an account. Every cached page of the account list is dropped on success, so the lists
 * on screen fetch again with the new account where filter and order put it.
 */
export function useCreateAccountMutation() {
  const [mutate, state] = useMutation(CreateAccountDocument);
  const create = useCallback(
    async (input: CreateAccountInput): Promise<CreateAccountResult> => {
      const { data } = await mutate({
        variables: { input },
        update(cache, { data: result }) {
          if (result?.createAccount.__typename !== 'AccountCreated') return;
          cache.evict({ id: 'ROOT_QUERY', fieldName: 'accounts' });
          cache.gc();
        },
      });
      if (!data) throw new Error('createAccount returned no data');
      return data.createAccount;
    },
    [mutate],
  );
  return [create, state] as const;
}
