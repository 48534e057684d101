import type { EntityManager } from '@mikro-orm/postgresql';
import type { Account } from './modules/account/account.entity.js';
import type { ApiToken } from './modules/session/api-token.entity.js';
import type { Session } from './modules/session/session.entity.js';
import type { Services } from './services.js';

/** Who is calling, established once per operation from the session cookie. */
export interface Viewer {
  account: Account;
  /** The browser session, or null when the request authenticated with an API token. */
  session: Session | null;
  apiToken: ApiToken | null;
}

/** Sets and clears the session cookie on the HTTP response of this operation. */
export interface SessionCookieJar {
  /** The raw token the request presented, if any. */
  presentedToken: string | undefined;
  set(token: string, maxAgeSeconds: number): void;
  clear(): void;
}

export interface Context {
  /** A fork per operation; never the global EntityManager. */
  em: EntityManager;
  viewer: Viewer | null;
  clientIp: string;
  userAgent: string | null;
  cookies: SessionCookieJar;
  /** The caller is authenticated but restricted to an IP access list that does not contain this address. */
  accessRefused?: boolean;
  services: Services;
}
