import 'reflect-metadata';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import express, { type Request, type Response } from 'express';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import { isSecureOrigin, type Config } from './config.js';
import type { Context, SessionCookieJar } from './context.js';
import { assertKeysFitDatabase, loadOrCreateKeys } from './common/crypto/keys.js';
import { assertNoNul } from './common/graphql/nul.js';
import { createFormatError, DATABASE_TIMEOUT_MESSAGE, isDatabaseTimeout } from './common/errors/format-error.js';
import { GRAPHQL_MAX_TOKENS } from './common/graphql/limits.js';
import { maxRowsRule } from './common/graphql/max-rows.js';
import { createLogger } from './common/logger.js';
import { resolveClientIp } from './common/net/client-ip.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.js';
import { initOrm, migrate } from './db/orm.js';
import { createSqlPool, type SqlPool } from './db/pool.js';
import { createSchema } from './schema.js';
import { createServices, type Services } from './services.js';
import { isAllowed } from './common/auth/auth-checker.js';
import { Permission } from './common/auth/roles.js';
import { AuditAction } from './modules/audit/audit.entity.js';
import { auditCsvHeader, auditCsvRow } from './modules/audit/audit-csv.js';
import { SessionStage } from './modules/session/session.entity.js';
import { TwoFactorMethod } from './modules/two-factor/two-factor.entity.js';
import { leftToEnroll } from './modules/two-factor/enrollable.js';
import { startWebSocketServer } from './ws.js';
import { writesTo } from './db/change-feed.js';
import { AUTH_TABLES } from './modules/session/auth-cache.js';
import { RANGE_TABLES } from './modules/ip-block/range-matcher.js';
import { createGraphqlHttpHandler } from './graphql-http.js';
import { pruneRetained } from './db/retention.js';

export interface AppHandle {
  /** Starts the database (embedded if needed), migrates, listens. Resolves when ready. */
  start(): Promise<void>;
  /** Graceful: stop accepting, finish in-flight requests, close the pool, stop the embedded database. */
  stop(): Promise<void>;
  /** Base URL it listens on (after start). */
  readonly url: string;
  readonly orm: MikroORM;
  readonly services: Services;
  readonly logger: Logger;
}

export function sessionCookieName(config: Config): string {
  // `__Host-` binds the cookie to this exact origin (Secure, Path=/, no Domain): only possible on https.
  return isSecureOrigin(config.publicUrl) ? '__Host-sc_session' : 'sc_session';
}

/** Connects to DATABASE_URL, or starts the embedded PostgreSQL in the data folder. */
export async function openDatabase(
  config: Config,
  logger: Logger,
  onQuery?: (sql: string) => void,
  snapshot = false,
): Promise<{ orm: MikroORM; pool: SqlPool; embedded?: EmbeddedDatabase }> {
  let embedded: EmbeddedDatabase | undefined;
  let url = config.databaseUrl;
  if (url === undefined) {
    embedded = await startEmbeddedPostgres(config.dataDir, config.embeddedPgPort, logger);
    url = embedded.url;
  }
  const orm = await initOrm(url, logger, onQuery, snapshot, config.dbStatementTimeoutMs);
  const pool = createSqlPool(
    url,
    (err) => logger.warn({ err: err.message }, 'idle database connection lost; the pool reconnects'),
    config.dbStatementTimeoutMs,
  );
  return { orm, pool, embedded };
}

