import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has safe defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 4000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      nodeEnv: 'production',
      graphqlIntrospection: false,
      trustedProxies: [],
      proxyHeader: 'x-forwarded-for',
    });
    expect(c.publicUrl.origin).toBe('http://localhost:4000');
    expect(c.embeddedPgPort).not.toBe(5432);
    expect(loadConfig({ TRUSTED_PROXY_HEADER: 'Forwarded' }).proxyHeader).toBe('forwarded');
    expect(loadConfig({ NODE_ENV: 'production' }).graphqlIntrospection).toBe(false);
    expect(loadConfig({ NODE_ENV: 'development' }).graphqlIntrospection).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test' }).graphqlIntrospection).toBe(false);
  });

  it('limits second factors by default to 5 attempts per 15 minutes and locks after 100 failures in a row', () => {
    expect(loadConfig({}).twoFactor).toMatchObject({
      maxAttempts: 5,
      networkMaxAttempts: 20,
      attemptWindowSeconds: 900,
      lockoutFailures: 100,
    });
    // A network holds four accounts' worth unless set on its own.
    expect(loadConfig({ SECOND_FACTOR_MAX_ATTEMPTS: '7' }).twoFactor.networkMaxAttempts).toBe(28);
    expect(loadConfig({ SECOND_FACTOR_NETWORK_MAX_ATTEMPTS: '50' }).twoFactor).toMatchObject({
      maxAttempts: 5,
      networkMaxAttempts: 50,
    });
    // Each read from its own variable (tests lower them; an installation may tune them).
    expect(
      loadConfig({ SECOND_FACTOR_MAX_ATTEMPTS: '3', SECOND_FACTOR_WINDOW_SECONDS: '60', SECOND_FACTOR_LOCKOUT_FAILURES: '8' })
        .twoFactor,
    ).toMatchObject({ maxAttempts: 3, attemptWindowSeconds: 60, lockoutFailures: 8 });
  });

  it('locks the second step after at most 100 consecutive failures (NIST SP 800-63B): more is refused by name', () => {
    expect(loadConfig({ SECOND_FACTOR_LOCKOUT_FAILURES: '100' }).twoFactor.lockoutFailures).toBe(100);
    expect(() => loadConfig({ SECOND_FACTOR_LOCKOUT_FAILURES: '101' })).toThrow(ConfigError);
    try {
      loadConfig({ SECOND_FACTOR_LOCKOUT_FAILURES: '101' });
    } catch (err) {
      expect((err as ConfigError).problems).toEqual([
        'SECOND_FACTOR_LOCKOUT_FAILURES must be a whole number from 1 to 100 (got "101")',
      ]);
    }
  });

  it('reports every bad variable by name at once', () => {
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://db',
        TRUSTED_PROXIES: '10.0.0.1/8, nope',
        EMBEDDED_PG_PORT: '5432',
        SESSION_SECRET: 'abc',
        TRUSTED_PROXY_HEADER: 'X-Real-IP',
      });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const text = (err as ConfigError).problems.join('\n');
      for (const name of [
        'PORT',
        'DATABASE_URL',
        'TRUSTED_PROXIES',
        'EMBEDDED_PG_PORT',
        'SESSION_SECRET',
        'TRUSTED_PROXY_HEADER',
      ])
        expect(text).toContain(name);
      expect(text).toContain('"10.0.0.1/8" (HOST_BITS_SET)');
    }
  });

  it('requires https for a public URL that is not localhost', () => {
    expect(() => loadConfig({ PUBLIC_URL: 'http://security.example.com' })).toThrow(/PUBLIC_URL must use https/);
    expect(loadConfig({ PUBLIC_URL: 'https://security.example.com' }).publicUrl.host).toBe('security.example.com');
    expect(() => loadConfig({ PUBLIC_URL: 'https://security.example.com/app' })).toThrow(/PUBLIC_URL/);
  });

  it('needs the public https URL named when it listens beyond this machine', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/PUBLIC_URL must be set.*HOST="0\.0\.0\.0"/);
    expect(loadConfig({ HOST: '0.0.0.0', PUBLIC_URL: 'https://security.example.com' }).host).toBe('0.0.0.0');
    expect(loadConfig({ HOST: 'localhost' }).host).toBe('localhost');
  });

  it('refuses settings that would switch a protection off or break it at the first use', () => {
    const problems = (env: Record<string, string>): string => {
      try {
        loadConfig(env);
      } catch (err) {
        return (err as ConfigError).problems.join('\n');
      }
      return '';
    };
    expect(problems({ TRUSTED_PROXIES: '0.0.0.0/0' })).toContain('TRUSTED_PROXIES must name your proxies');
    expect(problems({ TRUSTED_PROXIES: '::/0' })).toContain('TRUSTED_PROXIES must name your proxies');
    expect(problems({ TRUSTED_PROXIES: '10.0.0.0/8' })).toBe('');
    expect(problems({ EMAIL_CODE_COOLDOWN_SECONDS: '0' })).toContain('EMAIL_CODE_COOLDOWN_SECONDS');
    expect(problems({ BRUTE_FORCE_BLOCK_SECONDS: '600', BRUTE_FORCE_MAX_BLOCK_SECONDS: '60' })).toContain(
      'BRUTE_FORCE_MAX_BLOCK_SECONDS must not be shorter',
    );
    expect(problems({ LOGIN_HISTORY_DAYS: '149' })).toContain('LOGIN_HISTORY_DAYS must be 0 (keep for ever) or at least 150');
    expect(problems({ LOGIN_HISTORY_DAYS: '0' })).toBe('');
    expect(problems({ LOGIN_HISTORY_DAYS: '150' })).toBe('');
    expect(problems({ WEBAUTHN_ORIGINS: 'security.example.com' })).toContain('WEBAUTHN_ORIGINS must list origins');
    expect(problems({ WEBAUTHN_ORIGINS: ' , ' })).toContain('WEBAUTHN_ORIGINS must list at least one origin');
    expect(problems({ WEBAUTHN_ORIGINS: 'https://security.example.com/app' })).toContain('WEBAUTHN_ORIGINS must list origins');
    expect(problems({ PUBLIC_URL: 'https://security.example.com', WEBAUTHN_RP_ID: 'other.example.org' })).toContain(
      'WEBAUTHN_RP_ID ("other.example.org") must be the host',
    );
    expect(problems({ PUBLIC_URL: 'https://security.example.com', WEBAUTHN_RP_ID: 'example.com' })).toBe('');
    // Kept as browsers report origins (SimpleWebAuthn compares them exactly).
    expect(
      loadConfig({ PUBLIC_URL: 'https://security.example.com', WEBAUTHN_ORIGINS: 'https://security.example.com/' })
        .webauthnOrigins,
    ).toEqual(['https://security.example.com']);
  });

  it('refuses an IP address set as WEBAUTHN_RP_ID; one only defaulted from PUBLIC_URL leaves security keys unavailable', () => {
    const problems = (env: Record<string, string>): string => {
      try {
        loadConfig(env);
      } catch (err) {
        return (err as ConfigError).problems.join('\n');
      }
      return '';
    };
    // Browsers refuse an IP address as RP ID ("This is an invalid domain"): every form a browser reads as one.
    for (const [rpId, publicUrl] of [
      ['10.0.0.5', 'https://10.0.0.5'],
      ['127.0.0.1', 'http://127.0.0.1:4000'],
      ['127.1', 'http://127.0.0.1:4000'],
      ['2001:db8::5', 'https://[2001:db8::5]'],
      ['[2001:db8::5]', 'https://[2001:db8::5]'],
      ['[::1]', 'http://[::1]:4000'],
    ]) {
      expect(problems({ PUBLIC_URL: publicUrl!, WEBAUTHN_RP_ID: rpId! }), rpId).toContain(
        `WEBAUTHN_RP_ID must be a domain name, not an IP address (got "${rpId}")`,
      );
    }
    // Defaulted from the public URL's host: the server starts (not every deployment uses security keys),
    // with no RP ID at all, and security-key ceremonies are refused.
    expect(loadConfig({ PUBLIC_URL: 'http://127.0.0.1:4000' }).webauthnRpId).toBeNull();
    expect(loadConfig({ PUBLIC_URL: 'http://[::1]:4000' }).webauthnRpId).toBeNull();
    expect(loadConfig({ PUBLIC_URL: 'https://10.0.0.5' }).webauthnRpId).toBeNull();
    // Host names are RP IDs as before, also one named beside a public URL at an IP address (with its own origins).
    expect(loadConfig({ PUBLIC_URL: 'https://security.example.com' }).webauthnRpId).toBe('security.example.com');
    expect(loadConfig({}).webauthnRpId).toBe('localhost');
    expect(
      loadConfig({ PUBLIC_URL: 'https://10.0.0.5', WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://keys.example.com' })
        .webauthnRpId,
    ).toBe('example.com');
  });

  it('reads a relative DATA_DIR against the repository, wherever it was started from', () => {
    const a = loadConfig({ DATA_DIR: 'var/data' }).dataDir;
    const cwd = process.cwd();
    process.chdir('/tmp');
    try {
      expect(loadConfig({ DATA_DIR: 'var/data' }).dataDir).toBe(a);
    } finally {
      process.chdir(cwd);
    }
    expect(a.endsWith('/var/data')).toBe(true);
    expect(loadConfig({ DATA_DIR: '/srv/sc' }).dataDir).toBe('/srv/sc');
    // An installation whose data sits where a relative DATA_DIR used to point (the working directory)
    // is named, not started afresh elsewhere.
    const old = mkdtempSync(path.join(os.tmpdir(), 'sc-old-data-'));
    writeFileSync(path.join(old, 'keys.json'), '{}');
    process.chdir(path.dirname(old));
    try {
      expect(() => loadConfig({ DATA_DIR: path.basename(old) })).toThrow(/but the data is in/);
    } finally {
      process.chdir(cwd);
      rmSync(old, { recursive: true, force: true });
    }
  });
});

