import { useApolloClient, useMutation } from '@apollo/client/react';
import { Alert, Button, Modal, Stack, Text } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import type { SecondFactorInput, TwoFactorMethod } from '../../__generated__/graphql';
import { PasswordField } from '../../components/PasswordField';
import { type Problem, problemFromCode, toProblem } from '../errors/problem';
import { rememberSignInEnded } from '../session/signInEnded';
import { markSignedOut } from '../session/viewer';
import { ReauthenticateDocument } from './operations';
import { SecondFactorForm } from './SecondFactorForm';

/**
 * "Confirm it is you": password, then — when the account has 2FA — a second factor. Sensitive
 * changes (removing a method, new recovery codes) need it within the last few minutes.
 * `methods`: your methods as last read; when the server asks for a second factor they did not show
 * (a method set up in another tab, or their query failed), `reloadMethods` reads them again.
 */
export function ReauthModal({
  methods: known,
  reloadMethods,
  onDone,
  onCancel,
}: {
  methods: TwoFactorMethod[];
  reloadMethods: () => Promise<TwoFactorMethod[]>;
  onDone: () => void;
  onCancel: () => void;
}) {
  const [password, setPassword] = useState('');
  const [passwordOk, setPasswordOk] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [reloaded, setReloaded] = useState<TwoFactorMethod[] | null>(null);
  const [reauth, { loading }] = useMutation(ReauthenticateDocument);
  const client = useApolloClient();
  const methods = reloaded ?? known;
  const needsFactor = methods.length > 0;

  async function send(secondFactor: SecondFactorInput | null): Promise<Problem | null> {
    try {
      const { data } = await reauth({ variables: { input: { password, secondFactor } } });
      const r = data?.reauthenticate;
      if (r?.__typename === 'ReauthSuccess') {
        onDone();
        return null;
      }
      if (r?.__typename !== 'TwoFactorError') return problemFromCode('INTERNAL_SERVER_ERROR');
      const problem = problemFromCode(r.code, r.retryAfter, r.reason);
      // The fifth wrong password in a row ended this session (an answer, not a thrown error, so the
      // error link does not see it): signed out here and in the other tabs, and the sign-in page says why.
      if (r.code === 'UNAUTHENTICATED') {
        rememberSignInEnded(problem);
        void markSignedOut(client);
        return problem;
      }
      // Locked meanwhile (wrong codes elsewhere): the page behind reads its state again, so it says so too.
      // Locked, the key blocked as a possible copy, or a method removed meanwhile (in another tab or on
      // another device): the methods offered are read again.
      if (r.code === 'SECOND_FACTOR_LOCKED' || r.code === 'CREDENTIAL_FLAGGED' || r.code === 'METHOD_NOT_SET_UP') {
        void reloadMethods()
          .then((fresh) => {
            setReloaded(fresh);
            // None left at all: the password alone confirms it now.
            if (fresh.length === 0) setPasswordOk(false);
          })
          .catch(() => undefined);
      }
      return problem;
    } catch (error) {
      return toProblem(error);
    }
  }

  /** Back to the password step, emptied, saying why. */
  function wrongPassword(p: Problem) {
    setPassword('');
    setPasswordOk(false);
    setProblem({ ...p, message: 'The password is incorrect. Enter it again.' });
  }

  async function onPassword(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setProblem(null);
    if (needsFactor) {
      setPasswordOk(true);
      return;
    }
    const p = await send(null);
    if (p?.code === 'INVALID_CREDENTIALS') {
      wrongPassword(p);
      return;
    }
    if (p?.code === 'SECOND_FACTOR_REQUIRED') {
      // The password was right; the methods shown were out of date.
      const fresh = await reloadMethods().catch(() => []);
      if (fresh.length > 0) {
        setReloaded(fresh);
        setPasswordOk(true);
        return;
      }
    }
    setProblem(p);
  }

  return (
    <Modal opened onClose={onCancel} title="Confirm it is you" centered>
      <Stack gap="md">
        <Text size="sm" c="dimmed">
          This change protects your account, so confirm your password{needsFactor ? ' and a second factor' : ''} first.
        </Text>
        {problem && (
          <Alert color="red" variant="light" role="alert">
            {problem.message}
          </Alert>
        )}
        {!passwordOk ? (
          <form onSubmit={(e) => void onPassword(e)}>
            <Stack gap="sm">
              <PasswordField
                label="Password"
                autoComplete="current-password"
                required
                autoFocus
                data-autofocus
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
              />
              <Button type="submit" loading={loading}>
                {needsFactor ? 'Next' : 'Confirm'}
              </Button>
            </Stack>
          </form>
        ) : (
          <SecondFactorForm
            methods={methods}
            submitLabel="Confirm"
            submit={async (proof) => {
              const p = await send(proof);
              // The password is checked with the factor: back to it, saying so (this form closes).
              if (p?.code === 'INVALID_CREDENTIALS') wrongPassword(p);
              return p;
            }}
          />
        )}
      </Stack>
    </Modal>
  );
}
