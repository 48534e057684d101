import { Migration } from '@mikro-orm/migrations';

/** One WebAuthn challenge per session and purpose (two requests at once could leave two live). */
export class Migration20261202060319 extends Migration {
  override async up(): Promise<void> {
    // No new duplicate between the clean-up and the constraint (an instance of the previous version still running).
    this.addSql(`lock table "webauthn_challenge" in share row exclusive mode;`);
    // Of duplicates left by such a race, the one asked for last stays (a ceremony in progress uses it or retries).
    this.addSql(
      `delete from "webauthn_challenge" a using "webauthn_challenge" b where a."session_id" = b."session_id" and a."purpose" = b."purpose" and (a."expires_at", a."id") < (b."expires_at", b."id");`,
    );
    this.addSql(`drop index "webauthn_challenge_session_id_purpose_index";`);
    this.addSql(
      `alter table "webauthn_challenge" add constraint "webauthn_challenge_session_id_purpose_unique" unique ("session_id", "purpose");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "webauthn_challenge" drop constraint "webauthn_challenge_session_id_purpose_unique";`);
    this.addSql(`create index "webauthn_challenge_session_id_purpose_index" on "webauthn_challenge" ("session_id", "purpose");`);
  }
}
