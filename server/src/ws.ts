import type { MikroORM } from '@mikro-orm/postgresql';
import { parse as parseCookies } from 'cookie';
import {
  createSourceEventStream,
  execute,
  getOperationAST,
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type http from 'node:http';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Config } from './config.js';
import type { Context, Viewer } from './context.js';
import { hasPermission } from './common/auth/auth-checker.js';
import { ErrorCode } from './common/errors/codes.js';
import { resolveClientIp } from './common/net/client-ip.js';
import { Permission } from './common/auth/roles.js';
import { SessionStage } from './modules/session/session.entity.js';
import { isAuthChange } from './modules/session/auth-cache.js';
import type { Services } from './services.js';
import { GRAPHQL_MAX_TOKENS } from './common/graphql/limits.js';

interface ConnectionState {
  viewer: Viewer;
  clientIp: string;
  userAgent: string | null;
  /** Role and permissions at connect time: any change closes the socket (the client reconnects). */
  grants: string;
  /** Subscribe messages in the current window (see WS_MAX_SUBSCRIBES_PER_WINDOW). */
  subscribes: { since: number; n: number };
}

type ExtraState = { state?: ConnectionState } & Record<PropertyKey, unknown>;

/**
 * graphql-js executes a subscription's selection once per subscriber per event; with thousands of
 * sockets that alone blocks the event loop. Events are plain frozen objects shared by every
 * subscriber (see incident-events.ts), and the selected fields are plain values, so the result for
 * one (event, document, variables) is computed once and reused by every socket that asked the same.
 * Authorization happened when each socket subscribed (and is re-checked every few seconds).
 */
const sharedResults = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();

function sharedExecution(args: ExecutionArgs, key: string) {
  return (payload: unknown): Promise<ExecutionResult> => {
    if (typeof payload !== 'object' || payload === null) return Promise.resolve(execute({ ...args, rootValue: payload }));
    let perDocument = sharedResults.get(payload);
    if (!perDocument) sharedResults.set(payload, (perDocument = new Map()));
    let result = perDocument.get(key);
    if (!result) perDocument.set(key, (result = Promise.resolve(execute({ ...args, rootValue: payload }))));
    return result;
  };
}

