import type { EntityManager } from '@mikro-orm/postgresql';
import type { BruteForceDefaults, Config, IncidentDefaults } from '../../config.js';
import { TwoFactorMethod } from '../two-factor/two-factor.entity.js';
import { Setting } from './setting.entity.js';

const CACHE_MS = 5_000;

/** System-wide two-factor settings (admins change them in the dashboard). */
export interface TwoFactorSettings {
  /** Off: nobody is asked for a second step and nobody can enroll. */
  enabled: boolean;
  /** Shown in authenticator apps. Existing entries keep working when it changes (the secret is what counts). */
  issuer: string;
  /** Methods that may be newly enrolled. Methods already set up keep working, so nobody is locked out. */
  allowedMethods: TwoFactorMethod[];
  /** Admins and sub-admins must have a second factor. */
  requiredForStaff: boolean;
  /** E-mail codes for admins and sub-admins (NIST SP 800-63B-4 does not accept e-mail as an authenticator). */
  emailForStaff: boolean;
}

interface Cached<T> {
  at: number;
  value: T;
}

/**
 * Settings stored in PostgreSQL over defaults from the configuration. Each instance caches them for a
 * few seconds, so a change reaches every instance within that time.
 */
export class SettingsService {
  private readonly cache = new Map<string, Cached<unknown>>();

  constructor(private readonly config: Config) {}

  private async read<T extends object>(em: EntityManager, key: string, defaults: T): Promise<T> {
    const hit = this.cache.get(key) as Cached<T> | undefined;
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.value;
    const row = await em.fork().findOne(Setting, { key });
    const value = { ...defaults, ...((row?.value ?? {}) as Partial<T>) };
    this.cache.set(key, { at: Date.now(), value });
    return value;
  }

  private async write<T extends object>(em: EntityManager, key: string, current: T, patch: Partial<T>, by: string): Promise<T> {
    const next = {
      ...current,
      ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined && v !== null)),
    } as T;
    await em.upsert(Setting, { key, value: next as Record<string, unknown>, updatedAt: new Date(), updatedBy: by });
    this.cache.set(key, { at: Date.now(), value: next });
    return next;
  }

  async bruteForce(em: EntityManager): Promise<BruteForceDefaults> {
    return this.read(em, 'bruteForce', this.config.bruteForce);
  }

  async updateBruteForce(em: EntityManager, patch: Partial<BruteForceDefaults>, by: string): Promise<BruteForceDefaults> {
    return this.write(em, 'bruteForce', await this.bruteForce(em), patch, by);
  }

  async twoFactor(em: EntityManager): Promise<TwoFactorSettings> {
    return this.read<TwoFactorSettings>(em, 'twoFactor', {
      enabled: true,
      issuer: this.config.twoFactor.issuer,
      allowedMethods: [TwoFactorMethod.TOTP, TwoFactorMethod.EMAIL, TwoFactorMethod.WEBAUTHN, TwoFactorMethod.RECOVERY_CODE],
      requiredForStaff: false,
      emailForStaff: false,
    });
  }

  async updateTwoFactor(em: EntityManager, patch: Partial<TwoFactorSettings>, by: string): Promise<TwoFactorSettings> {
    return this.write(em, 'twoFactor', await this.twoFactor(em), patch, by);
  }

  async incidents(em: EntityManager): Promise<IncidentDefaults> {
    return this.read(em, 'incidents', this.config.incidents);
  }

  async updateIncidents(em: EntityManager, patch: Partial<IncidentDefaults>, by: string): Promise<IncidentDefaults> {
    return this.write(em, 'incidents', await this.incidents(em), patch, by);
  }
}