/** The one composition root: used by `main.ts`, the CLI and the tests. */
export function createApp(config: Config, options: { logger?: Logger } = {}): AppHandle {
  const logger = options.logger ?? createLogger(config);
  let orm: MikroORM | undefined;
  let services: Services | undefined;
  let embedded: EmbeddedDatabase | undefined;
  let httpServer: http.Server | undefined;
  let apollo: ApolloServer<Context> | undefined;
  let url = '';
  let maintenance: Maintenance | undefined;
  let pool: SqlPool | undefined;
  let ws: { dispose(): Promise<void>; connections(): number } | undefined;
  /** SQL statements sent through MikroORM by this process (`/metrics`). */
  let statements = 0;

  const handle: AppHandle = {
    get url() {
      return url;
    },
    get orm() {
      if (!orm) throw new Error('app not started');
      return orm;
    },
    get services() {
      if (!services) throw new Error('app not started');
      return services;
    },
    logger,

    async start() {
      const keys = await loadOrCreateKeys(config);
      // Every statement this process runs is seen before it runs: writes to the auth tables clear the
      // auth cache; writes to the range tables hold the range matcher until they are confirmed.
      const late: { services?: Services } = {};
      const db = await openDatabase(config, logger, (sql) => {
        statements++;
        if (late.services === undefined) return;
        if (writesTo(sql, AUTH_TABLES)) late.services.authCache.clear();
        if (writesTo(sql, RANGE_TABLES, true)) late.services.protection.ranges.noteLocalWrite();
      });
      orm = db.orm;
      embedded = db.embedded;
      await migrate(orm, logger);
      pool = db.pool;
      await assertKeysFitDatabase(db.pool, keys, config);
      if (config.nodeEnv === 'production' && config.smtpUrl === undefined) {
        logger.warn(
          { outbox: path.join(config.dataDir, 'outbox') },
          'SMTP_URL is not set: e-mails (sign-in codes, security alerts, reset links) are written to the outbox folder and reach nobody',
        );
      }
      if (config.webauthnRpId === null) {
        logger.warn(
          { publicUrl: config.publicUrl.origin },
          'PUBLIC_URL is an IP address, which browsers refuse as a WebAuthn RP ID: security keys and passkeys are unavailable (set WEBAUTHN_RP_ID, or PUBLIC_URL, to a host name)',
        );
      }
      services = createServices(config, keys, logger, db.pool);
      late.services = services;
      if (config.webauthnRpId === null) await warnIfKeysOnly(services, orm.em.fork(), logger);
      await services.feed.start();
      await services.protection.ranges.start();
      // GeoIP databases load in the background; the first lookups wait for them.
      void services.geo.load();
      await services.incidents.events.start();
      maintenance = startMaintenance(orm, services, logger);
      // Notifications the mail server did not take earlier, once due (any instance's, or left by the CLI):
      // rounds of their own, which a slow mail server cannot hold the clean-ups up with.
      services.mail.startRetries(maintenanceIntervalMs(config));
      const schema = await createSchema();

      const app = express();
      app.disable('x-powered-by');
      // Trust proxy headers only through our own resolveClientIp, never through express.
      app.set('trust proxy', false);
      // `/graphql` goes straight to Apollo (graphql-http.ts); everything else through Express.
      const routes: { graphql?: (req: http.IncomingMessage, res: http.ServerResponse) => void } = {};
      httpServer = http.createServer((req, res) => {
        const u = req.url ?? '';
        if (routes.graphql !== undefined && (u === '/graphql' || u.startsWith('/graphql?'))) routes.graphql(req, res);
        else app(req, res);
      });

      const secure = isSecureOrigin(config.publicUrl);
      const securityHeaders = helmet({
        contentSecurityPolicy: {
          directives: {
            'upgrade-insecure-requests': secure ? [] : null,
            'connect-src': ["'self'", `${secure ? 'wss' : 'ws'}://${config.publicUrl.host}`],
            // The dashboard is never framed, not even by itself (clickjacking of its security actions).
            'frame-ancestors': ["'none'"],
          },
        },
        frameguard: { action: 'deny' },
        strictTransportSecurity: secure,
      });
      app.use(securityHeaders);
      app.use(
        pinoHttp({
          logger,
          autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
          customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'debug'),
        }),
      );

      app.get('/healthz', (_req, res) => {
        res.json({ status: 'ok' });
      });
      app.get('/readyz', async (_req, res) => {
        // A GeoIP database that failed to load leaves every sign-in unplaced and detection blind: said
        // so, but still ready (taking every instance out of its load balancer would stop sign-ins too).
        const degraded = services?.geo.failure ? { status: 'degraded', reason: 'GeoIP databases failed to load' } : null;
        try {
          // A database that does not answer within 2 s is no better than one that is down.
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([
            orm!.em.fork().execute('select 1'),
            new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), 2000))),
          ]).finally(() => clearTimeout(timer));
          res.json(degraded ?? { status: 'ready' });
        } catch {
          res.status(503).json({ status: 'unavailable' });
        }
      });

      // Counters for operators; only from this machine (the resolved client address is loopback).
      app.get('/metrics', (req, res) => {
        // This machine only: the socket's own peer, and no request relayed by a proxy (a proxy on this
        // machine connects from loopback for whoever asked it).
        const peer = req.socket.remoteAddress?.replace(/^::ffff:/, '');
        const relayed = req.headers['x-forwarded-for'] !== undefined || req.headers['forwarded'] !== undefined;
        if ((peer !== '127.0.0.1' && peer !== '::1') || relayed) {
          res.status(404).end();
          return;
        }
        res
          .type('text/plain')
          .send(
            [
              '# HELP security_center_password_verifications_total argon2id verifications performed by this process.',
              '# TYPE security_center_password_verifications_total counter',
              `security_center_password_verifications_total ${services!.hasher.verifications}`,
              '# HELP security_center_password_hashes_total argon2id hashes of new passwords made by this process.',
              '# TYPE security_center_password_hashes_total counter',
              `security_center_password_hashes_total ${services!.hasher.hashes}`,
              '# HELP security_center_websocket_connections Open GraphQL WebSocket connections on this process.',
              '# TYPE security_center_websocket_connections gauge',
              `security_center_websocket_connections ${ws?.connections() ?? 0}`,
              '# HELP security_center_incident_events_delivered_total Incident events handed to subscribers on this process.',
              '# TYPE security_center_incident_events_delivered_total counter',
              `security_center_incident_events_delivered_total ${services!.incidents.events.delivered}`,
              '# HELP security_center_orm_statements_total SQL statements this process sent through MikroORM (not the hot-path prepared statements of the plain pool).',
              '# TYPE security_center_orm_statements_total counter',
              `security_center_orm_statements_total ${statements}`,
              '',
            ].join('\n'),
          );
      });

      const armor = new ApolloArmor({
        maxDepth: { n: 12 },
        maxAliases: { n: 15 },
        maxDirectives: { n: 20 },
        // Enforced by graphql-js's parser itself (`parseOptions` below, and the WebSocket's parse): a
        // parse error is a bad request (400), where the plugin's error in the parsing hook was a 500.
        maxTokens: { enabled: false },
        costLimit: { maxCost: 5000 },
        blockFieldSuggestion: { enabled: !config.graphqlIntrospection },
      });
      const protection = armor.protect();
      // graphql-armor's rules, and the rows a request's paged lists may return (see max-rows.ts).
      const validationRules = [...protection.validationRules, maxRowsRule];
      const svcRef = services;
      const wsServer = startWebSocketServer({
        httpServer,
        schema,
        validationRules: validationRules as never,
        orm,
        services: svcRef,
        config,
        cookieName: sessionCookieName(config),
        logger,
      });
      ws = wsServer;
      apollo = new ApolloServer<Context>({
        schema,
        introspection: config.graphqlIntrospection,
        hideSchemaDetailsFromClientErrors: !config.graphqlIntrospection,
        includeStacktraceInErrorResponses: false,
        allowBatchedHttpRequests: false,
        csrfPrevention: true,
        // main.ts owns the signals and stops everything in order.
        stopOnTerminationSignals: false,
        formatError: createFormatError(logger),
        validationRules,
        parseOptions: { maxTokens: GRAPHQL_MAX_TOKENS },
        plugins: [
          // graphql-armor's typings point at Apollo's CommonJS build; the plugin objects are the same.
          ...(protection.plugins as unknown as ApolloServerPlugin<Context>[]),
          ApolloServerPluginDrainHttpServer({ httpServer }),
          {
            // Open WebSockets would hold the HTTP server's drain forever: close them first.
            async serverWillStart() {
              return {
                async drainServer() {
                  await wsServer.dispose();
                },
              };
            },
          },
          ApolloServerPluginCacheControlDisabled(),
          {
            // An answer leaves only once what it wrote to the IP ranges is in memory too (see RangeIndex).
            async requestDidStart() {
              const writesBefore = svcRef.protection.ranges.writes;
              return {
                async didResolveOperation(rc) {
                  assertNoNul(rc.request.variables, rc.source, rc.document);
                },
                async willSendResponse() {
                  const ranges = svcRef.protection.ranges;
                  if (ranges.unconfirmed || ranges.writes !== writesBefore) await ranges.sync();
                },
              };
            },
          },
        ],
      });
      await apollo.start();

      const cookieName = sessionCookieName(config);
      const cookieBase = { httpOnly: true, secure, sameSite: 'strict' as const, path: '/' };
      const svc = services;
      const ormRef = orm;
      const graphqlHeaders = staticHeaders(securityHeaders);
      /**
       * Who is asking: a bearer API token, else the session cookie (a request that sends a token is
       * judged by the token alone), and whether the account's IP access list refuses this address.
       */
      const authenticate = async (
        req: http.IncomingMessage,
        em: EntityManager | (() => EntityManager),
        presentedToken?: string,
      ) => {
        const clientIp = resolveClientIp(req.socket.remoteAddress, req.headers, config.trustedProxies, config.proxyHeader);
        const ua = req.headers['user-agent'];
        const userAgent = typeof ua === 'string' ? ua.slice(0, 512) : null;
        const authorization = req.headers.authorization;
        const resolved = authorization
          ? await svc.apiTokens.resolve(em, authorization, clientIp)
          : await svc.sessions.resolve(em, presentedToken, clientIp);
        const { viewer, refused } = await svc.adminAccess.enforce(em, resolved, clientIp, userAgent);
        return { clientIp, userAgent, viewer, refused };
      };
      const contextFor = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<Context> => {
        // The fork is made when something first needs it: the integrator's decision never does.
        let forked: EntityManager | undefined;
        const em = () => (forked ??= ormRef.em.fork());
        const presentedToken = parseCookies(req.headers.cookie ?? '')[cookieName];
        const appendCookie = (value: string) => {
          const prev = res.getHeader('set-cookie');
          res.setHeader('set-cookie', prev === undefined ? [value] : [...(Array.isArray(prev) ? prev : [String(prev)]), value]);
        };
        const cookies: SessionCookieJar = {
          presentedToken,
          set: (token) => {
            appendCookie(serializeCookie(cookieName, token, cookieBase));
          },
          clear: () => {
            appendCookie(serializeCookie(cookieName, '', { ...cookieBase, maxAge: 0, expires: new Date(0) }));
          },
        };
        const { clientIp, userAgent, viewer, refused } = await authenticate(req, em, presentedToken);
        // `em` is a getter on the prototype: Apollo copies the context's own properties per operation,
        // which would call an own getter and fork for every request.
        return Object.assign(Object.create(LAZY_EM) as Context, {
          makeEm: em,
          viewer,
          accessRefused: refused,
          clientIp,
          userAgent,
          cookies,
          services: svc,
        });
      };
      routes.graphql = createGraphqlHttpHandler({
        apollo,
        context: contextFor,
        headers: graphqlHeaders,
        limitBytes: 256 * 1024,
        logger,
      });

      // Audit log export as CSV, with the same filters as the `auditLog` query (READ_AUDIT_LOG).
      app.get('/export/audit.csv', async (req, res, next) => {
        try {
          const em = ormRef.em.fork();
          // The access list holds here as for every GraphQL request (and the attempt is recorded).
          const { viewer, refused } = await authenticate(req, em, parseCookies(req.headers.cookie ?? '')[cookieName]);
          if (refused) {
            res.status(403).json({
              errors: [
                {
                  message: 'Your account only accepts requests from the IPs in its access list.',
                  extensions: { code: 'IP_NOT_ALLOWED' },
                },
              ],
            });
            return;
          }
          if (viewer === null || (viewer.apiToken === null && viewer.session?.stage !== SessionStage.FULL)) {
            res.status(401).json({ errors: [{ message: 'Sign in first.', extensions: { code: 'UNAUTHENTICATED' } }] });
            return;
          }
          if (!isAllowed(viewer, Permission.READ_AUDIT_LOG)) {
            res
              .status(403)
              .json({ errors: [{ message: 'You do not have permission to do this.', extensions: { code: 'FORBIDDEN' } }] });
            return;
          }
          const q = req.query as Record<string, string | undefined>;
          const date = (v: string | undefined) => (v && !Number.isNaN(Date.parse(v)) ? new Date(v) : undefined);
          const filter = {
            actorId: q['actorId'] && /^[0-9a-f-]{36}$/i.test(q['actorId']) ? q['actorId'] : undefined,
            action: q['action'] && q['action'] in AuditAction ? (q['action'] as AuditAction) : undefined,
            targetId: q['targetId']?.slice(0, 64),
            actorEmail: q['actorEmail']?.slice(0, 254),
            target: q['target']?.slice(0, 254),
            from: date(q['from']),
            to: date(q['to']),
          };
          res.setHeader('Content-Type', 'text/csv; charset=utf-8');
          res.setHeader('Content-Disposition', 'attachment; filename="audit-log.csv"');
          res.setHeader('Cache-Control', 'no-store');
          res.write(auditCsvHeader());
          // Keyset pages (see AuditService.exportPage), written only as fast as the client reads them, and
          // no more once it has gone (a closed response's write answers false and never drains).
          const closed = new Promise<void>((resolve) => res.once('close', () => resolve()));
          const pageSize = 1000;
          // The first page starts at the newest entry; each next one below the last id written, so
          // entries appended meanwhile (higher ids) never come in.
          let beforeId: string | null = null;
          for (let more = true; more && !res.destroyed;) {
            const rows = await svc.audit.exportPage(em.fork(), filter, pageSize, beforeId);
            let chunk = '';
            for (const row of rows) chunk += auditCsvRow(row);
            if (!res.write(chunk) && !res.destroyed) {
              let drained: () => void = () => undefined;
              await Promise.race([new Promise<void>((resolve) => res.once('drain', (drained = resolve))), closed]);
              res.off('drain', drained);
            }
            more = rows.length === pageSize;
            beforeId = rows.at(-1)?.id ?? null;
          }
          res.end();
        } catch (err) {
          next(err);
        }
      });

      serveDashboard(app, config, logger);
      // Last: anything thrown outside GraphQL (malformed JSON, oversized body) answers in GraphQL's
      // error shape with a catalog code, never Express's HTML page with a stack trace.
      app.use((err: unknown, _req: Request, res: Response, _next: express.NextFunction) => {
        const timedOut = isDatabaseTimeout(err);
        const status = timedOut
          ? 503
          : typeof (err as { status?: unknown }).status === 'number'
            ? (err as { status: number }).status
            : 500;
        if (timedOut) logger.warn({ err }, 'database timeout in HTTP request');
        else if (status >= 500) logger.error({ err }, 'unhandled HTTP error');
        // Failing halfway through a streamed answer (the audit export): cut off, so it cannot pass for whole.
        if (res.headersSent) {
          res.destroy();
          return;
        }
        res.status(status).json({
          errors: [
            timedOut
              ? { message: DATABASE_TIMEOUT_MESSAGE, extensions: { code: 'DATABASE_TIMEOUT' } }
              : status < 500
                ? { message: 'The request body is malformed or too large.', extensions: { code: 'BAD_USER_INPUT' } }
                : { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
          ],
        });
      });

      await new Promise<void>((resolve, reject) => {
        httpServer!.once('error', reject);
        httpServer!.listen(config.port, config.host, () => resolve());
      });
      const address = httpServer.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
      logger.info({ url, publicUrl: config.publicUrl.origin, embeddedDatabase: embedded !== undefined }, 'server listening');
    },

    async stop() {
      if (maintenance) {
        clearInterval(maintenance.timer);
        // A round stuck on the database does not hold the shutdown for long.
        const running = maintenance.running;
        if (running) await Promise.race([running, new Promise((r) => setTimeout(r, 5000).unref())]);
      }
      if (services) await services.incidents.events.stop();
      if (services) await services.feed.stop();
      if (apollo)
        await apollo.stop(); // drains the HTTP server: no new connections, in-flight requests finish
      else if (httpServer?.listening) await new Promise<void>((r) => httpServer!.close(() => r()));
      if (services) await services.incidents.drain();
      // Events still waiting for their batch's insert (requests cut short by the drain's deadline).
      if (services) await services.loginEvents.flushBatch().catch(() => undefined);
      if (services) await services.mail.drain(5_000);
      if (services) await services.hasher.close();
      if (orm) await orm.close(true);
      if (pool) {
        // pool.end() returns once each client was told to close, not when it has: a cluster stopped
        // right after may still end a closing connection, which is no news at this point.
        pool.removeAllListeners('error').on('error', () => undefined);
        await pool.end();
      }
      if (embedded) await embedded.stop();
      logger.info('server stopped');
    },
  };
  return handle;
}

