import { useApolloClient, useQuery } from '@apollo/client/react';
import { Alert, Button, Checkbox, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { Navigate, useNavigate } from 'react-router';
import { PublicPage } from '../components/layout/PublicPage';
import { PageLoader } from '../components/PageLoader';
import { QueryError } from '../components/QueryError';
import { usePageTitle } from '../components/usePageTitle';
import { EnrollmentCards, type Enabled } from '../features/two-factor/EnrollmentFlows';
import { PendingSignInDocument } from '../features/two-factor/operations';
import { timeOfDay } from '../features/errors/problem';
import { useSignInStartedHere } from '../features/session/signInStartedHere';
import { useLogoutMutation } from '../features/session/useLogoutMutation';
import { RecoveryCodesDisplay } from '../features/two-factor/RecoveryCodesDisplay';
import { announceSessionChange } from '../features/session/sessionChannel';

/** A policy requires 2FA and the account has none: set one up to finish signing in. */
export function Component() {
  usePageTitle('Set up two-factor authentication');
  const { data, error, refetch } = useQuery(PendingSignInDocument, { fetchPolicy: 'network-only' });
  const client = useApolloClient();
  const navigate = useNavigate();
  const [done, setDone] = useState<Enabled | null>(null);
  const [codesSaved, setCodesSaved] = useState(false);
  const [continuing, setContinuing] = useState(false);
  // Walking away (a shared computer) or signing in as someone else: the waiting sign-in ends on the
  // server, not only here, so nobody who opens the page after can finish it with a factor of their own.
  const [logout, { loading: leaving }] = useLogoutMutation();
  // Ended on the server meanwhile (a method set up from elsewhere ends this session, which may be
  // someone else's): the sign-in page says so.
  const startedHere = useSignInStartedHere();

  if (!data) return error ? <QueryError error={error} onRetry={refetch} /> : <PageLoader fullHeight />;
  const pending = data.pendingSignIn;
  // Only the page load that started this sign-in finishes it (/login ends one it did not start).
  if (!done && (pending?.stage !== 'ENROLLMENT_REQUIRED' || !startedHere)) return <Navigate to="/login" replace />;

  // To the sign-in page, also when the server was not reached: this page load then no longer counts as
  // the one that started the sign-in, and the sign-in page ends it on the server once it finds it.
  async function leave() {
    await logout().catch(() => undefined);
    void navigate('/login', { replace: true });
  }

  async function continueToApp() {
    setContinuing(true);
    try {
      announceSessionChange();
      await client.resetStore();
      void navigate('/', { replace: true });
    } finally {
      setContinuing(false);
    }
  }

  return (
    <PublicPage
      title="Set up two-factor authentication"
      description="Your organisation requires a second sign-in step for your account."
    >
      {done && !done.signedIn ? (
        // Another method was set up for the account at the same moment (another tab, another device):
        // this one is on, yet this sign-in must be finished with a factor, so it starts again.
        <Stack gap="md">
          <Alert color="orange" variant="light" role="status">
            Two-factor authentication is on, but another method was set up for your account at the same time. Sign in again and
            confirm with one of your methods.
          </Alert>
          {done.recoveryCodes && <RecoveryCodesDisplay codes={done.recoveryCodes} account={pending?.email} />}
          <Button loading={leaving} onClick={() => void leave()}>
            Sign in again
          </Button>
        </Stack>
      ) : done ? (
        <Stack gap="md">
          <Alert color="green" variant="light" role="status">
            Two-factor authentication is on. You are signed in.
          </Alert>
          {done.recoveryCodes && (
            <>
              <RecoveryCodesDisplay codes={done.recoveryCodes} account={pending?.email} />
              {/* Shown only here: going on without them saved loses them for good (the page does not come back). */}
              <Checkbox
                label="I have saved my recovery codes"
                checked={codesSaved}
                onChange={(e) => setCodesSaved(e.currentTarget.checked)}
              />
            </>
          )}
          <Button onClick={() => void continueToApp()} loading={continuing} disabled={done.recoveryCodes ? !codesSaved : false}>
            Continue
          </Button>
        </Stack>
      ) : (
        <Stack gap="md">
          <Text size="sm">
            Signed in as <strong>{pending!.email}</strong>. Choose a method; you can do nothing else until one is set up.
          </Text>
          {/* The sign-in ends then, whatever the setup's own lapse: not set up by then, it starts again from the password. */}
          <Text size="sm">
            Finish by {timeOfDay(pending!.expiresAt)}: this sign-in ends then, and you would have to sign in again.
          </Text>
          <EnrollmentCards
            allowed={pending!.allowedMethods}
            deadline={pending!.expiresAt}
            show={{ totp: true, email: true, webauthn: true }}
            onEnabled={(e) => setDone(e)}
          />
          <Button variant="subtle" loading={leaving} onClick={() => void leave()}>
            Cancel and sign out
          </Button>
        </Stack>
      )}
    </PublicPage>
  );
}
