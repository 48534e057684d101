import type { EntityManager } from '@mikro-orm/postgresql';
import type { Account } from './modules/account/account.entity.js';
import type { ApiToken } from './modules/session/api-token.entity.js';
import type { Session } from './modules/session/session.entity.js';
import type { Services } from './services.js';
import type { Permission, Role } from './common/auth/roles.js';
import type { SessionStage } from './modules/session/session.entity.js';

/**
 * What authorization needs to know about the caller, read from the row behind the token without
 * building entities (the integrator's hot path never touches the ORM).
 */
export interface Principal {
  accountId: string;
  role: Role;
  permissions: readonly Permission[];
  ipRestricted: boolean;
  /** The browser session's stage; null for an API token. */
  stage: SessionStage | null;
  apiTokenId: string | null;
}

/**
 * Who is calling, established once per operation from the session cookie or API token. `account`,
 * `session` and `apiToken` are entities of the operation's EntityManager, built on first access.
 */
export interface Viewer {
  principal: Principal;
  account: Account;
  /** The browser session, or null when the request authenticated with an API token. */
  session: Session | null;
  apiToken: ApiToken | null;
}

/** Sets and clears the session cookie on the HTTP response of this operation. */
export interface SessionCookieJar {
  /** The raw token the request presented, if any. */
  presentedToken: string | undefined;
  /**
   * Sets the session cookie. It carries no Max-Age: it ends when the browser closes (an admin who
   * closes it on a shared computer instead of signing out leaves nothing behind); the server's idle and
   * absolute limits end the session itself.
   */
  set(token: string): void;
  clear(): void;
}

export interface Context {
  /**
   * A fork per operation (made on first use); never the global EntityManager. Over HTTP it is a getter
   * on the context's prototype, so a spread copy (`{ ...ctx }`) must name `em` itself.
   */
  readonly em: EntityManager;
  viewer: Viewer | null;
  clientIp: string;
  userAgent: string | null;
  cookies: SessionCookieJar;
  /** The caller is authenticated but restricted to an IP access list that does not contain this address. */
  accessRefused?: boolean;
  services: Services;
  /**
   * Set inside a transaction whose effects outside the database (e-mails) must wait for its commit:
   * they are queued here and run by whoever opened it, once committed (and dropped on a rollback).
   */
  afterCommit?: (() => void)[];
}

/** Runs `effect` once the caller's transaction commits (see `Context.afterCommit`), or now outside one. */
export function onCommit(ctx: Pick<Context, 'afterCommit'>, effect: () => void): void {
  if (ctx.afterCommit) ctx.afterCommit.push(effect);
  else effect();
}
