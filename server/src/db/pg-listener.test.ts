import net from 'node:net';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { PgListener } from './pg-listener.js';

/**
 * A TCP proxy in front of PostgreSQL that can make its current connections go silent: no data either
 * way, no close (what a NAT or load balancer that forgot an idle flow does). New connections pass.
 */
async function silencingProxy(target: URL): Promise<{ url: string; silence(): void; close(): Promise<void> }> {
  const live = new Set<{ silent: boolean; sockets: net.Socket[] }>();
  const server = net.createServer((client) => {
    const host = decodeURIComponent(target.hostname);
    const port = Number(target.port || 5432);
    // DATABASE_URL may name a Unix socket's folder instead of a host.
    const upstream = host.startsWith('/') ? net.connect(path.join(host, `.s.PGSQL.${port}`)) : net.connect(port, host);
    const pair = { silent: false, sockets: [client, upstream] };
    live.add(pair);
    client.on('data', (d) => pair.silent || upstream.write(d));
    upstream.on('data', (d) => pair.silent || client.write(d));
    const end = () => {
      live.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = new URL(target.toString());
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as net.AddressInfo).port);
  return {
    url: url.toString(),
    silence: () => live.forEach((p) => (p.silent = true)),
    close: async () => {
      live.forEach((p) => p.sockets.forEach((s) => s.destroy()));
      await new Promise((r) => server.close(r));
    },
  };
}

const waitFor = async (check: () => boolean) => {
  for (let i = 0; i < 1_000 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
  return check();
};

describe('a LISTEN connection', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('pg_listener');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('that dies without a word is noticed by its heartbeat and replaced, and hears again', { timeout: 90_000 }, async () => {
    const proxy = await silencingProxy(new URL(db.url));
    const events: string[] = [];
    const heard: string[] = [];
    const listener = new PgListener(
      proxy.url,
      'listener_test',
      pino({ level: 'silent' }),
      { message: (p) => heard.push(p), connected: () => events.push('connected'), lost: () => events.push('lost') },
      // Short enough for a quick test, long enough that a busy machine's pause is not taken for a loss.
      2_000,
    );
    try {
      await listener.start();
      await db.query(`select pg_notify('listener_test', 'first')`);
      expect(await waitFor(() => heard.includes('first'))).toBe(true);

      // Nothing was lost before the silence (a loss here would be the machine's pause, not the test's).
      expect(events).toEqual(['connected']);
      proxy.silence();
      await db.query(`select pg_notify('listener_test', 'lost in the silence')`);
      expect(await waitFor(() => events.length >= 3)).toBe(true);
      expect(events).toEqual(['connected', 'lost', 'connected']);
      await db.query(`select pg_notify('listener_test', 'second')`);
      expect(await waitFor(() => heard.includes('second'))).toBe(true);
      expect(heard).toEqual(['first', 'second']);
    } finally {
      await listener.stop();
      await proxy.close();
    }
  });
});
