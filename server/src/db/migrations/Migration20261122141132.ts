import { Migration } from '@mikro-orm/migrations';

export class Migration20261122141132 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "account" ("id" uuid not null default gen_random_uuid(), "email" varchar(254) not null, "name" varchar(100) not null, "role" text check ("role" in ('ADMIN', 'SUB_ADMIN', 'USER')) not null, "permissions" text[] not null default '{}', "disabled_at" timestamptz null, "last_login_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "account_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "account" add constraint "account_email_unique" unique ("email");`);
    this.addSql(`create index "account_role_index" on "account" ("role");`);

    this.addSql(
      `create table "account_password" ("account_id" uuid not null, "hash" text not null, "changed_at" timestamptz not null, constraint "account_password_pkey" primary key ("account_id"));`,
    );

    this.addSql(
      `create table "login_event" ("id" bigserial primary key, "account_id" uuid null, "attempted_name" varchar(254) not null, "ip" inet not null, "user_agent" varchar(512) null, "outcome" text check ("outcome" in ('SUCCESS', 'INVALID_CREDENTIALS', 'ACCOUNT_DISABLED')) not null, "service" varchar(32) not null, "occurred_at" timestamptz not null);`,
    );
    this.addSql(`create index "login_event_time_idx" on "login_event" ("occurred_at");`);
    this.addSql(`create index "login_event_ip_time_idx" on "login_event" ("ip", "occurred_at");`);
    this.addSql(`create index "login_event_account_time_idx" on "login_event" ("account_id", "occurred_at");`);

    this.addSql(
      `create table "session" ("id" uuid not null default gen_random_uuid(), "account_id" uuid not null, "token_hash" varchar(64) not null, "stage" text check ("stage" in ('PENDING_SECOND_FACTOR', 'FULL')) not null default 'FULL', "created_at" timestamptz not null, "last_seen_at" timestamptz not null, "expires_at" timestamptz not null, "ip" varchar(45) not null, "user_agent" varchar(512) null, "revoked_at" timestamptz null, "revoked_reason" varchar(32) null, constraint "session_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "session" add constraint "session_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "session_account_id_revoked_at_index" on "session" ("account_id", "revoked_at");`);

    this.addSql(
      `create table "setup_token" ("id" uuid not null default gen_random_uuid(), "token_hash" varchar(64) not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, constraint "setup_token_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "setup_token" add constraint "setup_token_token_hash_unique" unique ("token_hash");`);

    this.addSql(
      `alter table "account_password" add constraint "account_password_account_id_foreign" foreign key ("account_id") references "account" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "login_event" add constraint "login_event_account_id_foreign" foreign key ("account_id") references "account" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "session" add constraint "session_account_id_foreign" foreign key ("account_id") references "account" ("id") on update cascade on delete cascade;`,
    );
  }
}
