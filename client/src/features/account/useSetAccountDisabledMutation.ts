import { useMutation } from '@apollo/client/react';
import { useCallback } from 'react';
import { graphql } from '../../__generated__';

const SetAccountDisabledDocument = graphql(`
  mutation SetAccountDisabled($id: ID!, $disabled: Boolean!) {
    setAccountDisabled(id: $id, disabled: $disabled) {
      id
      ...AccountRow
    }
  }
`);

/** Disables or re-enables an account; the normalized cache updates every row showing it. */
export function useSetAccountDisabledMutation() {
  const [mutate, state] = useMutation(SetAccountDisabledDocument);
  const setDisabled = useCallback(
    async (id: string, disabled: boolean) => {
      const { data } = await mutate({ variables: { id, disabled } });
      if (!data) throw new Error('setAccountDisabled returned no data');
      return data.setAccountDisabled;
    },
    [mutate],
  );
  return [setDisabled, state] as const;
}
