import { useQuery } from '@apollo/client/react';
import { Alert, Anchor } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { graphql } from '../__generated__';
import { PublicPage } from '../components/layout/PublicPage';
import { usePageTitle } from '../components/usePageTitle';
import { returnPath } from '../features/session/GuestOnly';
import { LoginForm } from '../features/session/LoginForm';

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

  // A reload in the middle of a sign-in picks the second step up again.
  const pending = data?.pendingSignIn;
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
