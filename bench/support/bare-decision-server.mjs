// The bare comparison route for decision.mjs, in its own process like the real server: plain
// node:http + a pg pool (10 connections, as the server's) running the decision's three statements.
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { root } from '../../scripts/lib.mjs';

const pg = createRequire(path.join(root, 'test', 'package.json'))('pg');
const [dbUrl, port] = process.argv.slice(2);
const db = new pg.Pool({ connectionString: dbUrl, max: 10 });

const server = http.createServer(async (req, res) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  const { account, ip } = JSON.parse(body);
  const acc = await db.query('select id, disabled_at from account where email = $1', [account]);
  const a = acc.rows[0] ?? null;
  const trusted = await db.query(
    `select 1 from trusted_ip where cidr >>= $1::inet and (account_id is null or account_id = $2) and (expires_at is null or expires_at > now()) limit 1`,
    [ip, a?.id ?? null],
  );
  let decision = { allowed: true, reason: null, until: null };
  if (trusted.rowCount === 0) {
    const block = await db.query(
      `select id, cidr::text as cidr, reason, expires_at from ip_block where cidr >>= $1::inet and lifted_at is null and (expires_at is null or expires_at > now()) order by expires_at desc nulls first limit 1`,
      [ip],
    );
    if (block.rows[0]) decision = { allowed: false, reason: 'IP_BLOCKED', until: block.rows[0].expires_at };
    else if (a?.disabled_at) decision = { allowed: false, reason: 'ACCOUNT_LOCKED', until: null };
  }
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ data: { loginDecision: decision } }));
});
server.listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => {
  server.close();
  void db.end().then(() => process.exit(0));
});
