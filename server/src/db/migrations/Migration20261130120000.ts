import { Migration } from '@mikro-orm/migrations';

/**
 * The range tables announce each written row (`<table>:<id>`) instead of each statement, so every
 * instance's in-memory matcher reads back exactly the rows that changed (ip-block/range-matcher.ts).
 * TRUNCATE still announces the table alone (read it all again).
 */
export class Migration20261130120000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create or replace function notify_row_change() returns trigger language plpgsql as $$
      begin
        perform pg_notify('sc_table_change', TG_TABLE_NAME || ':' || (case when TG_OP = 'DELETE' then OLD.id else NEW.id end)::text);
        return null;
      end $$;`);
    for (const t of ['ip_block', 'trusted_ip']) {
      this.addSql(`drop trigger if exists "${t}_change_notify" on "${t}";`);
      this.addSql(
        `create trigger "${t}_row_notify" after insert or update or delete on "${t}" for each row execute function notify_row_change();`,
      );
    }
  }

  override async down(): Promise<void> {
    for (const t of ['ip_block', 'trusted_ip']) {
      this.addSql(`drop trigger if exists "${t}_row_notify" on "${t}";`);
      this.addSql(
        `create trigger "${t}_change_notify" after insert or update or delete on "${t}" for each statement execute function notify_table_change();`,
      );
    }
    this.addSql(`drop function if exists notify_row_change();`);
  }
}
