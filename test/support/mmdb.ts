/**
 * A minimal MaxMind DB (MMDB 2.0) writer for tests: an IPv4 database of a few networks, each with a
 * record of maps, arrays, strings, unsigned integers and doubles — enough to stand in for a GeoLite2-ASN, a GeoIP2 City or a DB-IP file
 * (https://maxmind.github.io/MaxMind-DB/). No npm package writes MMDB files.
 */
type Value = string | number | Value[] | { [key: string]: Value };

function control(type: number, size: number): Buffer {
  // Types above 7 are "extended": type 0 in the control byte, type - 7 in the next one.
  const head = type > 7 ? 0 : type << 5;
  const ext = type > 7 ? [type - 7] : [];
  if (size < 29) return Buffer.from([head | size, ...ext]);
  if (size < 285) return Buffer.from([head | 29, ...ext, size - 29]);
  throw new Error('value too large for this writer');
}

function encode(value: Value): Buffer {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([control(2, bytes.length), bytes]);
  }
  if (typeof value === 'number' && !Number.isInteger(value)) {
    const bytes = Buffer.alloc(8);
    bytes.writeDoubleBE(value);
    return Buffer.concat([control(3, 8), bytes]);
  }
  if (typeof value === 'number') {
    if (value < 0 || value > 0xffffffff) throw new Error('unsigned 32-bit integers (or doubles) only');
    const bytes: number[] = [];
    for (let v = value; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
    return Buffer.concat([control(6, bytes.length), Buffer.from(bytes)]);
  }
  if (Array.isArray(value)) return Buffer.concat([control(11, value.length), ...value.map(encode)]);
  const entries = Object.entries(value);
  return Buffer.concat([control(7, entries.length), ...entries.flatMap(([k, v]) => [encode(k), encode(v)])]);
}

type Child = { node: number } | { data: number } | null;

/** `networks`: CIDR (IPv4) → record. */
export function writeMmdb(databaseType: string, networks: Record<string, Record<string, Value>>): Buffer {
  const nodes: [Child, Child][] = [[null, null]];
  const data: Buffer[] = [];
  let dataSize = 0;
  for (const [cidr, record] of Object.entries(networks)) {
    const [addr, len] = cidr.split('/') as [string, string];
    const bits = Number(len);
    const ip = addr.split('.').reduce((n, o) => n * 256 + Number(o), 0);
    const encoded = encode(record);
    const offset = dataSize;
    data.push(encoded);
    dataSize += encoded.length;
    let node = 0;
    for (let i = 0; i < bits; i++) {
      const bit = Math.floor(ip / 2 ** (31 - i)) % 2;
      if (i === bits - 1) {
        nodes[node]![bit] = { data: offset };
        break;
      }
      const child = nodes[node]![bit];
      if (child && 'node' in child) node = child.node;
      else {
        if (child) throw new Error(`${cidr} overlaps a shorter network`);
        nodes.push([null, null]);
        nodes[node]![bit] = { node: nodes.length - 1 };
        node = nodes.length - 1;
      }
    }
  }
  const count = nodes.length;
  const value = (c: Child) => (c === null ? count : 'node' in c ? c.node : count + 16 + c.data);
  const tree = Buffer.alloc(count * 6);
  nodes.forEach(([l, r], i) => {
    tree.writeUIntBE(value(l), i * 6, 3);
    tree.writeUIntBE(value(r), i * 6 + 3, 3);
  });
  const metadata = encode({
    node_count: count,
    record_size: 24,
    ip_version: 4,
    database_type: databaseType,
    languages: ['en'],
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    build_epoch: Math.floor(Date.now() / 1000),
    description: { en: `${databaseType} written by the tests` },
  });
  return Buffer.concat([tree, Buffer.alloc(16), ...data, Buffer.from([0xab, 0xcd, 0xef]), Buffer.from('MaxMind.com'), metadata]);
}
