import { describe, expect, it } from 'vitest';
import { csvCell } from './audit-csv.js';

describe('csvCell', () => {
  it('quotes and doubles quotes', () => {
    expect(csvCell('a "b", c')).toBe('"a ""b"", c"');
    expect(csvCell(null)).toBe('""');
    expect(csvCell(new Date('2026-01-02T03:04:05.000Z'))).toBe('"2026-01-02T03:04:05.000Z"');
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
  });

  it('neutralises formula injection', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell('+1')).toBe('"\'+1"');
    expect(csvCell('-2')).toBe('"\'-2"');
    expect(csvCell('@cmd')).toBe('"\'@cmd"');
  });
});
