import { Alert, Button, Group, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { toProblem } from '../features/errors/problem';

/** The error state of a page or section whose query failed, with a way to try again. */
export function QueryError({
  error,
  onRetry,
  title = 'Could not load this page',
}: {
  error: unknown;
  onRetry?: () => unknown;
  title?: string;
}) {
  const problem = toProblem(error);
  return (
    <Alert color="red" variant="light" title={title} icon={<IconAlertTriangle aria-hidden />} role="alert">
      <Text size="sm">{problem.message}</Text>
      {onRetry && (
        <Group mt="sm">
          <Button size="xs" variant="default" onClick={() => void onRetry()}>
            Try again
          </Button>
        </Group>
      )}
    </Alert>
  );
}
