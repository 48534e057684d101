import { Button, Center, Stack, Text, Title } from '@mantine/core';
import { isRouteErrorResponse, useRouteError } from 'react-router';

/**
 * Last-resort error screen for a route that threw while rendering or loading its code. A failed
 * dynamic import usually means a new version was deployed: reloading fetches the new files.
 */
export function RouteError() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : undefined;
  return (
    <Center mih="60dvh" p="md">
      <Stack align="center" gap="sm" maw={480} role="alert">
        <Title order={1} size="h2">
          Something went wrong
        </Title>
        <Text c="dimmed" ta="center">
          {status === 404
            ? 'This page does not exist.'
            : 'The dashboard hit an unexpected problem. Reloading the page usually helps.'}
        </Text>
        <Button onClick={() => window.location.reload()}>Reload</Button>
      </Stack>
    </Center>
  );
}
