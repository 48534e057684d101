import { Button, Group, Modal, Text } from '@mantine/core';
import { useRef, useState, type ReactNode } from 'react';

interface Ask {
  title: string;
  /** What happens, in a sentence or two: what is lost, who is told. */
  body: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
}

/**
 * "Are you sure?" before an action that cannot be undone. A recent re-authentication skips the
 * password prompt for a few minutes; this question is asked every time, and says what will happen.
 */
export function useConfirm(): { confirm: (ask: Ask) => void; modal: ReactNode } {
  const [ask, setAsk] = useState<Ask | null>(null);
  // The button that asked: it has the focus again before the action runs, so what the action opens
  // next (a re-authentication) gives the focus back there too.
  const trigger = useRef<HTMLElement | null>(null);
  const modal = (
    <Modal opened={ask !== null} onClose={() => setAsk(null)} title={ask?.title} centered>
      <Text size="sm">{ask?.body}</Text>
      <Group justify="flex-end" mt="md">
        <Button variant="default" onClick={() => setAsk(null)}>
          Cancel
        </Button>
        <Button
          color="red"
          data-autofocus
          onClick={() => {
            const a = ask!;
            setAsk(null);
            if (trigger.current?.isConnected) trigger.current.focus();
            a.onConfirm();
          }}
        >
          {ask?.confirmLabel}
        </Button>
      </Group>
    </Modal>
  );
  return {
    confirm: (next) => {
      trigger.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      setAsk(next);
    },
    modal,
  };
}
