import { ApolloClient, ApolloLink, HttpLink } from '@apollo/client';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { ErrorLink } from '@apollo/client/link/error';
import { OperationTypeNode } from 'graphql';
import { defer, from, mergeMap } from 'rxjs';
import { followSessionAcrossTabs } from '../features/session/followSessionAcrossTabs';
import { markSignedOut } from '../features/session/viewer';
import { rememberSignInEnded } from '../features/session/signInEnded';
import { problemFromCode } from '../features/errors/problem';
import { createCache } from './cache';
import { noteServerDate } from './serverClock';

/** Same origin in production (the API serves the dashboard) and in development (Vite proxies it). */
const GRAPHQL_PATH = '/graphql';

function webSocketUrl(): string {
  const url = new URL(GRAPHQL_PATH, window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/** Close codes the server uses when it ends a socket on purpose: reconnecting would not help. */
const FINAL_CLOSE_CODES = new Set([4401, 4403, 4429]);

/**
 * Subscriptions go over graphql-ws on the same port. The WebSocket client is loaded and connected
 * only when the first subscription starts, so pages without live data pay for neither the code
 * nor the connection. The session cookie travels with the WebSocket handshake (same origin).
 * After a lost connection (server restart, or the server's 1012 close: permissions changed, events
 * missed) it reconnects with back-off and calls `onReconnected`, so the dashboard can refetch what it
 * may have missed.
 */
function lazyWebSocketLink(onReconnected: () => void, onSessionEnded: () => void): ApolloLink {
  let link: Promise<ApolloLink> | undefined;
  const load = () =>
    (link ??= Promise.all([import('graphql-ws'), import('@apollo/client/link/subscriptions')]).then(
      ([{ createClient }, { GraphQLWsLink }]) => {
        let connectedBefore = false;
        return new GraphQLWsLink(
          createClient({
            url: webSocketUrl(),
            lazy: true,
            retryAttempts: Number.POSITIVE_INFINITY,
            // Back-off with jitter, capped at 10 s, so a restarted server is found again quickly.
            retryWait: (retries) =>
              new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 500 * 2 ** retries) * (0.5 + Math.random() / 2))),
            shouldRetry: (event) => !(isCloseEvent(event) && FINAL_CLOSE_CODES.has(event.code)),
            on: {
              connected: () => {
                if (connectedBefore) onReconnected();
                connectedBefore = true;
              },
              closed: (event) => {
                if (isCloseEvent(event) && event.code === 4401) onSessionEnded();
                // Asked to reconnect (permissions changed, events missed): re-read now, as the reconnection
                // may be refused for good (the feed's permission gone) and `connected` then never comes.
                if (isCloseEvent(event) && event.code === 1012) onReconnected();
              },
            },
          }),
        );
      },
    ));
  return new ApolloLink((operation, forward) => defer(() => from(load())).pipe(mergeMap((ws) => ws.request(operation, forward))));
}

function isCloseEvent(e: unknown): e is { code: number } {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'number';
}

export function createApolloClient(): ApolloClient {
  const http = new HttpLink({
    uri: GRAPHQL_PATH,
    credentials: 'same-origin',
    // Every answer tells the server's time (see serverClock).
    fetch: async (input, init) => {
      const res = await fetch(input, init);
      noteServerDate(res.headers.get('date'));
      return res;
    },
  });

  // A session that expired or was revoked elsewhere: forget the account, and the guards show /login.
  const unauthenticated = new ErrorLink(({ error, operation }) => {
    if (!CombinedGraphQLErrors.is(error)) return;
    if (error.errors.some((e) => e.extensions?.['code'] === 'UNAUTHENTICATED')) {
      // The sign-in page says why it is shown (a pop-up whose sign-in ended says its own reason after this).
      rememberSignInEnded(problemFromCode('UNAUTHENTICATED'));
      void markSignedOut(operation.client);
    }
  });

  const box: { client?: ApolloClient } = {};
  const transport = ApolloLink.split(
    ({ operationType }) => operationType === OperationTypeNode.SUBSCRIPTION,
    lazyWebSocketLink(
      // The viewer too: the server also asks for a reconnection when the viewer's permissions changed.
      () => void box.client?.refetchQueries({ include: ['Viewer', 'OpenIncidentCount', 'IncidentsPage', 'IncidentPage'] }),
      () => box.client && void markSignedOut(box.client),
    ),
    http,
  );

  box.client = new ApolloClient({
    link: ApolloLink.from([unauthenticated, transport]),
    cache: createCache(),
    defaultOptions: {
      watchQuery: { fetchPolicy: 'cache-first' },
    },
  });
  followSessionAcrossTabs(box.client);
  return box.client;
}
