import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

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
      const rows = await readRows(v4File);
      table.v4Start = new Uint32Array(rows.length);
      table.v4End = new Uint32Array(rows.length);
      table.v4Asn = new Uint32Array(rows.length);
      table.v4Org = new Uint32Array(rows.length);
      rows.forEach(([s, e, a, o], i) => {
        table.v4Start[i] = Number(s);
        table.v4End[i] = Number(e);
        table.v4Asn[i] = Number(a);
        table.v4Org[i] = org(o);
      });
    }
    if (v6File) {
      const rows = await readRows(v6File);
      const n = rows.length;
      table.v6StartHi = new BigUint64Array(n);
      table.v6StartLo = new BigUint64Array(n);
      table.v6EndHi = new BigUint64Array(n);
      table.v6EndLo = new BigUint64Array(n);
      table.v6Asn = new Uint32Array(n);
      table.v6Org = new Uint32Array(n);
      const mask = (1n << 64n) - 1n;
      rows.forEach(([s, e, a, o], i) => {
        const start = BigInt(s);
        const end = BigInt(e);
        table.v6StartHi[i] = start >> 64n;
        table.v6StartLo[i] = start & mask;
        table.v6EndHi[i] = end >> 64n;
        table.v6EndLo[i] = end & mask;
        table.v6Asn[i] = Number(a);
        table.v6Org[i] = org(o);
      });
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

async function readRows(file: string): Promise<[string, string, string, string][]> {
  const rows: [string, string, string, string][] = [];
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line) continue;
    // start,end,asn,organisation — the organisation may be quoted and contain commas.
    const a = line.indexOf(',');
    const b = line.indexOf(',', a + 1);
    const c = line.indexOf(',', b + 1);
    if (a < 0 || b < 0 || c < 0) continue;
    let org = line.slice(c + 1);
    if (org.startsWith('"') && org.endsWith('"')) org = org.slice(1, -1).replace(/""/g, '"');
    const asn = line.slice(b + 1, c);
    if (Number(asn) > MAX_PUBLIC_ASN) continue;
    rows.push([line.slice(0, a), line.slice(a + 1, b), asn, org]);
  }
  return rows;
}
