import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

export interface GraphqlHttpOptions<C extends BaseContext> {
  apollo: ApolloServer<C>;
  context: (req: IncomingMessage, res: ServerResponse) => Promise<C>;
  /** Headers every answer carries (the same security headers helmet gives the dashboard). */
  headers: ReadonlyArray<readonly [string, string]>;
  limitBytes: number;
  logger: Logger;
}

const MALFORMED = JSON.stringify({
  errors: [{ message: 'The request body is malformed or too large.', extensions: { code: 'BAD_USER_INPUT' } }],
});
const INTERNAL = JSON.stringify({
  errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
});

/**
 * `/graphql` served by Apollo's own HTTP entry point (`executeHTTPGraphQLRequest`) straight from
 * node:http, without Express's router, body parser and per-request logger in front of it: the
 * integrator API is the hot path (a mail server asks once per login). What Express did here is done
 * here: the body is read up to a limit and parsed as JSON only when it says it is JSON (anything else
 * reaches Apollo's CSRF prevention as no body), malformed or oversized bodies get the same typed error
 * as elsewhere, and every answer carries the security headers and `Cache-Control: no-store`.
 */
export function createGraphqlHttpHandler<C extends BaseContext>(
  opts: GraphqlHttpOptions<C>,
): (req: IncomingMessage, res: ServerResponse) => void {
  const { apollo, context, headers, limitBytes, logger } = opts;
  const debug = logger.isLevelEnabled('debug');

  const fail = (res: ServerResponse, status: number, body: string) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.statusCode = status;
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, body: unknown) => {
    const map = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) map.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: (req.method ?? 'GET').toUpperCase(),
        headers: map,
        search: q === -1 ? '' : url.slice(q),
        body,
      },
      context: () => context(req, res),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.setHeader('content-length', Buffer.byteLength(response.body.string));
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };

  return (req, res) => {
    const started = debug ? performance.now() : 0;
    for (const [k, v] of headers) res.setHeader(k, v);
    res.setHeader('cache-control', 'no-store');
    if (debug) {
      res.once('finish', () =>
        logger.debug(
          { method: req.method, url: req.url, status: res.statusCode, ms: performance.now() - started },
          'graphql request',
        ),
      );
    }
    const run = (body: unknown) =>
      handle(req, res, body).catch((err: unknown) => {
        logger.error({ err }, 'unhandled GraphQL HTTP error');
        fail(res, 500, INTERNAL);
      });

    if (req.method !== 'POST') {
      req.resume();
      void run(undefined);
      return;
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const json = type === 'application/json' || type.endsWith('+json');
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    const declared = Number(req.headers['content-length'] ?? 0);
    // A refused body of moderate size is read to its end (and dropped) before the answer: a client still
    // sending when the connection closed would get a reset, not the typed error. Beyond `drainBytes`
    // the answer goes at once and the connection closes (nobody is made to upload gigabytes).
    const drainBytes = 16 * limitBytes;
    let refused: number | null = null;
    const refuse = (status: number) => {
      refused = status;
      if (declared > drainBytes) answerRefusal(true);
    };
    const answerRefusal = (close: boolean) => {
      if (res.headersSent || refused === null) return;
      if (close) res.setHeader('connection', 'close');
      fail(res, refused, MALFORMED);
    };
    if (encoding !== 'identity') refuse(415);
    else if (declared > limitBytes) refuse(413);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (refused !== null) {
        if (size > drainBytes) answerRefusal(true);
        return;
      }
      if (size > limitBytes) {
        chunks.length = 0;
        refuse(413);
        return;
      }
      chunks.push(chunk);
    });
    req.once('error', () => res.destroy());
    req.once('end', () => {
      if (refused !== null) {
        answerRefusal(false);
        return;
      }
      if (!json) {
        void run(undefined);
        return;
      }
      let body: unknown;
      try {
        const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
        body = JSON.parse(text);
      } catch {
        fail(res, 400, MALFORMED);
        return;
      }
      // Like body-parser's strict mode: only an object or an array is a request.
      if (body === null || typeof body !== 'object') {
        fail(res, 400, MALFORMED);
        return;
      }
      void run(body);
    });
  };
}
