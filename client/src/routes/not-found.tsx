import { Button, Center, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { usePageTitle } from '../components/usePageTitle';

export function Component() {
  usePageTitle('Page not found');
  return (
    <Center mih="100dvh" p="md" component="main">
      <Stack align="center" gap="sm" maw={420}>
        <Text c="dimmed" fw={700} size="xl" aria-hidden>
          404
        </Text>
        <Title order={1} size="h2">
          Page not found
        </Title>
        <Text c="dimmed" ta="center">
          There is no page at this address. It may have moved, or the link may be mistyped.
        </Text>
        <Button component={Link} to="/">
          Go to Home
        </Button>
      </Stack>
    </Center>
  );
}
