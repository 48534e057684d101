import { useQuery } from '@apollo/client/react';
import { Alert, EmptyState, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDevices } from '@tabler/icons-react';
import { useState } from 'react';
import { graphql } from '../__generated__';
import { PageLoader } from '../components/PageLoader';
import { QueryError } from '../components/QueryError';
import { usePageTitle } from '../components/usePageTitle';
import { type Problem, toProblem } from '../features/errors/problem';
import { SessionsTable } from '../features/session/SessionsTable';
import { useRevokeSessionMutation } from '../features/session/useRevokeSessionMutation';

const SessionsPageDocument = graphql(`
  query SessionsPage {
    mySessions {
      id
      ...SessionRow
    }
  }
`);

export function Component() {
  usePageTitle('My sessions');
  const { data, error, refetch } = useQuery(SessionsPageDocument, { fetchPolicy: 'cache-and-network' });
  const [revoke] = useRevokeSessionMutation();
  const [revokingId, setRevokingId] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);

  async function onRevoke(session: { id: string; current: boolean }) {
    setProblem(null);
    setRevokingId(session.id);
    try {
      await revoke(session);
      // Revoking this device signs it out: the route guard takes over and shows the sign-in page.
      if (!session.current) notifications.show({ color: 'green', message: 'The session was revoked.' });
    } catch (err) {
      setProblem(toProblem(err));
    } finally {
      setRevokingId(null);
    }
  }

  let body;
  if (!data) {
    body = error ? <QueryError error={error} onRetry={refetch} /> : <PageLoader />;
  } else if (data.mySessions.length === 0) {
    body = (
      <EmptyState
        icon={<IconDevices aria-hidden />}
        title="No sessions"
        description="There are no live sessions for your account."
      />
    );
  } else {
    body = <SessionsTable sessions={data.mySessions} revokingId={revokingId} onRevoke={(s) => void onRevoke(s)} />;
  }

  return (
    <Stack gap="lg" maw={1100}>
      <div>
        <Title order={1}>My sessions</Title>
        <Text c="dimmed" size="sm" mt={4}>
          Browsers and devices signed in to your account. Revoke any you do not recognise; revoking this device signs you out.
        </Text>
      </div>
      {problem && (
        <Alert
          color="red"
          variant="light"
          role="alert"
          withCloseButton
          closeButtonLabel="Dismiss"
          onClose={() => setProblem(null)}
        >
          {problem.message}
        </Alert>
      )}
      {body}
    </Stack>
  );
}
