import { ApolloClient, ApolloLink, HttpLink } from '@apollo/client';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { ErrorLink } from '@apollo/client/link/error';
import { OperationTypeNode } from 'graphql';
import { defer, from, mergeMap } from 'rxjs';
import { markSignedOut } from '../features/session/viewer';
import { createCache } from './cache';

/** Same origin in production (the API serves the dashboard) and in development (Vite proxies it). */
const GRAPHQL_PATH = '/graphql';

function webSocketUrl(): string {
  const url = new URL(GRAPHQL_PATH, window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/**
 * Subscriptions go over graphql-ws on the same port. The WebSocket client is loaded and connected
 * only when the first subscription starts, so pages without live data pay for neither the code
 * nor the connection. The session cookie travels with the WebSocket handshake (same origin).
 */
function lazyWebSocketLink(): ApolloLink {
  let link: Promise<ApolloLink> | undefined;
  const load = () =>
    (link ??= Promise.all([import('graphql-ws'), import('@apollo/client/link/subscriptions')]).then(
      ([{ createClient }, { GraphQLWsLink }]) =>
        new GraphQLWsLink(createClient({ url: webSocketUrl(), lazy: true, retryAttempts: Number.POSITIVE_INFINITY })),
    ));
  return new ApolloLink((operation, forward) => defer(() => from(load())).pipe(mergeMap((ws) => ws.request(operation, forward))));
}

export function createApolloClient(): ApolloClient {
  const http = new HttpLink({ uri: GRAPHQL_PATH, credentials: 'same-origin' });

  // A session that expired or was revoked elsewhere: forget the account, and the guards show /login.
  const unauthenticated = new ErrorLink(({ error, operation }) => {
    if (!CombinedGraphQLErrors.is(error)) return;
    if (error.errors.some((e) => e.extensions?.['code'] === 'UNAUTHENTICATED')) {
      void markSignedOut(operation.client);
    }
  });

  const transport = ApolloLink.split(
    ({ operationType }) => operationType === OperationTypeNode.SUBSCRIPTION,
    lazyWebSocketLink(),
    http,
  );

  return new ApolloClient({
    link: ApolloLink.from([unauthenticated, transport]),
    cache: createCache(),
    defaultOptions: {
      watchQuery: { fetchPolicy: 'cache-first' },
    },
  });
}
