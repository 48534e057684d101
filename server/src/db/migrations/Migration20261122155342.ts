import { Migration } from '@mikro-orm/migrations';

export class Migration20261122155342 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "admin_access_entry" ("id" uuid not null default gen_random_uuid(), "account_id" uuid not null, "cidr" cidr not null, "label" varchar(100) null, "created_at" timestamptz not null, constraint "admin_access_entry_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "admin_access_entry_account_id_index" on "admin_access_entry" ("account_id");`);
    this.addSql(`create index "admin_access_entry_cidr_gist" on "admin_access_entry" using gist ("cidr" inet_ops);`);

    this.addSql(
      `alter table "admin_access_entry" add constraint "admin_access_entry_account_id_foreign" foreign key ("account_id") references "account" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(`alter table "audit_log" drop constraint if exists "audit_log_action_check";`);

    this.addSql(`alter table "login_event" drop constraint if exists "login_event_outcome_check";`);

    this.addSql(`alter table "account" add column "ip_restricted" boolean not null default false;`);

    this.addSql(
      `alter table "audit_log" add constraint "audit_log_action_check" check("action" in ('FIRST_ADMIN_CREATED', 'ADMIN_LOGIN', 'ACCOUNT_CREATED', 'ACCOUNT_DISABLED', 'ACCOUNT_ENABLED', 'SESSION_REVOKED', 'API_TOKEN_CREATED', 'API_TOKEN_REVOKED', 'IP_BLOCKED', 'IP_UNBLOCKED', 'IP_MARKED_SAFE', 'TRUSTED_IP_REMOVED', 'NAMED_LOCATION_CREATED', 'NAMED_LOCATION_DELETED', 'ASN_KIND_SET', 'SETTINGS_CHANGED', 'ACCESS_LIST_ENTRY_ADDED', 'ACCESS_LIST_ENTRY_REMOVED', 'IP_RESTRICTION_CHANGED', 'IP_RESTRICTION_LIFTED_BY_CLI'));`,
    );

    this.addSql(
      `alter table "login_event" add constraint "login_event_outcome_check" check("outcome" in ('SUCCESS', 'INVALID_CREDENTIALS', 'ACCOUNT_DISABLED', 'BLOCKED', 'IP_NOT_ALLOWED'));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "admin_access_entry" cascade;`);

    this.addSql(`alter table "audit_log" drop constraint if exists "audit_log_action_check";`);

    this.addSql(`alter table "login_event" drop constraint if exists "login_event_outcome_check";`);

    this.addSql(`alter table "account" drop column "ip_restricted";`);

    this.addSql(
      `alter table "audit_log" add constraint "audit_log_action_check" check("action" in ('FIRST_ADMIN_CREATED', 'ADMIN_LOGIN', 'ACCOUNT_CREATED', 'ACCOUNT_DISABLED', 'ACCOUNT_ENABLED', 'SESSION_REVOKED', 'API_TOKEN_CREATED', 'API_TOKEN_REVOKED', 'IP_BLOCKED', 'IP_UNBLOCKED', 'IP_MARKED_SAFE', 'TRUSTED_IP_REMOVED', 'NAMED_LOCATION_CREATED', 'NAMED_LOCATION_DELETED', 'ASN_KIND_SET', 'SETTINGS_CHANGED'));`,
    );

    this.addSql(
      `alter table "login_event" add constraint "login_event_outcome_check" check("outcome" in ('SUCCESS', 'INVALID_CREDENTIALS', 'ACCOUNT_DISABLED', 'BLOCKED'));`,
    );
  }
}
