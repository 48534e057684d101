import { useDocumentTitle } from '@mantine/hooks';

/** Sets the tab title to "<page> · Security Center". */
export function usePageTitle(title: string): void {
  useDocumentTitle(`${title} · Security Center`);
}
