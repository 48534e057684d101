import { useApolloClient, useMutation } from '@apollo/client/react';
import { Modal, Stack, Text } from '@mantine/core';
import type { TwoFactorMethod } from '../../__generated__/graphql';
import { problemFromCode, toProblem } from '../errors/problem';
import { VerifySecondFactorDocument } from './operations';
import { SecondFactorForm } from './SecondFactorForm';
import { announceSessionChange } from '../session/sessionChannel';

/** The second sign-in step, as a pop-up over the sign-in page. */
export function SecondFactorModal({
  methods,
  onSuccess,
  onCancel,
}: {
  methods: TwoFactorMethod[];
  onSuccess: () => void;
  onCancel: () => void;
}) {
  const [verify] = useMutation(VerifySecondFactorDocument);
  const client = useApolloClient();
  return (
    <Modal opened onClose={onCancel} title="Two-step verification" centered closeOnClickOutside={false}>
      <Stack gap="md">
        <Text size="sm" c="dimmed">
          Your password is correct. Confirm it is you with one of your second factors.
        </Text>
        <SecondFactorForm
          methods={methods}
          submitLabel="Verify"
          submit={async (proof) => {
            try {
              const { data } = await verify({ variables: { input: proof } });
              const r = data?.verifySecondFactor;
              if (r?.__typename === 'LoginSuccess') {
                announceSessionChange();
                await client.resetStore();
                onSuccess();
                return null;
              }
              return r?.__typename === 'TwoFactorError'
                ? problemFromCode(r.code, r.retryAfter)
                : problemFromCode('INTERNAL_SERVER_ERROR');
            } catch (error) {
              return toProblem(error);
            }
          }}
        />
      </Stack>
    </Modal>
  );
}
