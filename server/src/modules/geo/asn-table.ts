import { readFile } from 'node:fs/promises';

/**
 * In-memory ASN lookup over the `@ip-location-db/asn` CSVs (start,end,asn,organisation with numeric
 * addresses): sorted, non-overlapping ranges in typed arrays, binary search per lookup. IPv6 bounds are
 * split into two 64-bit halves.
 */
export class AsnTable {
  private v4Start = new Uint32Array(0);
  private v4End = new Uint32Array(0);
  private v4Asn = new Uint32Array(0);
  private v4Org = new Uint32Array(0);
  private v6StartHi = new BigUint64Array(0);
  private v6StartLo = new BigUint64Array(0);
  private v6EndHi = new BigUint64Array(0);
  private v6EndLo = new BigUint64Array(0);
  private v6Asn = new Uint32Array(0);
  private v6Org = new Uint32Array(0);
  private orgs: string[] = [];

  static async load(v4File: string | undefined, v6File: string | undefined): Promise<AsnTable> {
    const table = new AsnTable();
    const orgIndex = new Map<string, number>();
    const org = (name: string) => {
      let i = orgIndex.get(name);
      if (i === undefined) {
        i = table.orgs.length;
        table.orgs.push(name);
        orgIndex.set(name, i);
      }
      return i;
    };
    if (v4File) {
      const buf = await readFile(v4File);
      const n = countLines(buf);
      table.v4Start = new Uint32Array(n);
      table.v4End = new Uint32Array(n);
      table.v4Asn = new Uint32Array(n);
      table.v4Org = new Uint32Array(n);
      let i = 0;
      eachRow(buf, (r) => {
        table.v4Start[i] = digits(buf, r.start, r.startEnd);
        table.v4End[i] = digits(buf, r.startEnd + 1, r.endEnd);
        table.v4Asn[i] = r.asn;
        table.v4Org[i] = org(r.org);
        i++;
      });
      table.v4Start = table.v4Start.slice(0, i);
      table.v4End = table.v4End.slice(0, i);
      table.v4Asn = table.v4Asn.slice(0, i);
      table.v4Org = table.v4Org.slice(0, i);
    }
    if (v6File) {
      const buf = await readFile(v6File);
      const n = countLines(buf);
      const startHi = new BigUint64Array(n);
      const startLo = new BigUint64Array(n);
      const endHi = new BigUint64Array(n);
      const endLo = new BigUint64Array(n);
      const asns = new Uint32Array(n);
      const orgs = new Uint32Array(n);
      const mask = (1n << 64n) - 1n;
      let i = 0;
      eachRow(buf, (r) => {
        const start = BigInt(buf.toString('latin1', r.start, r.startEnd));
        const end = BigInt(buf.toString('latin1', r.startEnd + 1, r.endEnd));
        startHi[i] = start >> 64n;
        startLo[i] = start & mask;
        endHi[i] = end >> 64n;
        endLo[i] = end & mask;
        asns[i] = r.asn;
        orgs[i] = org(r.org);
        i++;
      });
      table.v6StartHi = startHi.slice(0, i);
      table.v6StartLo = startLo.slice(0, i);
      table.v6EndHi = endHi.slice(0, i);
      table.v6EndLo = endLo.slice(0, i);
      table.v6Asn = asns.slice(0, i);
      table.v6Org = orgs.slice(0, i);
    }
    return table;
  }

  lookupV4(address: number): { asn: number; org: string } | undefined {
    let lo = 0;
    let hi = this.v4Start.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.v4Start[mid]! > address) hi = mid - 1;
      else if (this.v4End[mid]! < address) lo = mid + 1;
      else return { asn: this.v4Asn[mid]!, org: this.orgs[this.v4Org[mid]!]! };
    }
    return undefined;
  }

  lookupV6(value: bigint): { asn: number; org: string } | undefined {
    const h = value >> 64n;
    const l = value & ((1n << 64n) - 1n);
    const cmp = (aHi: bigint, aLo: bigint) => (aHi < h || (aHi === h && aLo < l) ? -1 : aHi === h && aLo === l ? 0 : 1);
    let lo = 0;
    let hi = this.v6StartHi.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp(this.v6StartHi[mid]!, this.v6StartLo[mid]!) > 0) hi = mid - 1;
      else if (cmp(this.v6EndHi[mid]!, this.v6EndLo[mid]!) < 0) lo = mid + 1;
      else return { asn: this.v6Asn[mid]!, org: this.orgs[this.v6Org[mid]!]! };
    }
    return undefined;
  }
}

/** ASNs from 2^31 up are private-use or reserved (RFC 6996, 7300) and would not fit GraphQL's Int. */
const MAX_PUBLIC_ASN = 2_147_483_647;

interface Row {
  /** Byte offsets in the file: the start address from `start` to `startEnd` (its comma), the end address to `endEnd`. */
  start: number;
  startEnd: number;
  endEnd: number;
  asn: number;
  org: string;
}

const COMMA = 0x2c;
const NEWLINE = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

/** Lines in the file (an upper bound on its rows). */
function countLines(buf: Buffer): number {
  let n = 1;
  for (let at = buf.indexOf(NEWLINE); at >= 0; at = buf.indexOf(NEWLINE, at + 1)) n++;
  return n;
}

/** Whether `buf` holds only decimal digits from `from` to `to` (none at all when `empty`). */
function allDigits(buf: Buffer, from: number, to: number, empty = false): boolean {
  if (from === to) return empty;
  for (let i = from; i < to; i++) if (buf[i]! < 0x30 || buf[i]! > 0x39) return false;
  return true;
}

/** The decimal number written in `buf` from `from` to `to` (digits only; a value of up to 2^53). */
function digits(buf: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + (buf[i]! - 0x30);
  return n;
}

/**
 * Each row of a CSV of the package, read from its bytes in one pass (a line-by-line reader took 2.4–3 s
 * of CPU at every start of a server, this about 1 s): start,end,asn,organisation, the organisation quoted when it
 * holds a comma or a quote (doubled). Lines of fewer than four fields or with anything but digits in
 * the first three are passed over, and so are private-use and reserved ASNs. CRLF line ends are read as LF.
 */
function eachRow(buf: Buffer, row: (r: Row) => void): void {
  let line = 0;
  while (line < buf.length) {
    let next = buf.indexOf(NEWLINE, line);
    if (next < 0) next = buf.length;
    const end = next > line && buf[next - 1] === CR ? next - 1 : next;
    const a = buf.indexOf(COMMA, line);
    const b = a < 0 || a >= end ? -1 : buf.indexOf(COMMA, a + 1);
    const c = b < 0 || b >= end ? -1 : buf.indexOf(COMMA, b + 1);
    // A row of numbers only (a header, or a line with a stray byte, is passed over).
    const numeric = c >= 0 && c < end && allDigits(buf, line, a) && allDigits(buf, a + 1, b) && allDigits(buf, b + 1, c, true);
    if (numeric) {
      const asn = digits(buf, b + 1, c);
      if (asn <= MAX_PUBLIC_ASN) {
        const quoted = end - c >= 2 && buf[c + 1] === QUOTE && buf[end - 1] === QUOTE;
        const org = quoted ? buf.toString('utf8', c + 2, end - 1).replace(/""/g, '"') : buf.toString('utf8', c + 1, end);
        row({ start: line, startEnd: a, endEnd: b, asn, org });
      }
    }
    line = next + 1;
  }
}
