import { Migration } from '@mikro-orm/migrations';

/** Ranges inside NAT64's well-known prefix (at least a /96 of it), where `c` is the column. */
const inNat64 = (c: string) => `family(${c}) = 6 and ${c} <<= '64:ff9b::/96'::cidr and masklen(${c}) >= 96`;
/** The IPv4 range such a range stands for. */
const asIpv4 = (c: string) => `set_masklen('0.0.0.0'::inet + (${c} - '64:ff9b::'::inet), masklen(${c}) - 96)::cidr`;

/**
 * Addresses in NAT64's well-known prefix (`64:ff9b::a.b.c.d`, RFC 6052) are read as the IPv4 host they
 * carry since this version; ranges stored before were kept as IPv6, which no address matches any more
 * (and which the in-memory matcher, re-reading their text, would take for IPv4). They are rewritten to
 * their IPv4 form. A wide one (wider than an IPv4 /8, the whole prefix in particular) is dropped from
 * the safe list, the blocks and the named locations rather than made to cover most of IPv4 at once:
 * on a server not behind NAT64 it matched nothing. Access lists keep theirs, converted: they only say
 * where their owner may come from, and dropping an entry could lock its owner out. A duplicate of a
 * range already stored in IPv4 form goes. Failure counts and strikes are short-lived: dropped.
 */
export class Migration20261201230000 extends Migration {
  override async up(): Promise<void> {
    for (const table of ['trusted_ip', 'ip_block', 'named_location']) {
      this.addSql(`delete from "${table}" where ${inNat64('cidr')} and masklen(cidr) < 104;`);
    }
    this.addSql(
      `delete from "named_location" n where ${inNat64('n.cidr')} and exists (select 1 from named_location o where o.cidr = ${asIpv4('n.cidr')});`,
    );
    this.addSql(
      `delete from "admin_access_entry" n where ${inNat64('n.cidr')}
         and exists (select 1 from admin_access_entry o where o.account_id = n.account_id and o.cidr = ${asIpv4('n.cidr')});`,
    );
    for (const table of ['trusted_ip', 'ip_block', 'named_location', 'admin_access_entry']) {
      this.addSql(`update "${table}" set cidr = ${asIpv4('cidr')} where ${inNat64('cidr')};`);
    }
    this.addSql(`delete from "ip_strike" where ${inNat64('prefix')};`);
  }

  override async down(): Promise<void> {
    // Nothing to undo: the previous version reads IPv4 ranges as they are (what it matched through
    // NAT64 it then matches as IPv4 no more, as before this migration; the dropped rows stay dropped).
  }
}
