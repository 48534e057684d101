import { Migration } from '@mikro-orm/migrations';

export class Migration20261122231730 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "incident_mail_throttle" ("account_id" uuid not null, "last_sent_at" timestamptz not null, "pending" uuid[] not null default '{}', constraint "incident_mail_throttle_pkey" primary key ("account_id"));`,
    );

    this.addSql(
      `create table "password_reset_token" ("token_hash" varchar(64) not null, "account_id" uuid not null, "expires_at" timestamptz not null, "used_at" timestamptz null, constraint "password_reset_token_pkey" primary key ("token_hash"));`,
    );

    this.addSql(
      `create table "security_incident" ("id" uuid not null default gen_random_uuid(), "account_id" uuid not null, "status" text check ("status" in ('OPEN', 'RESOLVED')) not null default 'OPEN', "severity" text check ("severity" in ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')) not null, "reason" text check ("reason" in ('COMPROMISED', 'THIRD_PARTY_APPLICATION', 'MOBILE_CONNECTION', 'TRAVELLING', 'UNKNOWN')) not null, "impossible_travel" boolean not null default false, "evidence" jsonb not null default '[]', "login_count" int not null default 0, "opened_at" timestamptz not null, "updated_at" timestamptz not null, "resolved_at" timestamptz null, "resolved_by_id" uuid null, "resolution" text check ("resolution" in ('MARKED_SAFE', 'DISMISSED', 'COMPROMISED')) null, "resolution_note" varchar(1000) null, "holder_response" text check ("holder_response" in ('CONFIRMED', 'DENIED')) null, "holder_responded_at" timestamptz null, constraint "security_incident_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "security_incident_status_opened_idx" on "security_incident" ("status", "opened_at");`);
    this.addSql(
      `create unique index "security_incident_one_open_per_account" on "security_incident" ("account_id") where "status" = 'OPEN';`,
    );

    this.addSql(
      `create table "incident_holder_link" ("token_hash" varchar(64) not null, "incident_id" uuid not null, "answer" text check ("answer" in ('CONFIRMED', 'DENIED')) not null, "expires_at" timestamptz not null, "used_at" timestamptz null, constraint "incident_holder_link_pkey" primary key ("token_hash"));`,
    );

    this.addSql(
      `create table "security_incident_login" ("incident_id" uuid not null, "login_event_id" bigint not null, constraint "security_incident_login_pkey" primary key ("incident_id", "login_event_id"));`,
    );
    this.addSql(`create index "security_incident_login_event_idx" on "security_incident_login" ("login_event_id");`);

    this.addSql(
      `alter table "incident_mail_throttle" add constraint "incident_mail_throttle_account_id_foreign" foreign key ("account_id") references "account" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "password_reset_token" add constraint "password_reset_token_account_id_foreign" foreign key ("account_id") references "account" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "security_incident" add constraint "security_incident_account_id_foreign" foreign key ("account_id") references "account" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "security_incident" add constraint "security_incident_resolved_by_id_foreign" foreign key ("resolved_by_id") references "account" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "incident_holder_link" add constraint "incident_holder_link_incident_id_foreign" foreign key ("incident_id") references "security_incident" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "security_incident_login" add constraint "security_incident_login_incident_id_foreign" foreign key ("incident_id") references "security_incident" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "security_incident_login" add constraint "security_incident_login_login_event_id_foreign" foreign key ("login_event_id") references "login_event" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(`alter table "audit_log" drop constraint if exists "audit_log_action_check";`);

    this.addSql(`alter table "account" add column "password_reset_required" boolean not null default false;`);

    this.addSql(
      `alter table "audit_log" add constraint "audit_log_action_check" check("action" in ('FIRST_ADMIN_CREATED', 'ADMIN_LOGIN', 'ACCOUNT_CREATED', 'ACCOUNT_DISABLED', 'ACCOUNT_ENABLED', 'SESSION_REVOKED', 'API_TOKEN_CREATED', 'API_TOKEN_REVOKED', 'IP_BLOCKED', 'IP_UNBLOCKED', 'IP_MARKED_SAFE', 'TRUSTED_IP_REMOVED', 'NAMED_LOCATION_CREATED', 'NAMED_LOCATION_DELETED', 'ASN_KIND_SET', 'SETTINGS_CHANGED', 'ACCESS_LIST_ENTRY_ADDED', 'ACCESS_LIST_ENTRY_REMOVED', 'IP_RESTRICTION_CHANGED', 'IP_RESTRICTION_LIFTED_BY_CLI', 'PERMISSIONS_CHANGED', 'TWO_FACTOR_ENABLED', 'TWO_FACTOR_DISABLED', 'RECOVERY_CODES_GENERATED', 'RECOVERY_CODE_USED', 'TOTP_REPLAY_REFUSED', 'WEBAUTHN_COUNTER_REGRESSION', 'WEBAUTHN_RENAMED', 'SECOND_FACTOR_LOCKED', 'SECOND_FACTOR_UNLOCKED', 'TWO_FACTOR_RESET_REQUESTED', 'TWO_FACTOR_RESET', 'REQUIRES_TWO_FACTOR_CHANGED', 'INCIDENT_RESOLVED', 'INCIDENT_HOLDER_RESPONSE', 'PASSWORD_RESET'));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "incident_holder_link" drop constraint "incident_holder_link_incident_id_foreign";`);

    this.addSql(`alter table "security_incident_login" drop constraint "security_incident_login_incident_id_foreign";`);

    this.addSql(`drop table if exists "incident_mail_throttle" cascade;`);

    this.addSql(`drop table if exists "password_reset_token" cascade;`);

    this.addSql(`drop table if exists "security_incident" cascade;`);

    this.addSql(`drop table if exists "incident_holder_link" cascade;`);

    this.addSql(`drop table if exists "security_incident_login" cascade;`);

    this.addSql(`alter table "audit_log" drop constraint if exists "audit_log_action_check";`);

    this.addSql(`alter table "account" drop column "password_reset_required";`);

    this.addSql(
      `alter table "audit_log" add constraint "audit_log_action_check" check("action" in ('FIRST_ADMIN_CREATED', 'ADMIN_LOGIN', 'ACCOUNT_CREATED', 'ACCOUNT_DISABLED', 'ACCOUNT_ENABLED', 'SESSION_REVOKED', 'API_TOKEN_CREATED', 'API_TOKEN_REVOKED', 'IP_BLOCKED', 'IP_UNBLOCKED', 'IP_MARKED_SAFE', 'TRUSTED_IP_REMOVED', 'NAMED_LOCATION_CREATED', 'NAMED_LOCATION_DELETED', 'ASN_KIND_SET', 'SETTINGS_CHANGED', 'ACCESS_LIST_ENTRY_ADDED', 'ACCESS_LIST_ENTRY_REMOVED', 'IP_RESTRICTION_CHANGED', 'IP_RESTRICTION_LIFTED_BY_CLI', 'PERMISSIONS_CHANGED', 'TWO_FACTOR_ENABLED', 'TWO_FACTOR_DISABLED', 'RECOVERY_CODES_GENERATED', 'RECOVERY_CODE_USED', 'TOTP_REPLAY_REFUSED', 'WEBAUTHN_COUNTER_REGRESSION', 'WEBAUTHN_RENAMED', 'SECOND_FACTOR_LOCKED', 'SECOND_FACTOR_UNLOCKED', 'TWO_FACTOR_RESET_REQUESTED', 'TWO_FACTOR_RESET', 'REQUIRES_TWO_FACTOR_CHANGED'));`,
    );
  }
}
