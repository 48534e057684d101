import type { EntityManager } from '@mikro-orm/postgresql';
import type { BruteForceDefaults, Config } from '../../config.js';
import { Setting } from './setting.entity.js';

const CACHE_MS = 5_000;

/**
 * Settings stored in PostgreSQL over defaults from the configuration. Each instance caches them for a
 * few seconds, so a change reaches every instance within that time.
 */
export class SettingsService {
  private cache: { at: number; value: BruteForceDefaults } | undefined;

  constructor(private readonly config: Config) {}

  async bruteForce(em: EntityManager): Promise<BruteForceDefaults> {
    if (this.cache && Date.now() - this.cache.at < CACHE_MS) return this.cache.value;
    const row = await em.fork().findOne(Setting, { key: 'bruteForce' });
    const value = { ...this.config.bruteForce, ...((row?.value ?? {}) as Partial<BruteForceDefaults>) };
    this.cache = { at: Date.now(), value };
    return value;
  }

  async updateBruteForce(em: EntityManager, patch: Partial<BruteForceDefaults>, by: string): Promise<BruteForceDefaults> {
    const current = await this.bruteForce(em);
    const next = { ...current, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined && v !== null)) };
    await em.upsert(Setting, { key: 'bruteForce', value: next, updatedAt: new Date(), updatedBy: by });
    this.cache = { at: Date.now(), value: next };
    return next;
  }
}
