import ipaddr from 'ipaddr.js';
import { badInput } from '../errors/errors.js';
import { parseCidr, type IpParseFailure, type ParsedCidr } from './ip.js';

const REASONS: Record<IpParseFailure, string> = {
  INVALID_IP: 'is not an IP address or CIDR range',
  INVALID_CIDR: 'is not a valid CIDR range',
  HOST_BITS_SET: 'has host bits set (use the network address, e.g. 10.0.0.0/8)',
  PREFIX_OUT_OF_RANGE: 'has a prefix length out of range (0–32 for IPv4, 0–128 for IPv6)',
};

/** `"<input>" <what is wrong>` — the sentence every form shows for a bad address or range. */
export function describeCidrProblem(input: string, error: IpParseFailure): string {
  return `"${input.slice(0, 64)}" ${REASONS[error]}`;
}

/** Parses a user-given address or range, or throws BAD_USER_INPUT naming the field and the problem. */
export function cidrArg(input: string, field: string): ParsedCidr {
  const r = parseCidr(input);
  if ('error' in r) throw badInput([{ field, reason: r.error, message: `${describeCidrProblem(input, r.error)}.` }]);
  return r;
}

/**
 * `cidrArg` for a range a rule applies to (a block, a safe range, a named location): never the whole
 * address space of its family (/0), which no rule can mean (a typo away from refusing, or trusting,
 * every login).
 */
export function ruleRangeArg(input: string, field: string): ParsedCidr {
  const r = cidrArg(input, field);
  if (r.prefix === 0) {
    throw badInput([{ field, reason: 'WHOLE_ADDRESS_SPACE', message: `${r.text} covers every address. Name a narrower range.` }]);
  }
  return r;
}

/** Special-purpose blocks that are not publicly routable: a wide range wholly inside one needs no warning. */
const NON_PUBLIC: Record<'ipv4' | 'ipv6', string[]> = {
  ipv4: ['private', 'loopback', 'linkLocal', 'carrierGradeNat', 'multicast', 'reserved'],
  ipv6: ['uniqueLocal', 'linkLocal', 'loopback', 'multicast', 'deprecatedSiteLocal'],
};

type SpecialRange = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * A range wider than /24 (IPv4) or /48 (IPv6) that is not wholly inside one non-public special block:
 * the seeds' warning applies. Judged by what the range covers, not by the class of its first address
 * (0.0.0.0/1 starts "unspecified" and ::/1 too, yet they hold half the public internet).
 */
export function isWidePublicRange(c: ParsedCidr): boolean {
  const kind = c.address.kind();
  const wide = kind === 'ipv4' ? c.prefix < 24 : c.prefix < 48;
  if (!wide) return false;
  const proto = (kind === 'ipv4' ? ipaddr.IPv4.prototype : ipaddr.IPv6.prototype) as unknown as {
    SpecialRanges: Record<string, SpecialRange | SpecialRange[]>;
  };
  const specials = proto.SpecialRanges;
  const inside = NON_PUBLIC[kind].some((name) => {
    const entry = specials[name];
    if (!entry) return false;
    const blocks = (Array.isArray(entry[0]) ? entry : [entry]) as SpecialRange[];
    return blocks.some(([addr, bits]) => bits <= c.prefix && (c.address as ipaddr.IPv4).match(addr as ipaddr.IPv4, bits));
  });
  return !inside;
}
