import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes on foreign keys that rows are looked up or deleted by: an account's incidents (its page, and
 * the cascade when it is deleted), its reset links (each new link ends the older ones), an incident's
 * holder links (ended when it is treated as compromised), the reset requests about an account.
 */
export class Migration20261201210000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "password_reset_token_account_idx" on "password_reset_token" ("account_id");`);
    this.addSql(`create index "security_incident_account_idx" on "security_incident" ("account_id");`);
    this.addSql(`create index "incident_holder_link_incident_idx" on "incident_holder_link" ("incident_id");`);
    this.addSql(`create index "two_factor_reset_request_target_idx" on "two_factor_reset_request" ("target_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "incident_holder_link_incident_idx";`);
    this.addSql(`drop index "password_reset_token_account_idx";`);
    this.addSql(`drop index "security_incident_account_idx";`);
    this.addSql(`drop index "two_factor_reset_request_target_idx";`);
  }
}
