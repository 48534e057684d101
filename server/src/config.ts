import os from 'node:os';
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCidrList, type ParsedCidr } from './common/net/ip.js';
import type { ProxyHeader } from './common/net/client-ip.js';
import type { Retention } from './db/retention.js';

/** Where the repository root is, so `.data/` lands beside package.json whichever folder we run from. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export type NodeEnv = 'development' | 'production' | 'test';

/**
 * Login history is read up to this far back: detection looks 90 days before an incident's window
 * (up to 30 days long), which opens at a login an integrator may report up to 30 days late.
 */
export const MIN_LOGIN_HISTORY_DAYS = 150;

export interface Config {
  nodeEnv: NodeEnv;
  host: string;
  /** 0 lets the OS choose (tests). */
  port: number;
  /** The URL people open; decides cookie `Secure`/`__Host-`, the WebSocket Origin check and links in messages. */
  publicUrl: URL;
  /** Absent: start the embedded PostgreSQL. */
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedPgPort: number;
  /** Keys given through the environment; otherwise generated into the data folder. */
  sessionSecret: string | undefined;
  encryptionKey: string | undefined;
  trustedProxies: ParsedCidr[];
  /** The one forwarding header the trusted proxies write (the other is ignored). */
  proxyHeader: ProxyHeader;
  sessionIdleTimeoutSeconds: number;
  sessionAbsoluteTimeoutSeconds: number;
  setupTokenTtlSeconds: number;
  /** Introspection and field suggestions; on in development only unless set. */
  graphqlIntrospection: boolean;
  logLevel: string;
  /** Built dashboard to serve; absent in development (Vite serves it). */
  clientDistDir: string | undefined;
  /** Upper bound of password hashes computed at once (each argon2id hash holds 19 MiB). */
  passwordHashConcurrency: number;
  passwordHashNiceness: number;
  passwordHashMaxWaitMs: number;
  /**
   * How long one database statement may run, or wait for a lock, before PostgreSQL cancels it; also
   * how long a request waits for a pooled connection. 0: no limit. Migrations are exempt.
   */
  dbStatementTimeoutMs: number;
  /** Password checks one source (address or IPv6 /64) may have waiting or running at once. */
  passwordHashesPerSource: number;
  /** Password checks one account name may have waiting or running at once. */
  passwordHashesPerAccount: number;
  /** Minimum time a login answer takes, so an unknown account and a wrong password look alike. */
  loginMinDurationMs: number;
  /** MMDB city databases to use instead of the embedded DB-IP Lite (e.g. a commercial GeoIP2 City). */
  geoipCityDbs: string[] | undefined;
  /** MMDB ASN databases to use instead of the embedded table (GeoLite2-ASN, GeoIP2-ISP, DB-IP ASN). */
  geoipAsnDbs: string[] | undefined;
  /** Look up networks (ASN, organisation, network kind) at all. */
  geoipAsn: boolean;
  /** Defaults of the brute-force settings (admins can change them in the dashboard). */
  bruteForce: BruteForceDefaults;
  /**
   * Wrong passwords for one account name from every source together: at `failures` within
   * `windowSeconds` (0: off), the name's dashboard sign-ins are taken only from trusted addresses and
   * from addresses its account signed in from before, until the window ends or a right password.
   */
  passwordGuard: { failures: number; windowSeconds: number };
  /** SMTP server (smtp:// or smtps:// URL with credentials); absent: messages go to `<dataDir>/outbox`. */
  smtpUrl: string | undefined;
  /** Sender address of every message. */
  mailFrom: string;
  twoFactor: TwoFactorDefaults;
  /**
   * WebAuthn relying party: ID (a registrable domain) and the origins that may run ceremonies. Null when
   * it would default to a public URL's host that is an IP address, which browsers refuse as an RP ID:
   * security keys and passkeys are then unavailable (their ceremonies are refused, the rest runs).
   */
  webauthnRpId: string | null;
  webauthnOrigins: string[];
  /** Defaults of the incident-detection settings (admins can change them in the dashboard). */
  incidents: IncidentDefaults;
  /** How often open WebSocket connections are checked against their session (revoked, expired, IP list). */
  wsSessionCheckSeconds: number;
  /** Incident e-mails to admins: at most one per recipient per this many seconds; the rest come as one summary. */
  incidentMailThrottleSeconds: number;
  /** How long what is over is kept before the hourly pruning deletes it (see db/retention.ts). */
  retention: Retention;
}

