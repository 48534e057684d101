import { useEffect, useRef } from 'react';
import { Alert, Button, CopyButton, Group, SimpleGrid, Text } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';

/** The local calendar day as YYYY-MM-DD (the day the holder generated the codes, not UTC's). */
function localDay(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * The downloaded file says whose codes they are, for which site and from when (a folder may hold
 * several sets, of several accounts): named `recovery-codes-<host>-<day>.txt`, with a header.
 */
function recoveryCodesFile(codes: string[], account: string | undefined, host: string, at: Date) {
  const day = localDay(at);
  const header = [
    'Security Center recovery codes',
    ...(account ? [`Account: ${account}`] : []),
    `Site: ${host}`,
    `Generated: ${day}`,
  ];
  const footer = 'Each code works once. Generating a new set replaces this one: these codes then stop working.';
  return {
    name: `recovery-codes-${host.replace(/[^A-Za-z0-9.-]/g, '_')}-${day}.txt`,
    text: `${header.join('\n')}\n\n${codes.join('\n')}\n\n${footer}\n`,
  };
}

/** Freshly generated recovery codes: shown once, with copy and download. `account`: the e-mail they belong to. */
export function RecoveryCodesDisplay({ codes, account }: { codes: string[]; account?: string | undefined }) {
  const file = recoveryCodesFile(codes, account, window.location.host, new Date());
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
          href={`data:text/plain;charset=utf-8,${encodeURIComponent(file.text)}`}
          download={file.name}
        >
          Download
        </Button>
      </Group>
    </Alert>
  );
}
