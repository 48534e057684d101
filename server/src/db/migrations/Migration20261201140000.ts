import { Migration } from '@mikro-orm/migrations';

/**
 * A counter of the account's password changes. A sign-in reads it with the password hash, and its
 * session is started only if it is unchanged: a sign-in that checked the old password while the
 * password was being changed starts no session after the change revoked the others.
 */
export class Migration20261201140000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "account" add column "password_version" int not null default 0;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "account" drop column "password_version";`);
  }
}