export interface IncidentDefaults {
  enabled: boolean;
  /** Successful logins this close in time are compared. */
  windowSeconds: number;
  /** Places farther apart than this count as different locations within one country. */
  distanceKm: number;
  /** Faster than this between consecutive logins is impossible travel. */
  maxSpeedKmh: number;
  /** Failed attempts before a success in the window that point at a guessed password. */
  failuresBeforeSuccess: number;
}

export interface TwoFactorDefaults {
  /** Issuer shown in authenticator apps (settings can change it). */
  issuer: string;
  /** Wrong second-factor attempts allowed per account within the window. */
  maxAttempts: number;
  /**
   * Wrong second-factor attempts allowed per network (an IPv4 address, an IPv6 /64) within the window,
   * all accounts together: by default four accounts' worth, so that one person's wrong codes cannot
   * stop everyone else behind the same address.
   */
  networkMaxAttempts: number;
  attemptWindowSeconds: number;
  /** Consecutive failures that lock second-factor sign-in until an admin unlocks it (NIST SP 800-63B). */
  lockoutFailures: number;
  /** Minimum time between two e-mailed codes. */
  emailCooldownSeconds: number;
  /** How long a pending (password-only) session may take to finish the second step or enrollment. */
  pendingSessionSeconds: number;
  /** How long a re-authentication ("sudo mode") lasts. */
  reauthSeconds: number;
}

