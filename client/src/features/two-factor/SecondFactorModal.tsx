import { useApolloClient, useMutation } from '@apollo/client/react';
import { Button, Modal, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { TwoFactorMethod } from '../../__generated__/graphql';
import { ipBlockedProblem, isEmailLimit, type Problem, problemFromCode, timeOfDay, toProblem } from '../errors/problem';
import { PendingSignInDocument, VerifySecondFactorDocument } from './operations';
import { SecondFactorForm } from './SecondFactorForm';
import { announceSessionChange } from '../session/sessionChannel';

/**
 * The second sign-in step, as a pop-up over the sign-in page. `onEnded`: the sign-in can no longer be
 * finished here (it expired or ended elsewhere, second-step sign-in is locked, or the attempts are
 * spent until after it ends): the pop-up goes, and the sign-in page says why. `expiresAt`: when the
 * pending sign-in ends (said as "Finish by"; null when not known).
 */
export function SecondFactorModal({
  methods,
  expiresAt,
  onSuccess,
  onCancel,
  onEnded,
  onMethods,
}: {
  methods: TwoFactorMethod[];
  expiresAt: string | null;
  onSuccess: () => void;
  onCancel: () => void;
  onEnded: (problem: Problem) => void;
  /** The methods as the server has them now (read again after a key was blocked as a possible copy). */
  onMethods: (methods: TwoFactorMethod[]) => void;
}) {
  const [verify] = useMutation(VerifySecondFactorDocument);
  // While a proof is being checked the sign-in cannot be cancelled: the check may be starting the full
  // session at that moment, which a cancel racing it could leave alive without this page, or signed in.
  const [checking, setChecking] = useState(false);
  const client = useApolloClient();
  const deadline = expiresAt ? new Date(expiresAt) : null;
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
    // The key was blocked as a possible copy: it is no method any more. What is left is read again and
    // offered (a recovery code, another method); with nothing left, the sign-in cannot finish here.
    if (problem.code === 'CREDENTIAL_FLAGGED') {
      void client
        // Not into the cache: the sign-in page keys its form on the cached pending sign-in, and would
        // draw it anew (losing what the pop-up says).
        .query({ query: PendingSignInDocument, fetchPolicy: 'no-cache' })
        .then(({ data }) => {
          const left = data?.pendingSignIn?.methods;
          if (!left) return;
          if (left.length > 0) onMethods(left);
          else
            onEnded({
              ...problem,
              message:
                'This security key looks cloned and was blocked, and your account has no other way to sign in now. Ask an administrator to reset your two-factor authentication.',
            });
        })
        .catch(() => undefined);
    }
    // A source blocked while the sign-in waited (by the failures of others there, or by an admin): no
    // code can finish it from here, and a block lasts longer than a sign-in waits. It ends, said with
    // the block's end (or who can lift a block by hand).
    if (problem.code === 'IP_BLOCKED') {
      onEnded(ipBlockedProblem(problem.retryAt, true));
      return null;
    }
    return problem;
  };
  /**
   * Wrong codes spent the attempts until a time after this sign-in ends: no code can finish it, so it
   * ends (a time to try again in a pop-up whose sign-in is over by then would be a false promise). An
   * e-mailed code dead of wrong tries, or too many codes e-mailed, stop only e-mailed codes: the form
   * says so, and other methods remain.
   */
  const spentPastEnd = (problem: Problem): Problem | null => {
    const wrongCodes = problem.code === 'TOO_MANY_ATTEMPTS' && !isEmailLimit(problem);
    const at = wrongCodes ? problem.retryAt : undefined;
    if (!at || !deadline || at <= deadline) return problem;
    onEnded({ ...problem, message: `Too many wrong codes. Sign in again after ${timeOfDay(at)}.` });
    return null;
  };
  return (
    <Modal
      opened
      onClose={() => {
        if (!checking) onCancel();
      }}
      title="Two-step verification"
      centered
      closeOnClickOutside={false}
      closeOnEscape={!checking}
      // The × throws the waiting sign-in away (the password is asked for again): named for what it does.
      closeButtonProps={{ 'aria-label': 'Cancel sign-in', disabled: checking }}
    >
      <Stack gap="md">
        <Text size="sm" c="dimmed">
          Your password is correct. Confirm it is you with one of your second factors.
          {deadline && ` Finish by ${timeOfDay(deadline)}: this sign-in ends then, and you would have to sign in again.`}
        </Text>
        <SecondFactorForm
          methods={methods}
          submitLabel="Verify"
          deadline={deadline}
          submit={async (proof) => {
            let problem: Problem;
            setChecking(true);
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
                  ? problemFromCode(r.code, r.retryAfter, r.reason)
                  : problemFromCode('INTERNAL_SERVER_ERROR');
            } catch (error) {
              problem = toProblem(error);
            } finally {
              setChecking(false);
            }
            const shown = endedOr(problem);
            return shown && spentPastEnd(shown);
          }}
          // Asking for an e-mailed code or a key's challenge learns it too.
          intercept={(problem) => {
            // Asking for a code meets the attempt limits too (none is sent that could only be refused).
            const shown = endedOr(problem);
            return shown && spentPastEnd(shown);
          }}
        />
        <Button variant="subtle" color="gray" onClick={onCancel} disabled={checking}>
          Cancel
        </Button>
      </Stack>
    </Modal>
  );
}