function serveDashboard(app: express.Express, config: Config, logger: Logger): void {
  const dir = config.clientDistDir;
  const index = dir === undefined ? undefined : path.join(dir, 'index.html');
  if (dir === undefined || index === undefined || !existsSync(index)) {
    if (dir !== undefined) logger.warn({ dir }, 'dashboard not built: run `pnpm build` (pnpm start does it for you)');
    app.get('/{*path}', (_req, res) => {
      res
        .status(404)
        .type('text/plain')
        .send('Dashboard not built. Run the build (pnpm build) or use the Vite dev server (pnpm dev).');
    });
    return;
  }
  app.use('/assets', express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '1y', index: false }));
  // A missing chunk (an old tab after a deploy) is a 404, not the app shell served as a script.
  app.use('/assets', (_req, res) => {
    res.status(404).type('text/plain').send('Not found');
  });
  app.use(express.static(dir, { index: false, maxAge: 0 }));
  // SPA: every other GET renders the app shell; the client router takes over.
  app.get('/{*path}', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}

interface Maintenance {
  timer: NodeJS.Timeout;
  /** When old records were last pruned (hourly; the first round after start does it too). */
  prunedAt: number;
  /** The round in progress, if any (awaited by `stop`: its summary e-mails must reach the mail queue first). */
  running: Promise<void> | undefined;
}

