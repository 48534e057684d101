import { Migration } from '@mikro-orm/migrations';

/** Deleting the admin who approved a 2FA reset keeps the request's record (its approver unknown), not removes it. */
export class Migration20261201160000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "two_factor_reset_request" drop constraint "two_factor_reset_request_approved_by_id_foreign";`);
    this.addSql(
      `alter table "two_factor_reset_request" add constraint "two_factor_reset_request_approved_by_id_foreign" foreign key ("approved_by_id") references "account" ("id") on update cascade on delete set null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "two_factor_reset_request" drop constraint "two_factor_reset_request_approved_by_id_foreign";`);
    this.addSql(
      `alter table "two_factor_reset_request" add constraint "two_factor_reset_request_approved_by_id_foreign" foreign key ("approved_by_id") references "account" ("id") on update cascade on delete cascade;`,
    );
  }
}
