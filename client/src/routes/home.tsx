import { useQuery } from '@apollo/client/react';
import { Card, Group, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconShieldSearch } from '@tabler/icons-react';
import { graphql } from '../__generated__';
import { PageLoader } from '../components/PageLoader';
import { QueryError } from '../components/QueryError';
import { usePageTitle } from '../components/usePageTitle';

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

  return (
    <Stack gap="lg" maw={960}>
      <Title order={1}>Home</Title>
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
      <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="security-incidents-title">
        <Group gap="sm" mb="xs" wrap="nowrap">
          <ThemeIcon variant="light" color="gray" aria-hidden>
            <IconShieldSearch size={18} />
          </ThemeIcon>
          <Title order={2} size="h4" id="security-incidents-title">
            Security incidents
          </Title>
        </Group>
        <Text size="sm" c="dimmed">
          No live incident feed yet.
        </Text>
      </Card>
    </Stack>
  );
}
