import { useMutation } from '@apollo/client/react';
import { Alert, Button, Modal, Stack, Text } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import type { SecondFactorInput, TwoFactorMethod } from '../../__generated__/graphql';
import { PasswordField } from '../../components/PasswordField';
import { type Problem, problemFromCode, toProblem } from '../errors/problem';
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
      // Locked meanwhile (wrong codes elsewhere): the page behind reads its state again, so it says so too.
      // Locked, or the key blocked as a possible copy: the methods offered are read again.
      if (r.code === 'SECOND_FACTOR_LOCKED' || r.code === 'CREDENTIAL_FLAGGED') void reloadMethods().catch(() => undefined);
      return problemFromCode(r.code, r.retryAfter, r.reason);
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