/**
 * Every minute or so: forget counters and wrong-secret hashes older than any window could need, and the
 * e-mail codes and security-key challenges nothing can use any more; send incident summaries; every
 * hour, prune what is kept no longer (`LOGIN_HISTORY_DAYS`, `ENDED_RECORD_DAYS`: see db/retention.ts).
 */
function startMaintenance(orm: MikroORM, services: Services, logger: Logger): Maintenance {
  const m: Maintenance = { timer: undefined as unknown as NodeJS.Timeout, running: undefined, prunedAt: 0 };
  m.timer = setInterval(() => {
    if (m.running) {
      logger.warn('maintenance round skipped: the last one has not finished');
      return;
    }
    m.running = maintenanceRound(orm, services, logger, m)
      .catch((err: unknown) => logger.warn({ err }, 'maintenance failed'))
      .finally(() => {
        m.running = undefined;
      });
  }, maintenanceIntervalMs(services.config));
  m.timer.unref();
  return m;
}

/**
 * One round. Each step on its own: one that fails (a table grown huge in a flood, past the statement
 * timeout) is logged and the others still run, the incident summaries among them.
 */
async function maintenanceRound(orm: MikroORM, services: Services, logger: Logger, m: Maintenance): Promise<void> {
  const step = async (name: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (err) {
      logger.warn({ err, step: name }, 'maintenance failed');
    }
  };
  // Expired blocks and trusts leave memory (an expiry changes no row, so nothing announces it).
  services.protection.ranges.matcher.prune();
  const em = orm.em.fork();
  await step('counters', async () => {
    const s = await services.settings.bruteForce(em);
    // The table holds the brute-force counters, the password guard's (`name:`), listed staff's budgets
    // through blocks (`listed:`), a session's wrong re-authentication passwords in a row (`reauth:`, for
    // as long as a session lives) and the second-factor budgets, each kind with its own window.
    const counted = Math.max(s.windowSeconds, services.config.twoFactor.attemptWindowSeconds);
    await purge(
      em,
      'failure_counter',
      `t.window_start < now() - make_interval(secs => case when t.key like 'name:%' then ?::int
                                                          when t.key like 'listed:%' then ?::int
                                                          when t.key like 'reauth:%' then ?::int else ?::int end)`,
      [services.config.passwordGuard.windowSeconds, s.maxBlockSeconds, services.config.sessionAbsoluteTimeoutSeconds, counted],
    );
    await purge(em, 'recent_wrong_password', `t.last_at < now() - make_interval(secs => ?)`, [s.windowSeconds]);
  });
  // Codes and challenges of sessions that ended (a live session's code row keeps its failure count). A
  // pending sign-in has no row (its codes are bound to its sealed id): its codes stay as long as it may live.
  await step('codes', async () => {
    await purge(
      em,
      'email_code',
      `not exists (select 1 from session s where s.id = t.session_id and s.revoked_at is null and s.expires_at > now())
         and t.sent_at < now() - make_interval(secs => ?)`,
      [services.config.twoFactor.pendingSessionSeconds],
    );
    await purge(em, 'webauthn_challenge', `t.expires_at < now()`);
  });
  await step('incident summaries', () => services.incidents.flushSummaries(em));
  if (Date.now() - m.prunedAt >= 3_600_000) {
    m.prunedAt = Date.now();
    await step('retention', () => pruneRetained(services.sessions.pool, services.config.retention, logger));
  }
}

