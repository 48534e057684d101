import { Migration } from '@mikro-orm/migrations';

export class Migration20261122235944 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "familiar_location" ("id" uuid not null default gen_random_uuid(), "account_id" uuid not null, "country_code" varchar(2) null, "city" varchar(100) null, "latitude" double precision not null, "longitude" double precision not null, "incident_id" uuid null, "confirmed_at" timestamptz not null, constraint "familiar_location_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "familiar_location_account_idx" on "familiar_location" ("account_id");`);

    this.addSql(
      `alter table "familiar_location" add constraint "familiar_location_account_id_foreign" foreign key ("account_id") references "account" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "familiar_location" add constraint "familiar_location_incident_id_foreign" foreign key ("incident_id") references "security_incident" ("id") on update cascade on delete set null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "familiar_location" cascade;`);
  }
}
