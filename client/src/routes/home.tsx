import { useQuery } from '@apollo/client/react';
import { Alert, Anchor, Card, Group, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconAlertTriangle, IconShieldSearch } from '@tabler/icons-react';
import { Link } from 'react-router';
import { graphql } from '../__generated__';
import { PageLoader } from '../components/PageLoader';
import { QueryError } from '../components/QueryError';
import { usePageTitle } from '../components/usePageTitle';
import { OpenIncidentCountDocument } from '../features/security-incident/operations';
import { canReadIncidents, useViewer } from '../features/session/viewer';

const HomePageDocument = graphql(`
  query HomePage {
    me {
      id
      name
      email
    }
  }
`);

export function Component() {
  usePageTitle('Home');
  const { data, error, refetch } = useQuery(HomePageDocument);
  const viewer = useViewer();
  const mayRead = canReadIncidents(viewer);
  // Kept current by the live subscription in the app shell: no reload, no polling.
  const open = useQuery(OpenIncidentCountDocument, { skip: !mayRead }).data?.openIncidentCount;

  return (
    <Stack gap="lg" maw={960}>
      <Title order={1}>Home</Title>
      {mayRead && !!open && (
        <Alert color="red" variant="filled" icon={<IconAlertTriangle aria-hidden />} role="alert" data-testid="incident-banner">
          <Anchor component={Link} to="/security/incidents" c="white" fw={600} underline="always">
            New security incidents detected. Click here to check the Security page.
          </Anchor>
        </Alert>
      )}
      {!data ? (
        error ? (
          <QueryError error={error} onRetry={refetch} />
        ) : (
          <PageLoader />
        )
      ) : (
        data.me && (
          <Text>
            Signed in as {data.me.name} ({data.me.email})
          </Text>
        )
      )}
      {mayRead && (
        <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="security-incidents-title">
          <Group gap="sm" mb="xs" wrap="nowrap">
            <ThemeIcon variant="light" color={open ? 'red' : 'gray'} aria-hidden>
              <IconShieldSearch size={18} />
            </ThemeIcon>
            <Title order={2} size="h4" id="security-incidents-title">
              Security incidents
            </Title>
          </Group>
          <Text size="sm" c="dimmed">
            {open === undefined
              ? 'Loading…'
              : open === 0
                ? 'No open incidents. This updates live when one is raised.'
                : `${open} open incident${open === 1 ? '' : 's'} waiting for review.`}{' '}
            <Anchor component={Link} to="/security/incidents" size="sm">
              View incidents
            </Anchor>
          </Text>
        </Card>
      )}
    </Stack>
  );
}
