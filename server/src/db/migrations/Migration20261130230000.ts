import { Migration } from '@mikro-orm/migrations';

/**
 * `record_located_login`: the insert of a located successful login and its read of the account's other
 * located successes in the detection window (and its open incident), one account at a time. The first
 * statement takes a per-account lock held until the caller's transaction (the one statement that calls
 * the function) commits; the function is VOLATILE, so its second statement takes a fresh snapshot after
 * the lock is granted and sees a login of the same account committed just before. PL/pgSQL, not SQL:
 * it keeps its statements' plans for the connection (a SQL function plans them again on every call). Two logins arriving
 * together from two places therefore see each other (a plain INSERT … RETURNING with a CTE read could
 * not: each statement's snapshot missed the other's row). One round trip, as before.
 *
 * Parameters, in order: the login_event columns account_id … idempotency_key, then the window's start
 * and end. The read does not see the new row; the caller adds it.
 */
export class Migration20261130230000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create or replace function record_located_login(
        uuid, text, inet, text, text, text, timestamptz, text, text, text, double precision, double precision,
        int, text, text, text, uuid, text, timestamptz, timestamptz)
      returns table (id text, recent json, open_id uuid) language plpgsql volatile as $$
      #variable_conflict use_column
      begin
        perform pg_advisory_xact_lock(hashtext('login_event:' || $1::text));
        return query with ins as (
          insert into login_event ("account_id", "attempted_name", "ip", "user_agent", "outcome", "service", "occurred_at",
            "country_code", "region", "city", "latitude", "longitude", "asn", "asn_org", "network_kind", "named_location",
            "reporter_id", "idempotency_key")
          values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
          on conflict ("reporter_id", "idempotency_key") where "idempotency_key" is not null do nothing
          returning login_event.id)
        select ins.id::text,
          (select coalesce(json_agg(r), '[]'::json) from (
             select e.id::text as id, e.occurred_at, host(e.ip) as ip, e.country_code, e.city, e.latitude, e.longitude,
                    e.asn, e.asn_org, e.network_kind, e.named_location
             from login_event e
             where e.account_id = $1 and e.outcome = 'SUCCESS' and e.latitude is not null and e.occurred_at between $19 and $20
             order by e.occurred_at desc, e.id desc limit 49) r),
          (select i.id from security_incident i where i.account_id = $1 and i.status = 'OPEN')
        from ins;
      end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(
      `drop function if exists record_located_login(uuid, text, inet, text, text, text, timestamptz, text, text, text, double precision, double precision, int, text, text, text, uuid, text, timestamptz, timestamptz);`,
    );
  }
}