function mapIterator<T, U>(source: AsyncIterator<T>, fn: (value: T) => Promise<U>): AsyncIterableIterator<U> {
  return {
    next: async () => {
      const r = await source.next();
      return r.done ? { value: undefined, done: true } : { value: await fn(r.value), done: false };
    },
    // Straight to the source, so an unsubscribe never waits for the next event.
    return: async () => {
      await source.return?.();
      return { value: undefined, done: true };
    },
    throw: async (err: unknown) => {
      await source.return?.();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** Close codes the dashboard understands. */
export const WS_CLOSE = {
  FORBIDDEN: 4403,
  SESSION_ENDED: 4401,
  TOO_MANY_CONNECTIONS: 4429,
  /**
   * "Service restart": reconnect (and refetch). Sent when the socket's permissions changed (the new
   * ones are checked at the new connection, which is refused with 4403 if they no longer include the
   * feed) and when this instance may have missed events (its LISTEN connection was lost).
   */
  RECONNECT: 1012,
} as const;

/**
 * Sockets one session may hold open at once: one per dashboard tab (tabs share the session cookie),
 * with room to spare. A session opening thousands would otherwise cost memory and event-loop time.
 */
export const WS_MAX_SOCKETS_PER_SESSION = 32;
/** Subscriptions one socket may hold at once (the dashboard needs one). */
export const WS_MAX_SUBSCRIPTIONS_PER_SOCKET = 5;
/** Subscribe messages one socket may send in `WS_SUBSCRIBE_WINDOW_MS`; more close it (4429). */
export const WS_MAX_SUBSCRIBES_PER_WINDOW = 20;
export const WS_SUBSCRIBE_WINDOW_MS = 10_000;

const grantsOf = (a: { role: string; permissions: readonly string[] }) => `${a.role}:${[...a.permissions].sort().join(',')}`;

/**
 * GraphQL subscriptions over graphql-ws on the API's own port and path. A connection is accepted only
 * from the dashboard's origin, with a FULL session cookie, and from an address the account's IP
 * access list allows. Every few seconds all open connections are checked again in one query: a
 * revoked, expired or idle session, a disabled account, a changed role or permission set, or an
 * address no longer allowed closes the socket.
 */
export function startWebSocketServer(opts: {
  httpServer: http.Server;
  schema: GraphQLSchema;
  validationRules: readonly ValidationRule[];
  orm: MikroORM;
  services: Services;
  config: Config;
  cookieName: string;
  logger: Logger;
}): { dispose(): Promise<void>; connections(): number } {
  const { config, services, orm, logger } = opts;
  // A subscribe message is one small document (the dashboard's is under 1 KB).
  const wss = new WebSocketServer({ server: opts.httpServer, path: '/graphql', maxPayload: 16 * 1024 });
  const live = new Map<WebSocket, ConnectionState>();
  // The dashboard's own origin only: other origins accepted for WebAuthn ceremonies (same site, so the
  // SameSite cookie travels with their sockets) must not read the incident feed.
  const dashboardOrigin = config.publicUrl.origin;

  const cleanup = useServer<Record<string, unknown> | undefined, ExtraState>(
    {
      schema: opts.schema,
      connectionInitWaitTimeout: 10_000,
      subscribe: async (args) => {
        const source = await createSourceEventStream(args);
        if (!(Symbol.asyncIterator in source)) return source;
        const key = `${args.document.loc?.source.body ?? ''}\u0000${args.operationName ?? ''}\u0000${JSON.stringify(args.variableValues ?? {})}`;
        return mapIterator(source[Symbol.asyncIterator](), sharedExecution(args, key));
      },
      onConnect: async (ctx) => {
        const req = ctx.extra.request;
        const origin = req.headers.origin;
        // Cross-site WebSocket hijacking: browsers send cookies with any page's WebSocket, so the origin is checked.
        if (origin !== undefined && origin !== dashboardOrigin) return false;
        const em = orm.em.fork();
        const clientIp = resolveClientIp(req.socket.remoteAddress, req.headers, config.trustedProxies, config.proxyHeader);
        const token = parseCookies(req.headers.cookie ?? '')[opts.cookieName];
        const resolved = await services.sessions.resolve(em, token);
        if (!resolved || resolved.session?.stage !== SessionStage.FULL) return false;
        const ua = typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'].slice(0, 512) : null;
        const { viewer, refused } = await services.adminAccess.enforce(em, resolved, clientIp, ua);
        if (refused || !viewer) return false;
        // The only subscription is the incident feed: a viewer who may not read incidents has no use
        // for a socket (end users, sub-admins without the permission), so none is kept open for it.
        if (!hasPermission(viewer, Permission.READ_INCIDENTS)) return false;
        // Closed while its session was being looked up: its close handlers have run already, so it
        // must not be counted (it would hold one of the session's places for good).
        if (ctx.extra.socket.readyState !== ctx.extra.socket.OPEN) return false;
        let open = 0;
        for (const other of live.values()) if (other.viewer.session!.id === viewer.session!.id) open++;
        if (open >= WS_MAX_SOCKETS_PER_SESSION) {
          // Closed with its own code before graphql-ws closes it as forbidden (the first close wins).
          ctx.extra.socket.close(WS_CLOSE.TOO_MANY_CONNECTIONS, 'Too many connections');
          return false;
        }
        const state: ConnectionState = {
          viewer,
          clientIp,
          userAgent: ua,
          grants: grantsOf(viewer.account),
          subscribes: { since: Date.now(), n: 0 },
        };
        ctx.extra.state = state;
        live.set(ctx.extra.socket, state);
        return true;
      },
      onSubscribe: (ctx, _id, payload) => {
        // Each subscribe is parsed and validated on the event loop: a socket sending them in a loop
        // (each ending the last) is closed, as one opening too many sockets is.
        const st = ctx.extra.state;
        if (st) {
          const now = Date.now();
          if (now - st.subscribes.since > WS_SUBSCRIBE_WINDOW_MS) st.subscribes = { since: now, n: 0 };
          if (++st.subscribes.n > WS_MAX_SUBSCRIBES_PER_WINDOW) {
            ctx.extra.socket.close(WS_CLOSE.TOO_MANY_CONNECTIONS, 'Too many subscriptions');
            return [new GraphQLError('Too many subscriptions.', { extensions: { code: ErrorCode.TOO_MANY_SUBSCRIPTIONS } })];
          }
        }
        // This one included: graphql-ws lists a subscription from its start until it ends.
        if (Object.keys(ctx.subscriptions).length > WS_MAX_SUBSCRIPTIONS_PER_SOCKET) {
          return [
            new GraphQLError(`At most ${WS_MAX_SUBSCRIPTIONS_PER_SOCKET} subscriptions per connection.`, {
              extensions: { code: ErrorCode.TOO_MANY_SUBSCRIPTIONS },
            }),
          ];
        }
        let document;
        try {
          // The token limit HTTP applies (graphql-armor's runs only in Apollo's pipeline).
          document = parse(payload.query, { maxTokens: GRAPHQL_MAX_TOKENS });
        } catch (err) {
          // The codes HTTP answers with (Apollo's), so a client handles both transports alike.
          const message = err instanceof GraphQLError ? err.message : 'The document is not valid GraphQL.';
          return [new GraphQLError(message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })];
        }
        const errors = validate(opts.schema, document, [...specifiedRules, ...opts.validationRules]);
        if (errors.length > 0) {
          return errors.map((e) => new GraphQLError(e.message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }));
        }
        // Only subscriptions travel over the socket; queries and mutations use HTTP (CSRF rules, logging).
        const op = getOperationAST(document, payload.operationName);
        if (op?.operation !== 'subscription') {
          return [new GraphQLError('Only subscriptions are served over WebSocket.', { extensions: { code: 'BAD_USER_INPUT' } })];
        }
        const state = ctx.extra.state as ConnectionState;
        const contextValue: Context = {
          em: orm.em.fork(),
          viewer: state.viewer,
          clientIp: state.clientIp,
          userAgent: state.userAgent,
          cookies: { presentedToken: undefined, set: () => undefined, clear: () => undefined },
          services,
        };
        return {
          schema: opts.schema,
          document,
          variableValues: payload.variables ?? undefined,
          operationName: payload.operationName ?? undefined,
          contextValue,
        };
      },
      onError: (_ctx, _id, _payload, errors) => {
        // Same masking as HTTP: expected errors keep their code, anything else says only "internal".
        return errors.map((e) =>
          e.extensions?.['code']
            ? new GraphQLError(e.message, { extensions: { code: e.extensions['code'] } })
            : new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } }),
        );
      },
      onClose: (ctx) => {
        live.delete(ctx.extra.socket);
      },
    },
    wss,
  );
  wss.on('connection', (socket) => {
    socket.once('close', () => live.delete(socket));
  });

  const check = async () => {
    if (live.size === 0) return;
    const bySession = new Map<string, WebSocket[]>();
    for (const [socket, state] of live) {
      // A socket gone without its close handlers seeing it counted (belt and braces): forgotten.
      if (socket.readyState === socket.CLOSED) {
        live.delete(socket);
        continue;
      }
      const id = state.viewer.session!.id;
      const sockets = bySession.get(id);
      if (sockets) sockets.push(socket);
      else bySession.set(id, [socket]);
    }
    const { rows } = await services.sessions.pool.query<{
      id: string;
      ok: boolean;
      role: string;
      permissions: string[];
      ip_restricted: boolean;
      account_id: string;
    }>(
      `select s.id, (s.revoked_at is null and s.expires_at > now() and s.last_seen_at > now() - make_interval(secs => $2)
                     and a.disabled_at is null) as ok,
              a.role, a.permissions, a.ip_restricted, a.id as account_id
       from session s join account a on a.id = s.account_id where s.id = any($1::uuid[])`,
      [[...bySession.keys()], config.sessionIdleTimeoutSeconds],
    );
    const seen = new Set<string>();
    // One access-list lookup per (account, address) per round, however many sockets share them.
    const allowed = new Map<string, Promise<boolean>>();
    const ipAllowed = (accountId: string, ip: string) => {
      const key = `${accountId}|${ip}`;
      let answer = allowed.get(key);
      if (!answer) allowed.set(key, (answer = services.adminAccess.ipAllowed(accountId, ip)));
      return answer;
    };
    for (const r of rows) {
      seen.add(r.id);
      const sockets = bySession.get(r.id) ?? [];
      if (!r.ok) {
        for (const s of sockets) s.close(WS_CLOSE.SESSION_ENDED, 'Session ended');
        continue;
      }
      const grants = grantsOf(r);
      for (const s of sockets) {
        const state = live.get(s);
        if (!state) continue;
        if (state.grants !== grants) {
          s.close(WS_CLOSE.RECONNECT, 'Permissions changed');
          continue;
        }
        if (r.ip_restricted && r.role !== 'USER' && !(await ipAllowed(r.account_id, state.clientIp))) {
          s.close(WS_CLOSE.FORBIDDEN, 'IP not allowed');
        }
      }
    }
    for (const [id, sockets] of bySession)
      if (!seen.has(id)) for (const s of sockets) s.close(WS_CLOSE.SESSION_ENDED, 'Session ended');
  };
  // Events this instance may have missed: every dashboard reconnects and refetches what it shows.
  const stopResync = services.incidents.events.onResync(() => {
    logger.info({ sockets: live.size }, 'incident feed listening again; WebSocket clients asked to resync');
    for (const socket of live.keys()) socket.close(WS_CLOSE.RECONNECT, 'Missed events');
  });
  const timer = setInterval(() => {
    check().catch((err: unknown) => logger.warn({ err }, 'WebSocket session check failed'));
  }, config.wsSessionCheckSeconds * 1000);
  timer.unref();
  // And at once (debounced) when any instance committed a change to sessions, accounts or tokens: a
  // revocation, disable or permission change reaches open sockets in milliseconds, not at the next
  // round. Session touches are not announced (see AuthCache), so this costs nothing on quiet days.
  let soon: NodeJS.Timeout | undefined;
  let disposed = false;
  services.feed.on((table) => {
    if (disposed || soon || live.size === 0) return;
    if (!isAuthChange(table)) return;
    soon = setTimeout(() => {
      soon = undefined;
      check().catch((err: unknown) => logger.warn({ err }, 'WebSocket session check failed'));
    }, 50);
    soon.unref();
  });

  return {
    connections: () => live.size,
    async dispose() {
      clearInterval(timer);
      disposed = true;
      clearTimeout(soon);
      stopResync();
      for (const socket of wss.clients) socket.close(1001, 'Server shutting down');
      await cleanup.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
