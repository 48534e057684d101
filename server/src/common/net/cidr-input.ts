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

/** A publicly routable range wider than /24 (IPv4) or /48 (IPv6): the seeds' warning applies. */
export function isWidePublicRange(c: ParsedCidr): boolean {
  const wide = c.address.kind() === 'ipv4' ? c.prefix < 24 : c.prefix < 48;
  if (!wide) return false;
  const range = c.address.range();
  return range === 'unicast' || c.prefix === 0;
}
