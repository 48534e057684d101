import type { ApolloClient } from '@apollo/client';
import { onSessionChangeElsewhere } from './sessionChannel';
import { markSignedOut, ViewerDocument } from './viewer';

/**
 * Keeps a tab in step with the session it shares with the browser's other tabs. When another tab signs
 * out or in, and whenever this tab is shown again (the session may have ended meanwhile, idle or
 * revoked, while no request was made), it asks the server who is signed in: nobody → its cache is
 * cleared and the guards show /login; someone else → everything is fetched again as them. The next
 * person at a shared computer never sees the previous account's pages in a tab left open.
 */
export function followSessionAcrossTabs(client: ApolloClient): void {
  const recheck = async () => {
    const before = client.readQuery({ query: ViewerDocument })?.me?.id ?? null;
    const now = await client
      .query({ query: ViewerDocument, fetchPolicy: 'network-only' })
      .then(({ data }) => (data ? (data.me?.id ?? null) : undefined))
      .catch(() => undefined);
    if (now === undefined || now === before) return;
    if (now === null) await markSignedOut(client, { announce: false });
    else await client.resetStore();
  };
  onSessionChangeElsewhere(() => void recheck().catch(() => undefined));
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void recheck().catch(() => undefined);
  });
}
