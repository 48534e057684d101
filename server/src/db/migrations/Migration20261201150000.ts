import { Migration } from '@mikro-orm/migrations';

/**
 * Who minted each API token. Whoever minted one saw its secret: when that account is disabled or
 * deleted, the tokens it minted are revoked with it.
 */
export class Migration20261201150000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "api_token" add column "created_by_id" uuid null;`);
    this.addSql(
      `alter table "api_token" add constraint "api_token_created_by_id_foreign" foreign key ("created_by_id") references "account" ("id") on update cascade on delete set null;`,
    );
    this.addSql(`create index "api_token_created_by_id_index" on "api_token" ("created_by_id");`);
    // Tokens minted before: their minter is the actor of their creation's audit entry.
    this.addSql(
      `update "api_token" t set "created_by_id" = l."actor_id" from "audit_log" l
        where l."action" = 'API_TOKEN_CREATED' and l."target_type" = 'ApiToken' and l."target_id" = t."id"::text
          and exists (select 1 from "account" a where a."id" = l."actor_id");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "api_token" drop constraint "api_token_created_by_id_foreign";`);
    this.addSql(`alter table "api_token" drop column "created_by_id";`);
  }
}