/**
 * A DELETE of what `where` picks (rows of `table` as `t`), in batches, each its own statement well
 * inside the statement timeout: after a flood the tables hold millions of rows, which one statement
 * would not get through before the timeout cancelled it, round after round. At most
 * `MAINTENANCE_MAX_BATCHES` a round.
 */
async function purge(em: EntityManager, table: string, where: string, params: unknown[] = []): Promise<void> {
  for (let i = 0; i < MAINTENANCE_MAX_BATCHES; i++) {
    const res = await em.execute(
      `delete from ${table} where ctid = any(array(select ctid from ${table} t where ${where} limit ${MAINTENANCE_BATCH}))`,
      params,
      'run',
    );
    if (((res as { affectedRows?: number }).affectedRows ?? 0) < MAINTENANCE_BATCH) return;
  }
}

/** Rows one maintenance DELETE takes, and how many such DELETEs a table gets per round. */
const MAINTENANCE_BATCH = 5000;
const MAINTENANCE_MAX_BATCHES = 100;

/** Every minute, or as often as incident e-mails may go out when that is more often (tests: every second). */
function maintenanceIntervalMs(config: Config): number {
  return Math.min(60_000, config.incidentMailThrottleSeconds * 1000);
}

/** The prototype of every HTTP operation's context: its EntityManager fork is made on first use. */
const LAZY_EM = {
  get em(): EntityManager {
    return (this as unknown as { makeEm: () => EntityManager }).makeEm();
  },
};

