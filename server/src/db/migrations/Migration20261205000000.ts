import { Migration } from '@mikro-orm/migrations';

/**
 * Every committed change to the `setting` table is announced on `sc_table_change` (payload: the
 * table; see db/change-feed.ts), so that every instance forgets the settings it keeps in memory at
 * once, not up to a few seconds later: a policy switched on must hold for the very next sign-in on any
 * instance, as the sessions it ends are ended at once.
 */
export class Migration20261205000000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create trigger "setting_change_notify" after insert or update or delete on "setting" for each statement execute function notify_table_change();`,
    );
    this.addSql(
      `create trigger "setting_truncate_notify" after truncate on "setting" for each statement execute function notify_table_change();`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "setting_change_notify" on "setting";`);
    this.addSql(`drop trigger if exists "setting_truncate_notify" on "setting";`);
  }
}
