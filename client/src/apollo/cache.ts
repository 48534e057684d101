import { InMemoryCache } from '@apollo/client';
import introspection from '../__generated__/possible-types';

/**
 * Normalized cache. Entities with an `id` (Account, SessionInfo) are keyed by it automatically;
 * the rest is spelled out here.
 */
export function createCache(): InMemoryCache {
  return new InMemoryCache({
    possibleTypes: introspection.possibleTypes,
    typePolicies: {
      // One setup status per server: a singleton, so every query reading it sees the same value.
      SetupStatus: { keyFields: [] },
      // The system-wide 2FA settings, likewise: what a save answers is what the settings page shows.
      TwoFactorSettings: { keyFields: [], fields: { allowedMethods: { merge: false } } },
      Query: {
        fields: {
          // `account(id)` reads an account that any list has already put in the cache.
          account: {
            read(existing, { args, toReference }) {
              return (
                existing ??
                (typeof args?.['id'] === 'string' ? toReference({ __typename: 'Account', id: args['id'] }) : undefined)
              );
            },
          },
          // The server answers the whole list every time; the newest answer replaces the old one.
          mySessions: { merge: false },
        },
      },
      Account: {
        fields: {
          permissions: { merge: false },
        },
      },
    },
  });
}
