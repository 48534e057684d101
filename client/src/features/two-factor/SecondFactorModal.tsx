import { useApolloClient, useMutation } from '@apollo/client/react';
import { Modal, Stack, Text } from '@mantine/core';
import type { TwoFactorMethod } from '../../__generated__/graphql';
import { type Problem, problemFromCode, toProblem } from '../errors/problem';
import { VerifySecondFactorDocument } from './operations';
import { SecondFactorForm } from './SecondFactorForm';
import { announceSessionChange } from '../session/sessionChannel';

/**
 * The second sign-in step, as a pop-up over the sign-in page. `onEnded`: the sign-in can no longer be
 * finished here (it expired or ended elsewhere, or second-step sign-in is locked): the pop-up goes, and
 * the sign-in page says why.
 */
export function SecondFactorModal({
  methods,
  onSuccess,
  onCancel,
  onEnded,
}: {
  methods: TwoFactorMethod[];
  onSuccess: () => void;
  onCancel: () => void;
  onEnded: (problem: Problem) => void;
}) {
  const [verify] = useMutation(VerifySecondFactorDocument);
  const client = useApolloClient();
  /** A problem that means the sign-in cannot be finished here ends the pop-up (null); others are shown in it. */
  const endedOr = (problem: Problem): Problem | null => {
    if (problem.code === 'UNAUTHENTICATED') {
      onEnded({
        ...problem,
        message: 'This sign-in has ended (it waited too long, or was finished or cancelled elsewhere). Sign in again.',
      });
      return null;
    }
    if (problem.code === 'SECOND_FACTOR_LOCKED') {
      onEnded(problem);
      return null;
    }
    return problem;
  };
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
            let problem: Problem;
            try {
              const { data } = await verify({ variables: { input: proof } });
              const r = data?.verifySecondFactor;
              if (r?.__typename === 'LoginSuccess') {
                announceSessionChange();
                await client.resetStore();
                onSuccess();
                return null;
              }
              problem =
                r?.__typename === 'TwoFactorError'
                  ? problemFromCode(r.code, r.retryAfter)
                  : problemFromCode('INTERNAL_SERVER_ERROR');
            } catch (error) {
              problem = toProblem(error);
            }
            return endedOr(problem);
          }}
          // Asking for an e-mailed code or a key's challenge learns it too.
          intercept={endedOr}
        />
      </Stack>
    </Modal>
  );
}
