import { Migration } from '@mikro-orm/migrations';

export class Migration20261122145016 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "asn_override" ("asn" int not null, "kind" text check ("kind" in ('FIXED', 'MOBILE', 'HOSTING', 'VPN', 'PRIVATE', 'UNKNOWN')) not null, constraint "asn_override_pkey" primary key ("asn"));`,
    );

    this.addSql(
      `create table "failure_counter" ("key" varchar(400) not null, "count" int not null, "window_start" timestamptz not null, constraint "failure_counter_pkey" primary key ("key"));`,
    );

    this.addSql(
      `create table "ip_block" ("id" uuid not null default gen_random_uuid(), "cidr" cidr not null, "reason" text check ("reason" in ('BRUTE_FORCE', 'MANUAL')) not null, "note" varchar(500) null, "failures" int not null default 0, "strike" int not null default 1, "created_at" timestamptz not null, "expires_at" timestamptz null, "created_by_id" uuid null, "lifted_at" timestamptz null, "lifted_by_id" uuid null, constraint "ip_block_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "ip_block_active_idx" on "ip_block" ("lifted_at", "expires_at");`);
    this.addSql(`create index "ip_block_cidr_gist" on "ip_block" using gist ("cidr" inet_ops);`);

    this.addSql(
      `create table "ip_strike" ("prefix" cidr not null, "strikes" int not null, "last_at" timestamptz not null, constraint "ip_strike_pkey" primary key ("prefix"));`,
    );

    this.addSql(
      `create table "named_location" ("id" uuid not null default gen_random_uuid(), "cidr" cidr not null, "name" varchar(100) not null, "country_code" varchar(2) null, "region" varchar(100) null, "city" varchar(100) null, "latitude" double precision null, "longitude" double precision null, "asn" int null, "asn_org" varchar(200) null, "network_kind" text check ("network_kind" in ('FIXED', 'MOBILE', 'HOSTING', 'VPN', 'PRIVATE', 'UNKNOWN')) null, "trusted" boolean not null default false, "created_at" timestamptz not null, constraint "named_location_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "named_location" add constraint "named_location_cidr_unique" unique ("cidr");`);
    this.addSql(`create index "named_location_cidr_gist" on "named_location" using gist ("cidr" inet_ops);`);

    this.addSql(
      `create table "recent_wrong_password" ("account_name" varchar(254) not null, "secret_hmac" varchar(64) not null, "last_at" timestamptz not null, constraint "recent_wrong_password_pkey" primary key ("account_name", "secret_hmac"));`,
    );

    this.addSql(
      `create table "setting" ("key" varchar(64) not null, "value" jsonb not null, "updated_at" timestamptz not null, "updated_by" uuid null, constraint "setting_pkey" primary key ("key"));`,
    );

    this.addSql(
      `create table "trusted_ip" ("id" uuid not null default gen_random_uuid(), "cidr" cidr not null, "account_id" uuid null, "note" varchar(500) null, "expires_at" timestamptz null, "created_at" timestamptz not null, "created_by_id" uuid null, constraint "trusted_ip_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "trusted_ip_account_idx" on "trusted_ip" ("account_id");`);
    this.addSql(`create index "trusted_ip_cidr_gist" on "trusted_ip" using gist ("cidr" inet_ops);`);

    this.addSql(
      `alter table "ip_block" add constraint "ip_block_created_by_id_foreign" foreign key ("created_by_id") references "account" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "ip_block" add constraint "ip_block_lifted_by_id_foreign" foreign key ("lifted_by_id") references "account" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "trusted_ip" add constraint "trusted_ip_account_id_foreign" foreign key ("account_id") references "account" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "trusted_ip" add constraint "trusted_ip_created_by_id_foreign" foreign key ("created_by_id") references "account" ("id") on update cascade on delete set null;`,
    );

    this.addSql(`alter table "login_event" drop constraint if exists "login_event_outcome_check";`);

    this.addSql(
      `alter table "login_event" add column "country_code" varchar(2) null, add column "region" varchar(100) null, add column "city" varchar(100) null, add column "latitude" double precision null, add column "longitude" double precision null, add column "asn" int null, add column "asn_org" varchar(200) null, add column "network_kind" text check ("network_kind" in ('FIXED', 'MOBILE', 'HOSTING', 'VPN', 'PRIVATE', 'UNKNOWN')) not null default 'UNKNOWN', add column "named_location" varchar(100) null, add column "reporter_id" uuid null, add column "idempotency_key" varchar(100) null;`,
    );
    this.addSql(
      `alter table "login_event" add constraint "login_event_reporter_id_foreign" foreign key ("reporter_id") references "account" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "login_event" add constraint "login_event_outcome_check" check("outcome" in ('SUCCESS', 'INVALID_CREDENTIALS', 'ACCOUNT_DISABLED', 'BLOCKED'));`,
    );
    this.addSql(
      `create unique index "login_event_idempotency_idx" on "login_event" ("reporter_id", "idempotency_key") where "idempotency_key" is not null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "asn_override" cascade;`);

    this.addSql(`drop table if exists "failure_counter" cascade;`);

    this.addSql(`drop table if exists "ip_block" cascade;`);

    this.addSql(`drop table if exists "ip_strike" cascade;`);

    this.addSql(`drop table if exists "named_location" cascade;`);

    this.addSql(`drop table if exists "recent_wrong_password" cascade;`);

    this.addSql(`drop table if exists "setting" cascade;`);

    this.addSql(`drop table if exists "trusted_ip" cascade;`);

    this.addSql(`alter table "login_event" drop constraint if exists "login_event_outcome_check";`);

    this.addSql(`alter table "login_event" drop constraint "login_event_reporter_id_foreign";`);

    this.addSql(`drop index "login_event_idempotency_idx";`);
    this.addSql(
      `alter table "login_event" drop column "country_code", drop column "region", drop column "city", drop column "latitude", drop column "longitude", drop column "asn", drop column "asn_org", drop column "network_kind", drop column "named_location", drop column "reporter_id", drop column "idempotency_key";`,
    );

    this.addSql(
      `alter table "login_event" add constraint "login_event_outcome_check" check("outcome" in ('SUCCESS', 'INVALID_CREDENTIALS', 'ACCOUNT_DISABLED'));`,
    );
  }
}
