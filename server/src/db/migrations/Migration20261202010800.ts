import { Migration } from '@mikro-orm/migrations';

export class Migration20261202010800 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "mail_queue" ("id" uuid not null default gen_random_uuid(), "sealed" text not null, "created_at" timestamptz not null default now(), "attempts" int not null default 0, "next_attempt_at" timestamptz not null default now(), "claim" uuid null, "last_error" text null, "given_up_at" timestamptz null, constraint "mail_queue_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "mail_queue_due_idx" on "mail_queue" ("next_attempt_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "mail_queue" cascade;`);
  }
}
