import { useMutation } from '@apollo/client/react';
import { useCallback } from 'react';
import { graphql } from '../../__generated__';
import type { SetupFirstAdminInput, SetupFirstAdminMutation } from '../../__generated__/graphql';

const SetupFirstAdminDocument = graphql(`
  mutation SetupFirstAdmin($input: SetupFirstAdminInput!) {
    setupFirstAdmin(input: $input) {
      __typename
      ... on SetupSuccess {
        account {
          id
          email
        }
      }
      ... on ErrorResult {
        code
      }
    }
  }
`);

export type SetupFirstAdminResult = SetupFirstAdminMutation['setupFirstAdmin'];

/** Creates the first admin; on success the cached setup status says setup is closed. */
export function useSetupFirstAdminMutation() {
  const [mutate, state] = useMutation(SetupFirstAdminDocument);
  const setup = useCallback(
    async (input: SetupFirstAdminInput): Promise<SetupFirstAdminResult> => {
      const { data } = await mutate({
        variables: { input },
        update(cache, { data: result }) {
          if (result?.setupFirstAdmin.__typename !== 'SetupSuccess') return;
          cache.modify({
            id: cache.identify({ __typename: 'SetupStatus' }),
            fields: { needsSetup: () => false },
          });
        },
      });
      if (!data) throw new Error('setupFirstAdmin returned no data');
      return data.setupFirstAdmin;
    },
    [mutate],
  );
  return [setup, state] as const;
}
