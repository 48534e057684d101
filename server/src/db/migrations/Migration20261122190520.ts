import { Migration } from '@mikro-orm/migrations';

export class Migration20261122190520 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "email_code" ("id" uuid not null, "account_id" uuid not null, "purpose" text check ("purpose" in ('ENROLL', 'LOGIN')) not null, "session_id" uuid not null, "code_hash" varchar(64) not null, "sent_at" timestamptz not null, "expires_at" timestamptz not null, "failures" int not null default 0, "used_at" timestamptz null, constraint "email_code_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "email_code" add constraint "email_code_account_id_purpose_session_id_unique" unique ("account_id", "purpose", "session_id");`,
    );

    this.addSql(
      `create table "email_factor" ("id" uuid not null, "account_id" uuid not null, "address" varchar(254) not null, "status" text check ("status" in ('PENDING', 'ACTIVE')) not null default 'PENDING', "created_at" timestamptz not null, "confirmed_at" timestamptz null, constraint "email_factor_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "email_factor" add constraint "email_factor_account_id_unique" unique ("account_id");`);

    this.addSql(
      `create table "recovery_code" ("id" uuid not null, "account_id" uuid not null, "code_hash" varchar(64) not null, "created_at" timestamptz not null, "used_at" timestamptz null, constraint "recovery_code_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "recovery_code_account_id_used_at_index" on "recovery_code" ("account_id", "used_at");`);

    this.addSql(
      `create table "totp_authenticator" ("id" uuid not null, "account_id" uuid not null, "secret_sealed" text not null, "status" text check ("status" in ('PENDING', 'ACTIVE')) not null default 'PENDING', "last_used_step" int not null default 0, "created_at" timestamptz not null, "confirmed_at" timestamptz null, "expires_at" timestamptz null, "last_used_at" timestamptz null, constraint "totp_authenticator_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "totp_authenticator" add constraint "totp_authenticator_account_id_unique" unique ("account_id");`);

    this.addSql(
      `create table "two_factor_reset_request" ("id" uuid not null, "target_id" uuid not null, "requested_by_id" uuid not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "approved_by_id" uuid null, "approved_at" timestamptz null, constraint "two_factor_reset_request_pkey" primary key ("id"));`,
    );

    this.addSql(
      `create table "two_factor_state" ("account_id" uuid not null, "consecutive_failures" int not null default 0, "locked_at" timestamptz null, constraint "two_factor_state_pkey" primary key ("account_id"));`,
    );

    this.addSql(
      `create table "webauthn_challenge" ("id" uuid not null, "account_id" uuid not null, "session_id" uuid not null, "purpose" text check ("purpose" in ('REGISTER', 'LOGIN')) not null, "challenge" varchar(128) not null, "device_name" varchar(64) null, "expires_at" timestamptz not null, constraint "webauthn_challenge_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "webauthn_challenge_session_id_purpose_index" on "webauthn_challenge" ("session_id", "purpose");`);

    this.addSql(
      `create table "webauthn_credential" ("id" uuid not null, "account_id" uuid not null, "credential_id" varchar(1400) not null, "public_key" text not null, "counter" bigint not null, "transports" jsonb not null, "name" varchar(64) not null, "device_type" varchar(32) null, "backed_up" boolean not null default false, "created_at" timestamptz not null, "last_used_at" timestamptz null, "flagged_at" timestamptz null, constraint "webauthn_credential_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "webauthn_credential_account_id_index" on "webauthn_credential" ("account_id");`);
    this.addSql(
      `alter table "webauthn_credential" add constraint "webauthn_credential_credential_id_unique" unique ("credential_id");`,
    );

    this.addSql(
      `alter table "email_code" add constraint "email_code_account_id_foreign" foreign key ("account_id") references "account" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "email_factor" add constraint "email_factor_account_id_foreign" foreign key ("account_id") references "account" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "recovery_code" add constraint "recovery_code_account_id_foreign" foreign key ("account_id") references "account" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "totp_authenticator" add constraint "totp_authenticator_account_id_foreign" foreign key ("account_id") references "account" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "two_factor_reset_request" add constraint "two_factor_reset_request_target_id_foreign" foreign key ("target_id") references "account" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "two_factor_reset_request" add constraint "two_factor_reset_request_requested_by_id_foreign" foreign key ("requested_by_id") references "account" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "two_factor_reset_request" add constraint "two_factor_reset_request_approved_by_id_foreign" foreign key ("approved_by_id") references "account" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "two_factor_state" add constraint "two_factor_state_account_id_foreign" foreign key ("account_id") references "account" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "webauthn_challenge" add constraint "webauthn_challenge_account_id_foreign" foreign key ("account_id") references "account" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "webauthn_credential" add constraint "webauthn_credential_account_id_foreign" foreign key ("account_id") references "account" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(`alter table "audit_log" drop constraint if exists "audit_log_action_check";`);

    this.addSql(`alter table "login_event" drop constraint if exists "login_event_outcome_check";`);

    this.addSql(`alter table "session" drop constraint if exists "session_stage_check";`);

    this.addSql(`alter table "account" add column "requires_two_factor" boolean not null default false;`);

    this.addSql(
      `alter table "audit_log" add constraint "audit_log_action_check" check("action" in ('FIRST_ADMIN_CREATED', 'ADMIN_LOGIN', 'ACCOUNT_CREATED', 'ACCOUNT_DISABLED', 'ACCOUNT_ENABLED', 'SESSION_REVOKED', 'API_TOKEN_CREATED', 'API_TOKEN_REVOKED', 'IP_BLOCKED', 'IP_UNBLOCKED', 'IP_MARKED_SAFE', 'TRUSTED_IP_REMOVED', 'NAMED_LOCATION_CREATED', 'NAMED_LOCATION_DELETED', 'ASN_KIND_SET', 'SETTINGS_CHANGED', 'ACCESS_LIST_ENTRY_ADDED', 'ACCESS_LIST_ENTRY_REMOVED', 'IP_RESTRICTION_CHANGED', 'IP_RESTRICTION_LIFTED_BY_CLI', 'PERMISSIONS_CHANGED', 'TWO_FACTOR_ENABLED', 'TWO_FACTOR_DISABLED', 'RECOVERY_CODES_GENERATED', 'RECOVERY_CODE_USED', 'TOTP_REPLAY_REFUSED', 'WEBAUTHN_COUNTER_REGRESSION', 'WEBAUTHN_RENAMED', 'SECOND_FACTOR_LOCKED', 'SECOND_FACTOR_UNLOCKED', 'TWO_FACTOR_RESET_REQUESTED', 'TWO_FACTOR_RESET', 'REQUIRES_TWO_FACTOR_CHANGED'));`,
    );

    this.addSql(
      `alter table "login_event" add constraint "login_event_outcome_check" check("outcome" in ('SUCCESS', 'INVALID_CREDENTIALS', 'ACCOUNT_DISABLED', 'BLOCKED', 'IP_NOT_ALLOWED', 'SECOND_FACTOR_REQUIRED', 'SECOND_FACTOR_FAILED'));`,
    );

    this.addSql(`alter table "session" add column "reauth_at" timestamptz null;`);
    this.addSql(
      `alter table "session" add constraint "session_stage_check" check("stage" in ('PENDING_SECOND_FACTOR', 'ENROLLMENT_REQUIRED', 'FULL'));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "email_code" cascade;`);

    this.addSql(`drop table if exists "email_factor" cascade;`);

    this.addSql(`drop table if exists "recovery_code" cascade;`);

    this.addSql(`drop table if exists "totp_authenticator" cascade;`);

    this.addSql(`drop table if exists "two_factor_reset_request" cascade;`);

    this.addSql(`drop table if exists "two_factor_state" cascade;`);

    this.addSql(`drop table if exists "webauthn_challenge" cascade;`);

    this.addSql(`drop table if exists "webauthn_credential" cascade;`);

    this.addSql(`alter table "audit_log" drop constraint if exists "audit_log_action_check";`);

    this.addSql(`alter table "login_event" drop constraint if exists "login_event_outcome_check";`);

    this.addSql(`alter table "session" drop constraint if exists "session_stage_check";`);

    this.addSql(`alter table "account" drop column "requires_two_factor";`);

    this.addSql(
      `alter table "audit_log" add constraint "audit_log_action_check" check("action" in ('FIRST_ADMIN_CREATED', 'ADMIN_LOGIN', 'ACCOUNT_CREATED', 'ACCOUNT_DISABLED', 'ACCOUNT_ENABLED', 'SESSION_REVOKED', 'API_TOKEN_CREATED', 'API_TOKEN_REVOKED', 'IP_BLOCKED', 'IP_UNBLOCKED', 'IP_MARKED_SAFE', 'TRUSTED_IP_REMOVED', 'NAMED_LOCATION_CREATED', 'NAMED_LOCATION_DELETED', 'ASN_KIND_SET', 'SETTINGS_CHANGED', 'ACCESS_LIST_ENTRY_ADDED', 'ACCESS_LIST_ENTRY_REMOVED', 'IP_RESTRICTION_CHANGED', 'IP_RESTRICTION_LIFTED_BY_CLI', 'PERMISSIONS_CHANGED'));`,
    );

    this.addSql(
      `alter table "login_event" add constraint "login_event_outcome_check" check("outcome" in ('SUCCESS', 'INVALID_CREDENTIALS', 'ACCOUNT_DISABLED', 'BLOCKED', 'IP_NOT_ALLOWED'));`,
    );

    this.addSql(`alter table "session" drop column "reauth_at";`);

    this.addSql(
      `alter table "session" add constraint "session_stage_check" check("stage" in ('PENDING_SECOND_FACTOR', 'FULL'));`,
    );
  }
}
