import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AsnTable } from './asn-table.js';

const file = (name: string, text: string) => {
  const p = path.join(mkdtempSync(path.join(os.tmpdir(), 'asn-')), name);
  writeFileSync(p, text);
  return p;
};
const v4 = (s: string) => s.split('.').reduce((n, b) => n * 256 + Number(b), 0);

describe('AsnTable', () => {
  it('reads quoted organisations, CRLF line ends and IPv6 bounds; passes over a header, short lines and reserved ASNs', async () => {
    const table = await AsnTable.load(
      file(
        'v4.csv',
        [
          'start,end,asn,organisation',
          `${v4('1.0.0.0')},${v4('1.0.0.255')},13335,Cloudflare`,
          `${v4('2.0.0.0')},${v4('2.0.255.255')},64512,"Acme, ""Private"" Ltd"\r`,
          '',
          'not,a row',
          `${v4('3.0.0.0')},${v4('3.0.0.255')},4200000000,Reserved`,
          `${v4('4.0.0.0')},${v4('4.0.0.0')},3356,Level 3`,
        ].join('\n'),
      ),
      file(
        'v6.csv',
        `${(0x2001_0db8n << 96n).toString()},${((0x2001_0db8n << 96n) | ((1n << 96n) - 1n)).toString()},6939,Hurricane Electric LLC\n`,
      ),
    );
    expect(table.lookupV4(v4('1.0.0.7'))).toEqual({ asn: 13335, org: 'Cloudflare' });
    expect(table.lookupV4(v4('2.0.255.255'))).toEqual({ asn: 64512, org: 'Acme, "Private" Ltd' });
    expect(table.lookupV4(v4('3.0.0.1'))).toBeUndefined();
    expect(table.lookupV4(v4('4.0.0.0'))).toEqual({ asn: 3356, org: 'Level 3' });
    expect(table.lookupV4(v4('4.0.0.1'))).toBeUndefined();
    expect(table.lookupV6((0x2001_0db8n << 96n) | 42n)).toEqual({ asn: 6939, org: 'Hurricane Electric LLC' });
    expect(table.lookupV6(0x2001_0db9n << 96n)).toBeUndefined();
  });

  it('finds the ASN and organisation of sampled rows of the embedded package at both of their bounds', async () => {
    const dir = path.dirname(createRequire(import.meta.url).resolve('@ip-location-db/asn/package.json'));
    const [v4File, v6File] = ['asn-ipv4-num.csv', 'asn-ipv6-num.csv'].map((f) => path.join(dir, f));
    const table = await AsnTable.load(v4File, v6File);
    // Read here independently of the table: every 5 000th row with an unquoted organisation.
    const sample = (f: string) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .filter(
          (line, i) =>
            i % 5000 === 0 && line.split(',').length === 4 && !line.includes('"') && Number(line.split(',')[2]) < 2 ** 31,
        )
        .map((line) => line.split(','));
    const v4Rows = sample(v4File!);
    const v6Rows = sample(v6File!);
    expect(v4Rows.length).toBeGreaterThan(50);
    expect(v6Rows.length).toBeGreaterThan(10);
    for (const [start, end, asn, org] of v4Rows) {
      for (const at of [start, end]) expect(table.lookupV4(Number(at)), at).toEqual({ asn: Number(asn), org });
    }
    for (const [start, end, asn, org] of v6Rows) {
      for (const at of [start, end]) expect(table.lookupV6(BigInt(at!)), at).toEqual({ asn: Number(asn), org });
    }
  });
});
