import pg from 'pg';
import type { TestDatabase } from './database.js';

/** What the servers' change feed hears (`sc_table_change`), heard by the test through its own LISTEN. */
export interface TableChanges {
  /**
   * Sends `marker` and waits until it is heard: notifications arrive in commit order, so every earlier
   * one was heard too. Returns all heard since the last call, the marker last.
   */
  settle(marker: string): Promise<string[]>;
  end(): Promise<void>;
}

export async function listenTableChanges(db: TestDatabase): Promise<TableChanges> {
  const listener = new pg.Client({ connectionString: db.url });
  await listener.connect();
  const heard: string[] = [];
  listener.on('notification', (n) => heard.push(n.payload ?? ''));
  await listener.query('listen sc_table_change');
  return {
    async settle(marker) {
      await db.query(`select pg_notify('sc_table_change', $1)`, [marker]);
      for (let i = 0; i < 200 && !heard.includes(marker); i++) await new Promise((r) => setTimeout(r, 10));
      return heard.splice(0);
    },
    end: () => listener.end(),
  };
}
