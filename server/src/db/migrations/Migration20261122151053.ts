import { Migration } from '@mikro-orm/migrations';

export class Migration20261122151053 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "audit_log" ("id" bigserial primary key, "occurred_at" timestamptz not null, "actor_id" uuid null, "actor_email" varchar(254) null, "action" text check ("action" in ('FIRST_ADMIN_CREATED', 'ADMIN_LOGIN', 'ACCOUNT_CREATED', 'ACCOUNT_DISABLED', 'ACCOUNT_ENABLED', 'SESSION_REVOKED', 'API_TOKEN_CREATED', 'API_TOKEN_REVOKED', 'IP_BLOCKED', 'IP_UNBLOCKED', 'IP_MARKED_SAFE', 'TRUSTED_IP_REMOVED', 'NAMED_LOCATION_CREATED', 'NAMED_LOCATION_DELETED', 'ASN_KIND_SET', 'SETTINGS_CHANGED')) not null, "target_type" varchar(40) null, "target_id" varchar(64) null, "target_label" varchar(254) null, "details" jsonb not null, "ip" varchar(45) not null);`,
    );
    this.addSql(`create index "audit_log_action_time_idx" on "audit_log" ("action", "occurred_at");`);
    this.addSql(`create index "audit_log_actor_time_idx" on "audit_log" ("actor_id", "occurred_at");`);
    this.addSql(`create index "audit_log_time_idx" on "audit_log" ("occurred_at");`);

    this.addSql(
      `alter table "audit_log" add constraint "audit_log_actor_id_foreign" foreign key ("actor_id") references "account" ("id") on update cascade on delete set null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "audit_log" cascade;`);
  }
}
