import { useQuery } from '@apollo/client/react';
import { Alert, Anchor } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { useEffect } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { graphql } from '../__generated__';
import { PublicPage } from '../components/layout/PublicPage';
import { usePageTitle } from '../components/usePageTitle';
import { returnPath } from '../features/session/GuestOnly';
import { LoginForm } from '../features/session/LoginForm';
import { signInStartedHere } from '../features/session/signInStartedHere';
import { useLogoutMutation } from '../features/session/useLogoutMutation';

const LoginPageDocument = graphql(`
  query LoginPage {
    setupStatus {
      needsSetup
    }
    pendingSignIn {
      stage
      methods
    }
  }
`);

export function Component() {
  usePageTitle('Sign in');
  const location = useLocation();
  const navigate = useNavigate();
  // Only for the hint below: if it fails, signing in still works and reports its own errors.
  const { data } = useQuery(LoginPageDocument, { fetchPolicy: 'cache-and-network' });

  // A sign-in waiting for its second step is picked up only by the page load that started it (coming
  // back here from another page). One this page did not start — a tab closed half-way on a shared
  // computer, or a reload — is ended on the server: the next person cannot finish it.
  const [logout] = useLogoutMutation();
  const waiting = data?.pendingSignIn ?? null;
  const abandoned = waiting !== null && !signInStartedHere();
  useEffect(() => {
    if (abandoned) void logout();
  }, [abandoned, logout]);
  const pending = abandoned ? null : waiting;
  if (pending?.stage === 'ENROLLMENT_REQUIRED') return <Navigate to="/enroll-2fa" replace />;

  return (
    <PublicPage title="Sign in" description="Use your Security Center account.">
      {data?.setupStatus.needsSetup && (
        <Alert color="blue" variant="light" role="note" icon={<IconInfoCircle aria-hidden />}>
          No admin account exists yet. Open the setup link printed on the server console, or{' '}
          <Anchor component={Link} to="/setup" inherit>
            go to setup
          </Anchor>{' '}
          and enter the setup token.
        </Alert>
      )}
      <LoginForm
        key={pending ? 'pending' : 'fresh'}
        initialMethods={pending?.stage === 'PENDING_SECOND_FACTOR' ? pending.methods : null}
        onSuccess={() => void navigate(returnPath(location.state), { replace: true })}
      />
    </PublicPage>
  );
}