describe('documentation of the variables', () => {
  it('every variable the server reads is in .env.example and in the README’s table', async () => {
    const { readFileSync } = await import('node:fs');
    const read = new Set<string>();
    const env = new Proxy({} as Record<string, string | undefined>, {
      get: (_t, key) => {
        if (typeof key === 'string') read.add(key);
        return undefined;
      },
    });
    loadConfig(env);
    expect(read.size).toBeGreaterThan(30);
    const root = path.join(import.meta.dirname, '..', '..');
    const example = readFileSync(path.join(root, '.env.example'), 'utf8');
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const missing = [...read].filter((name) => !new RegExp(`^#? ?${name}=`, 'm').test(example));
    expect(missing, 'not in .env.example').toEqual([]);
    // A row may name a family: `BRUTE_FORCE_*` with its members' endings (`_IP_THRESHOLD`, …).
    const families = [...readme.matchAll(/`([A-Z][A-Z_]*)_\*`/g)].map((m) => m[1]!);
    const named = (name: string) =>
      readme.includes(`\`${name}\``) ||
      families.some((f) => name.startsWith(`${f}_`) && readme.includes(`\`${name.slice(f.length)}\``));
    const undocumented = [...read].filter((name) => !named(name));
    expect(undocumented, 'not in the README').toEqual([]);
  });
});
