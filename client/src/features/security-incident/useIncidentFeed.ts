import { useQuery, useSubscription } from '@apollo/client/react';
import { OpenIncidentCountDocument, IncidentEventsDocument } from './operations';

/**
 * The live incident feed of the signed-in dashboard: the open count (navigation badge and home banner)
 * from one query, kept current by the `incidentEvents` subscription — no polling. Each event carries
 * the new open count, written straight into the cache; when the WebSocket reconnects (server restart),
 * the client refetches the count to catch up on what it missed (see apollo/client.ts).
 */
export function useIncidentFeed(enabled: boolean): { openCount: number | undefined } {
  const { data, client } = useQuery(OpenIncidentCountDocument, { skip: !enabled, fetchPolicy: 'cache-and-network' });
  useSubscription(IncidentEventsDocument, {
    skip: !enabled,
    onData: ({ data: event }) => {
      const e = event.data?.incidentEvents;
      if (!e) return;
      client.writeQuery({ query: OpenIncidentCountDocument, data: { openIncidentCount: e.openIncidents } });
      // Lists and details showing this incident refresh themselves.
      void client.refetchQueries({ include: ['IncidentsPage', 'IncidentPage'] });
    },
  });
  return { openCount: data?.openIncidentCount };
}