/** The headers a helmet middleware sets, read once, for answers that do not pass through Express. */
function staticHeaders(middleware: express.RequestHandler): [string, string][] {
  const headers = new Map<string, string>();
  const res = {
    setHeader: (k: string, v: string | number | string[]) =>
      headers.set(k.toLowerCase(), Array.isArray(v) ? v.join(', ') : String(v)),
    removeHeader: (k: string) => headers.delete(k.toLowerCase()),
    getHeader: (k: string) => headers.get(k.toLowerCase()),
  };
  let called = false;
  void middleware({ headers: {}, method: 'POST', url: '/graphql' } as never, res as never, () => (called = true));
  if (!called) throw new Error('security headers middleware did not finish synchronously');
  return [...headers];
}

/**
 * On a server without an RP ID (reached by an IP address), 2FA settings saved while it had one may
 * leave security keys the only method to set up, for everyone or for the staff a policy requires 2FA
 * of: accounts sent to set up 2FA could then set up nothing and never finish signing in (an admin
 * among them could not reach the settings to change them). The operator is told at start what to fix.
 */
async function warnIfKeysOnly(services: Services, em: EntityManager, logger: Logger): Promise<void> {
  const s = await services.settings.twoFactor(em);
  if (!s.enabled || !s.allowedMethods.includes(TwoFactorMethod.WEBAUTHN)) return;
  const left = leftToEnroll(s.allowedMethods, s.emailForStaff, false);
  if (left.everyone.length > 0 && !(s.requiredForStaff && left.staff.length === 0)) return;
  logger.error(
    { allowedMethods: s.allowedMethods, requiredForStaff: s.requiredForStaff, emailForStaff: s.emailForStaff },
    `the two-factor settings leave security keys the only method ${left.everyone.length === 0 ? 'anyone' : 'admins and sub-admins'} can set up, which this server cannot offer: accounts sent to set up 2FA can set up nothing and cannot finish signing in. Set WEBAUTHN_RP_ID (or PUBLIC_URL) to a host name and restart`,
  );
}
