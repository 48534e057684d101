import { Migration } from '@mikro-orm/migrations';

/** The audit log by target (an account's page, the `targetId` filter), newest first. */
export class Migration20261201220000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "audit_log_target_time_idx" on "audit_log" ("target_id", "occurred_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "audit_log_target_time_idx";`);
  }
}
