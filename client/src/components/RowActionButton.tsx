import { Button } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { toProblem } from '../features/errors/problem';

/**
 * A small destructive button in a table row (Remove, Delete, Unblock): runs the action, shows the
 * server's error code as a sentence if it fails.
 */
export function RowActionButton({
  label,
  accessibleName,
  action,
}: {
  label: string;
  accessibleName: string;
  action: () => Promise<unknown>;
}) {
  const [busy, setBusy] = useState(false);
  return (
    <Button
      size="xs"
      variant="light"
      color="red"
      aria-label={accessibleName}
      loading={busy}
      onClick={() => {
        setBusy(true);
        action()
          .catch((error: unknown) =>
            notifications.show({ color: 'red', title: `${label} failed`, message: toProblem(error).message }),
          )
          .finally(() => setBusy(false));
      }}
    >
      {label}
    </Button>
  );
}