export interface BruteForceDefaults {
  ipThreshold: number;
  accountIpThreshold: number;
  windowSeconds: number;
  blockSeconds: number;
  maxBlockSeconds: number;
  escalationFactor: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Reads and validates the environment once. Every problem is reported with the variable's name. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const str = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const int = (name: string, def: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === undefined) return def;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return def;
    }
    return Number(raw);
  };
  const bool = (name: string, def: boolean): boolean => {
    const raw = str(name)?.toLowerCase();
    if (raw === undefined) return def;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    problems.push(`${name} must be true or false (got "${raw}")`);
    return def;
  };

  // Unset means production: a server started any other way than `pnpm dev` or the tests (the server
  // package's own `start`, a container, systemd) must not serve introspection, suggestions or the
  // development outbox.
  const rawEnv = str('NODE_ENV') ?? 'production';
  let nodeEnv: NodeEnv = 'production';
  if (rawEnv === 'development' || rawEnv === 'production' || rawEnv === 'test') nodeEnv = rawEnv;
  else problems.push(`NODE_ENV must be development, production or test (got "${rawEnv}")`);

  const host = str('HOST') ?? '127.0.0.1';
  const port = int('PORT', 4000, 0, 65535);

  let publicUrl = new URL(`http://localhost:${port || 4000}`);
  const rawPublic = str('PUBLIC_URL');
  if (rawPublic !== undefined) {
    try {
      const u = new URL(rawPublic);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
      if (u.pathname !== '/' || u.search || u.hash) throw new Error('path');
      const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
      if (u.protocol === 'http:' && !loopback) {
        problems.push(
          `PUBLIC_URL must use https unless it is localhost (got "${rawPublic}"): session cookies are only sent without Secure on plain-http localhost`,
        );
      }
      publicUrl = u;
    } catch {
      problems.push(`PUBLIC_URL must be an http(s) origin such as https://security.example.com (got "${rawPublic}")`);
    }
  }

  // Listening beyond this machine with the default plain-http localhost URL would send passwords and a
  // session cookie without Secure over the network: the public (https) URL must be named then.
  if (rawPublic === undefined && !['127.0.0.1', 'localhost', '::1'].includes(host)) {
    problems.push(
      `PUBLIC_URL must be set (the URL users open: https, or http://localhost behind a port mapping) when HOST listens beyond this machine (HOST="${host}")`,
    );
  }

  const databaseUrl = str('DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }

  // A relative DATA_DIR is the repository's, wherever the server or the CLI was started from. Before
  // 2026-12-01 it was the working directory's: an installation with its data there is named, not
  // silently started afresh beside it (a new empty database and new keys would look like data loss).
  const rawDataDir = str('DATA_DIR');
  const dataDir = path.resolve(repoRoot, rawDataDir ?? '.data');
  if (rawDataDir !== undefined && !path.isAbsolute(rawDataDir)) {
    const before = path.resolve(rawDataDir);
    if (before !== dataDir && (existsSync(path.join(before, 'keys.json')) || existsSync(path.join(before, 'postgres')))) {
      problems.push(
        `DATA_DIR "${rawDataDir}" now means ${dataDir} (relative paths are the repository's), but the data is in ${before}: set DATA_DIR=${before}`,
      );
    }
  }
  const embeddedPgPort = int('EMBEDDED_PG_PORT', 54329, 1024, 65535);
  if (embeddedPgPort === 5432) problems.push('EMBEDDED_PG_PORT must not be 5432 (the usual system PostgreSQL port)');

  const hexKey = (name: string): string | undefined => {
    const v = str(name);
    if (v !== undefined && !/^[0-9a-fA-F]{64}$/.test(v)) {
      problems.push(`${name} must be 64 hexadecimal characters (32 bytes); leave it unset to generate one into the data folder`);
      return undefined;
    }
    return v?.toLowerCase();
  };
  const sessionSecret = hexKey('SESSION_SECRET');
  const encryptionKey = hexKey('ENCRYPTION_KEY');

  let trustedProxies: ParsedCidr[] = [];
  const rawProxies = str('TRUSTED_PROXIES');
  if (rawProxies !== undefined) {
    const parsed = parseCidrList(rawProxies.split(/[\s,]+/).filter(Boolean));
    if (parsed.errors.length > 0) {
      problems.push(`TRUSTED_PROXIES has invalid entries: ${parsed.errors.map((e) => `"${e.input}" (${e.reason})`).join(', ')}`);
    }
    trustedProxies = parsed.ranges;
    // Trusting every address would let any client name its own address in the forwarding header.
    for (const r of trustedProxies) {
      if (r.prefix === 0) problems.push(`TRUSTED_PROXIES must name your proxies, not every address ("${r.text}")`);
    }
  }
  const rawProxyHeader = (str('TRUSTED_PROXY_HEADER') ?? 'x-forwarded-for').toLowerCase();
  let proxyHeader: ProxyHeader = 'x-forwarded-for';
  if (rawProxyHeader === 'x-forwarded-for' || rawProxyHeader === 'forwarded') proxyHeader = rawProxyHeader;
  else problems.push('TRUSTED_PROXY_HEADER must be X-Forwarded-For or Forwarded');

  const sessionIdleTimeoutSeconds = int('SESSION_IDLE_TIMEOUT_SECONDS', 30 * 60, 5, 30 * 24 * 3600);
  const sessionAbsoluteTimeoutSeconds = int('SESSION_ABSOLUTE_TIMEOUT_SECONDS', 12 * 3600, 5, 90 * 24 * 3600);
  if (sessionAbsoluteTimeoutSeconds < sessionIdleTimeoutSeconds) {
    problems.push('SESSION_ABSOLUTE_TIMEOUT_SECONDS must not be shorter than SESSION_IDLE_TIMEOUT_SECONDS');
  }
  const setupTokenTtlSeconds = int('SETUP_TOKEN_TTL_SECONDS', 3600, 1, 7 * 24 * 3600);
  const graphqlIntrospection = bool('GRAPHQL_INTROSPECTION', nodeEnv === 'development');
  const logLevel = str('LOG_LEVEL') ?? (nodeEnv === 'test' ? 'warn' : 'info');
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "${logLevel}")`);
  }

  let clientDistDir: string | undefined = path.resolve(str('CLIENT_DIST_DIR') ?? path.join(repoRoot, 'client', 'dist'));
  if (str('SERVE_CLIENT') !== undefined && !bool('SERVE_CLIENT', true)) clientDistDir = undefined;

  // One hash per CPU: more only queues in the thread pool and starves the event loop of the CPU it needs.
  const passwordHashConcurrency = int('PASSWORD_HASH_CONCURRENCY', Math.max(1, Math.min(8, os.availableParallelism())), 1, 64);
  const passwordHashNiceness = int('PASSWORD_HASH_NICENESS', 10, 0, 19);
  const passwordHashMaxWaitMs = int('PASSWORD_HASH_MAX_WAIT_MS', 10_000, 100, 300_000);
  const dbStatementTimeoutMs = int('DB_STATEMENT_TIMEOUT_MS', 30_000, 0, 3_600_000);
  const passwordHashesPerSource = int('PASSWORD_HASHES_PER_SOURCE', 8, 1, 1000);
  const passwordHashesPerAccount = int('PASSWORD_HASHES_PER_ACCOUNT', 8, 1, 1000);
  const loginMinDurationMs = int('LOGIN_MIN_DURATION_MS', 250, 0, 10_000);
  const passwordGuard = {
    failures: int('PASSWORD_GUARD_FAILURES', 100, 0, 100_000),
    windowSeconds: int('PASSWORD_GUARD_WINDOW_SECONDS', 86_400, 60, 30 * 24 * 3600),
  };

  /** Comma-separated MMDB paths; a file that is not there is named at start, not found at the first login. */
  const mmdbFiles = (name: string): string[] | undefined => {
    const list = str(name)
      ?.split(',')
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => path.resolve(p));
    for (const f of list ?? []) if (!existsSync(f)) problems.push(`${name}: no file at ${f}`);
    return list && list.length > 0 ? list : undefined;
  };
  const cityDbs = mmdbFiles('GEOIP_CITY_DB');
  const asnDbs = mmdbFiles('GEOIP_ASN_DB');
  const geoipAsn = bool('GEOIP_ASN', true);
  const bruteForce: BruteForceDefaults = {
    ipThreshold: int('BRUTE_FORCE_IP_THRESHOLD', 20, 1, 100_000),
    accountIpThreshold: int('BRUTE_FORCE_ACCOUNT_IP_THRESHOLD', 5, 1, 100_000),
    windowSeconds: int('BRUTE_FORCE_WINDOW_SECONDS', 900, 1, 7 * 24 * 3600),
    blockSeconds: int('BRUTE_FORCE_BLOCK_SECONDS', 900, 1, 30 * 24 * 3600),
    maxBlockSeconds: int('BRUTE_FORCE_MAX_BLOCK_SECONDS', 86_400, 1, 365 * 24 * 3600),
    escalationFactor: int('BRUTE_FORCE_ESCALATION_FACTOR', 2, 1, 100),
  };
  if (bruteForce.maxBlockSeconds < bruteForce.blockSeconds) {
    problems.push('BRUTE_FORCE_MAX_BLOCK_SECONDS must not be shorter than BRUTE_FORCE_BLOCK_SECONDS');
  }

  const smtpUrl = str('SMTP_URL');
  if (smtpUrl !== undefined && !/^smtps?:\/\//.test(smtpUrl)) problems.push('SMTP_URL must be an smtp:// or smtps:// URL');
  const mailFrom = str('MAIL_FROM') ?? `Security Center <no-reply@${publicUrl.hostname}>`;
  const secondFactorMaxAttempts = int('SECOND_FACTOR_MAX_ATTEMPTS', 5, 1, 1000);
  const twoFactor: TwoFactorDefaults = {
    issuer: (str('TOTP_ISSUER') ?? 'Security Center').slice(0, 64),
    maxAttempts: secondFactorMaxAttempts,
    networkMaxAttempts: int('SECOND_FACTOR_NETWORK_MAX_ATTEMPTS', 4 * secondFactorMaxAttempts, 1, 100_000),
    attemptWindowSeconds: int('SECOND_FACTOR_WINDOW_SECONDS', 900, 1, 24 * 3600),
    // NIST SP 800-63B: no more than 100 consecutive failures before the lock.
    lockoutFailures: int('SECOND_FACTOR_LOCKOUT_FAILURES', 100, 1, 100),
    emailCooldownSeconds: int('EMAIL_CODE_COOLDOWN_SECONDS', 60, 1, 3600),
    pendingSessionSeconds: int('PENDING_SESSION_SECONDS', 600, 10, 3600),
    reauthSeconds: int('REAUTH_SECONDS', 300, 10, 3600),
  };
  // Browsers refuse an IP address as RP ID ("This is an invalid domain"): named so, it is a mistake
  // said at start; taken from a public URL at an IP address, the server starts without security keys
  // (a deployment that uses none need not name a domain).
  const rawRpId = str('WEBAUTHN_RP_ID');
  const rpHost = rawRpId ?? publicUrl.hostname;
  if (rawRpId !== undefined && isIpLiteral(rawRpId)) {
    problems.push(
      `WEBAUTHN_RP_ID must be a domain name, not an IP address (got "${rawRpId}"): browsers refuse security keys for an IP address`,
    );
  }
  const webauthnRpId = isIpLiteral(rpHost) ? null : rpHost;
  const webauthnOrigins: string[] = [];
  const rawOrigins = (str('WEBAUTHN_ORIGINS') ?? publicUrl.origin)
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  // A list that names nothing (",") would refuse every security key, with the reason only in a log line.
  if (rawOrigins.length === 0) problems.push('WEBAUTHN_ORIGINS must list at least one origin (or be unset: the public URL’s)');
  // Checked here, not at the first security key: the RP ID is the origins' host or a parent domain of it.
  for (const o of rawOrigins) {
    let u: URL | undefined;
    try {
      u = new URL(o);
    } catch {
      u = undefined;
    }
    if (!u || (u.protocol !== 'https:' && u.protocol !== 'http:') || u.origin !== o.replace(/\/$/, '')) {
      problems.push(`WEBAUTHN_ORIGINS must list origins such as https://security.example.com (got "${o}")`);
    } else if (u.hostname !== rpHost && !u.hostname.endsWith(`.${rpHost}`)) {
      problems.push(
        `WEBAUTHN_RP_ID ("${rpHost}") must be the host of each WebAuthn origin or a parent domain of it (got "${o}")`,
      );
    } else {
      // As browsers report it (no trailing slash): SimpleWebAuthn compares origins exactly.
      webauthnOrigins.push(u.origin);
    }
  }

  const incidents: IncidentDefaults = {
    enabled: bool('INCIDENT_DETECTION', true),
    windowSeconds: int('INCIDENT_WINDOW_SECONDS', 24 * 3600, 60, 30 * 24 * 3600),
    distanceKm: int('INCIDENT_DISTANCE_KM', 500, 1, 20_000),
    maxSpeedKmh: int('INCIDENT_MAX_SPEED_KMH', 1000, 10, 100_000),
    failuresBeforeSuccess: int('INCIDENT_FAILURES_BEFORE_SUCCESS', 5, 1, 100_000),
  };
  const wsSessionCheckSeconds = int('WS_SESSION_CHECK_SECONDS', 5, 1, 3600);
  const incidentMailThrottleSeconds = int('INCIDENT_MAIL_THROTTLE_SECONDS', 300, 1, 24 * 3600);
  const retention: Retention = {
    loginHistoryDays: int('LOGIN_HISTORY_DAYS', 365, 0, 36_500),
    endedRecordDays: int('ENDED_RECORD_DAYS', 30, 1, 36_500),
  };
  // Never prune what is still read (see MIN_LOGIN_HISTORY_DAYS; also the restriction preview's 30 days
  // and a retried report's idempotency key up to 30 days late).
  if (retention.loginHistoryDays > 0 && retention.loginHistoryDays < MIN_LOGIN_HISTORY_DAYS) {
    problems.push(
      `LOGIN_HISTORY_DAYS must be 0 (keep for ever) or at least ${MIN_LOGIN_HISTORY_DAYS} (got "${retention.loginHistoryDays}")`,
    );
  }

  if (problems.length > 0) throw new ConfigError(problems);

  return {
    nodeEnv,
    host,
    port,
    publicUrl,
    databaseUrl,
    dataDir,
    embeddedPgPort,
    sessionSecret,
    encryptionKey,
    trustedProxies,
    proxyHeader,
    sessionIdleTimeoutSeconds,
    sessionAbsoluteTimeoutSeconds,
    setupTokenTtlSeconds,
    graphqlIntrospection,
    logLevel,
    clientDistDir,
    passwordHashConcurrency,
    passwordHashNiceness,
    passwordHashMaxWaitMs,
    dbStatementTimeoutMs,
    passwordHashesPerSource,
    passwordHashesPerAccount,
    loginMinDurationMs,
    geoipCityDbs: cityDbs,
    geoipAsnDbs: asnDbs,
    geoipAsn,
    bruteForce,
    passwordGuard,
    smtpUrl,
    mailFrom,
    twoFactor,
    webauthnRpId,
    webauthnOrigins,
    incidents,
    wsSessionCheckSeconds,
    incidentMailThrottleSeconds,
    retention,
  };
}

/**
 * Whether a host is an IP address as a browser reads it: IPv4 or IPv6, bracketed or not, and the short
 * and numeric IPv4 forms URL parsing turns into one (`127.1`, `0x7f.0.0.1`, `2130706433`).
 */
function isIpLiteral(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIP(bare) !== 0) return true;
  try {
    const parsed = new URL(`http://${host}/`).hostname;
    return isIP(parsed) !== 0 || parsed.startsWith('[');
  } catch {
    return false;
  }
}

/** Plain-http localhost is the only place a session cookie may go without `Secure`. */
export function isSecureOrigin(url: URL): boolean {
  return url.protocol === 'https:';
}
