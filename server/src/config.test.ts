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
});
