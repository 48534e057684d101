import { Button } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { toProblem } from '../features/errors/problem';
import { useConfirm } from './useConfirm';

/**
 * A small destructive button in a table row (Remove, Delete, Unblock): runs the action, shows the
 * server's error code as a sentence if it fails.
 */
export function RowActionButton({
  label,
  accessibleName,
  action,
  ask,
}: {
  label: string;
  accessibleName: string;
  action: () => Promise<unknown>;
  /** For what cannot be undone: asked first, saying what happens. */
  ask?: { title: string; body: string; confirmLabel: string };
}) {
  const [busy, setBusy] = useState(false);
  const { confirm, modal } = useConfirm();
  const run = () => {
    setBusy(true);
    action()
      .catch((error: unknown) =>
        notifications.show({ color: 'red', title: `${label} failed`, message: toProblem(error).message }),
      )
      .finally(() => setBusy(false));
  };
  return (
    <>
      <Button
        size="xs"
        variant="light"
        color="red"
        aria-label={accessibleName}
        loading={busy}
        onClick={() => (ask ? confirm({ ...ask, onConfirm: run }) : run())}
      >
        {label}
      </Button>
      {ask && modal}
    </>
  );
}
