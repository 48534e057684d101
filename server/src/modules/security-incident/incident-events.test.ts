import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { SqlPool } from '../../db/pool.js';
import { IncidentEventBus, type IncidentEventPayload } from './incident-events.js';

const logger = pino({ level: 'silent' });
/** What an admin sees. */
const ALL = ['ADMIN', 'SUB_ADMIN', 'USER'];

/**
 * A pool whose answers come back after the given delays, in call order (the bus reads the incident's
 * row for each event). The LISTEN connection is never started here: notifications are fed in directly.
 */
function slowPool(delays: number[], role = 'USER'): SqlPool {
  let call = 0;
  const pool = {
    options: { connectionString: 'postgres://unused@127.0.0.1:1/none' },
    query: async (cfg: { values?: unknown[] }) => {
      const delay = delays[call++] ?? 0;
      await new Promise((r) => setTimeout(r, delay));
      const id = String(cfg.values?.[0]);
      return {
        rows: [
          {
            account_id: 'acct',
            email: 'a@example.test',
            role,
            severity: 'LOW',
            reason: 'TRAVELLING',
            status: id === 'first' ? 'OPEN' : 'RESOLVED',
            impossible_travel: false,
            updated_at: new Date(),
            // Open incidents in all and of staff per role: an admin's is open throughout.
            total: id === 'first' ? 2 : 1,
            staff: { ADMIN: 1 },
          },
        ],
      };
    },
  };
  return pool as unknown as SqlPool;
}

describe('IncidentEventBus', () => {
  it('delivers events in the order they were notified, even when an earlier read answers later', async () => {
    const bus = new IncidentEventBus(slowPool([80, 0]), logger);
    const stream = bus.subscribe(ALL);
    await Promise.all([bus.receive('OPENED:first'), bus.receive('RESOLVED:second')]);
    const got: IncidentEventPayload[] = [(await stream.next()).value, (await stream.next()).value];
    // Out of order, the banner would show the count of the older event (1) last.
    expect(got.map((e) => [e.kind, e.openIncidents])).toEqual([
      ['OPENED', 2],
      ['RESOLVED', 1],
    ]);
    await stream.return?.();
  });

  it('keeps the newest events for a subscriber that does not keep up (each carries the open count now)', async () => {
    const bus = new IncidentEventBus(slowPool([]), logger);
    const stream = bus.subscribe(ALL);
    for (let i = 0; i < 101; i++) await bus.receive(`UPDATED:${i === 100 ? 'first' : 'second'}`);
    const kept: IncidentEventPayload[] = [];
    for (let i = 0; i < 100; i++) kept.push((await stream.next()).value);
    expect(kept).toHaveLength(100);
    // The 101st (newest) event is the last one kept; the oldest went.
    expect(kept.at(-1)!.incidentId).toBe('first');
    expect(kept.filter((e) => e.incidentId === 'first')).toHaveLength(1);
    await stream.return?.();
  });

  it('ignores malformed notifications', async () => {
    const bus = new IncidentEventBus(slowPool([]), logger);
    const stream = bus.subscribe(ALL);
    for (const raw of ['', ':', 'OPENED', 'OPENED:', 'NOPE:x', 'DELETED:{not json']) await bus.receive(raw);
    await bus.receive('RESOLVED:second');
    expect((await stream.next()).value.incidentId).toBe('second');
    await stream.return?.();
  });

  it('gives each subscriber only the events of the roles it may see, counting only those; one shared object per set of roles', async () => {
    const users = new IncidentEventBus(slowPool([]), logger);
    const all = users.subscribe(ALL);
    const staff = users.subscribe(['USER', 'SUB_ADMIN']);
    const staffToo = users.subscribe(['SUB_ADMIN', 'USER']);
    await users.receive('OPENED:first');
    const [a, s1, s2] = [(await all.next()).value, (await staff.next()).value, (await staffToo.next()).value];
    expect([a.openIncidents, s1.openIncidents]).toEqual([2, 1]);
    // The WebSocket server computes one GraphQL result per object: the same roles share it.
    expect(s2).toBe(s1);
    expect(Object.isFrozen(s1)).toBe(true);
    expect(s1).not.toHaveProperty('openByRole');

    // An admin's incident reaches only a subscriber who sees admins.
    const admins = new IncidentEventBus(slowPool([], 'ADMIN'), logger);
    const admin = admins.subscribe(ALL);
    const subAdmin = admins.subscribe(['USER', 'SUB_ADMIN']);
    await admins.receive('OPENED:first');
    await admins.receive(
      'DELETED:' +
        JSON.stringify({
          id: 'gone',
          accountId: 'x',
          email: 'x@example.test',
          role: 'USER',
          severity: 'LOW',
          reason: 'TRAVELLING',
          impossibleTravel: false,
        }),
    );
    expect((await admin.next()).value.incidentId).toBe('first');
    expect((await admin.next()).value.incidentId).toBe('gone');
    expect((await subAdmin.next()).value.incidentId).toBe('gone');
    for (const s of [all, staff, staffToo, admin, subAdmin]) await s.return?.();
  });
});
