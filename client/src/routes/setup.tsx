import { useQuery } from '@apollo/client/react';
import { Alert, Button, Stack } from '@mantine/core';
import { IconCircleCheck } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { graphql } from '../__generated__';
import { PageLoader } from '../components/PageLoader';
import { QueryError } from '../components/QueryError';
import { PublicPage } from '../components/layout/PublicPage';
import { usePageTitle } from '../components/usePageTitle';
import { SetupForm } from '../features/account/SetupForm';

const SetupPageDocument = graphql(`
  query SetupPage {
    setupStatus {
      needsSetup
    }
  }
`);

/** `#token=…` from the setup link printed on the console. */
function tokenFromHash(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token')?.trim();
  return token ? token : null;
}

export function Component() {
  usePageTitle('Set up');
  const location = useLocation();
  const navigate = useNavigate();
  const [token, setToken] = useState(() => tokenFromHash(location.hash));
  const [done, setDone] = useState(false);
  const { data, error, refetch } = useQuery(SetupPageDocument, { fetchPolicy: 'network-only' });

  // The token is a credential: keep it in memory only and take it out of the address bar (and so
  // out of history and bookmarks). Also covers a setup link opened in a tab already showing /setup.
  useEffect(() => {
    if (!location.hash) return;
    const fromLink = tokenFromHash(location.hash);
    if (fromLink) setToken(fromLink);
    void navigate({ pathname: location.pathname, search: location.search, hash: '' }, { replace: true, state: location.state });
  }, [location.hash, location.pathname, location.search, location.state, navigate]);

  if (done) {
    return (
      <PublicPage title="Set up the Security Center">
        <Stack gap="md">
          <Alert color="green" variant="light" icon={<IconCircleCheck aria-hidden />}>
            Admin created. You can now sign in.
          </Alert>
          <Button component={Link} to="/login">
            Go to sign in
          </Button>
        </Stack>
      </PublicPage>
    );
  }

  let body;
  if (!data) {
    body = error ? <QueryError error={error} onRetry={refetch} title="Could not check the setup status" /> : <PageLoader />;
  } else if (!data.setupStatus.needsSetup) {
    body = (
      <Stack gap="md">
        <Alert color="blue" variant="light" role="note">
          Setup is complete: an admin account exists already. Sign in with it.
        </Alert>
        <Button component={Link} to="/login">
          Go to sign in
        </Button>
      </Stack>
    );
  } else {
    body = <SetupForm tokenFromLink={token} onSuccess={() => setDone(true)} />;
  }

  return (
    <PublicPage
      title="Set up the Security Center"
      description="Create the first admin account. This works once, with the token from the server console."
    >
      {body}
    </PublicPage>
  );
}
