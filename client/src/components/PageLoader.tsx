import { Center, Loader } from '@mantine/core';

/** Placeholder while a page's code or first data is on its way. */
export function PageLoader({ label = 'Loading…', fullHeight = false }: { label?: string; fullHeight?: boolean }) {
  return (
    <Center mih={fullHeight ? '100dvh' : 200} role="status" aria-live="polite">
      <Loader aria-label={label} />
    </Center>
  );
}
