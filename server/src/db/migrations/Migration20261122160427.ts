import { Migration } from '@mikro-orm/migrations';

export class Migration20261122160427 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "audit_log" drop constraint if exists "audit_log_action_check";`);

    this.addSql(
      `alter table "audit_log" add constraint "audit_log_action_check" check("action" in ('FIRST_ADMIN_CREATED', 'ADMIN_LOGIN', 'ACCOUNT_CREATED', 'ACCOUNT_DISABLED', 'ACCOUNT_ENABLED', 'SESSION_REVOKED', 'API_TOKEN_CREATED', 'API_TOKEN_REVOKED', 'IP_BLOCKED', 'IP_UNBLOCKED', 'IP_MARKED_SAFE', 'TRUSTED_IP_REMOVED', 'NAMED_LOCATION_CREATED', 'NAMED_LOCATION_DELETED', 'ASN_KIND_SET', 'SETTINGS_CHANGED', 'ACCESS_LIST_ENTRY_ADDED', 'ACCESS_LIST_ENTRY_REMOVED', 'IP_RESTRICTION_CHANGED', 'IP_RESTRICTION_LIFTED_BY_CLI', 'PERMISSIONS_CHANGED'));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "audit_log" drop constraint if exists "audit_log_action_check";`);

    this.addSql(
      `alter table "audit_log" add constraint "audit_log_action_check" check("action" in ('FIRST_ADMIN_CREATED', 'ADMIN_LOGIN', 'ACCOUNT_CREATED', 'ACCOUNT_DISABLED', 'ACCOUNT_ENABLED', 'SESSION_REVOKED', 'API_TOKEN_CREATED', 'API_TOKEN_REVOKED', 'IP_BLOCKED', 'IP_UNBLOCKED', 'IP_MARKED_SAFE', 'TRUSTED_IP_REMOVED', 'NAMED_LOCATION_CREATED', 'NAMED_LOCATION_DELETED', 'ASN_KIND_SET', 'SETTINGS_CHANGED', 'ACCESS_LIST_ENTRY_ADDED', 'ACCESS_LIST_ENTRY_REMOVED', 'IP_RESTRICTION_CHANGED', 'IP_RESTRICTION_LIFTED_BY_CLI'));`,
    );
  }
}
