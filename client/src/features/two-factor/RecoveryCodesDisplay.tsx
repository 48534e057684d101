import { useEffect, useRef } from 'react';
import { Alert, Button, CopyButton, Group, SimpleGrid, Text } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';

/** Freshly generated recovery codes: shown once, with copy and download. */
export function RecoveryCodesDisplay({ codes }: { codes: string[] }) {
  const text = `Security Center recovery codes\nEach code works once. Keep them somewhere safe.\n\n${codes.join('\n')}\n`;
  // Shown once: brought into view and focus wherever the button that made them was (the old set is already dead).
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    box.current?.scrollIntoView({ block: 'center' });
    box.current?.focus({ preventScroll: true });
  }, [codes]);
  return (
    <Alert
      ref={box}
      tabIndex={-1}
      color="yellow"
      variant="light"
      title="Save your recovery codes now"
      role="region"
      aria-label="Recovery codes"
    >
      <Text size="sm" mb="sm">
        If you lose your device, each of these codes signs you in once. They are shown only now.
      </Text>
      <SimpleGrid cols={2} spacing={4} mb="sm" data-testid="recovery-codes">
        {codes.map((c) => (
          <Text key={c} ff="monospace" size="sm">
            {c}
          </Text>
        ))}
      </SimpleGrid>
      <Group gap="xs">
        <CopyButton value={codes.join('\n')}>
          {({ copied, copy }) => (
            <Button size="xs" variant="light" onClick={copy}>
              {copied ? 'Copied' : 'Copy codes'}
            </Button>
          )}
        </CopyButton>
        <Button
          size="xs"
          variant="light"
          leftSection={<IconDownload size={14} aria-hidden />}
          component="a"
          href={`data:text/plain;charset=utf-8,${encodeURIComponent(text)}`}
          download="recovery-codes.txt"
        >
          Download
        </Button>
      </Group>
    </Alert>
  );
}
