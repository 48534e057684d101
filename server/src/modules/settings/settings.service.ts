import { isDeepStrictEqual } from 'node:util';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { BruteForceDefaults, Config, IncidentDefaults } from '../../config.js';
import type { ChangeFeed } from '../../db/change-feed.js';
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

/** Turns the stored value (read under the lock) into the fields to change, or refuses by throwing. */
/**
 * Which way a setting lets more through: a higher threshold, a lower window, switched off. A change
 * in that direction weakens protection, and the resolvers ask for a recent re-authentication first.
 */
export type Looser = 'higher' | 'lower' | 'off';

/** Whether `patch` moves any setting of `before` the way `looser` names. */
export function loosens<T extends object>(before: T, patch: Partial<T>, looser: Partial<Record<keyof T, Looser>>): boolean {
  return (Object.keys(looser) as (keyof T)[]).some((key) => {
    const next = patch[key];
    const was = before[key];
    if (next === undefined || next === null) return false;
    switch (looser[key]) {
      case 'higher':
        return (next as number) > (was as number);
      case 'lower':
        return (next as number) < (was as number);
      case 'off':
        return next === false && was === true;
      default:
        return false;
    }
  });
}

export type SettingsDecide<T> = (before: T, tx: EntityManager) => Partial<T> | Promise<Partial<T>>;
/** Writes the audit entry of a change, in its transaction. */
export type SettingsRecord<T> = (tx: EntityManager, before: T, after: T) => Promise<void>;

interface Cached<T> {
  at: number;
  value: T;
}

/** The key of the two-factor settings' row (also read by the sign-in's statement: `TWO_FACTOR_SETTINGS_SQL`). */
const TWO_FACTOR_KEY = 'twoFactor';

/** A scalar subquery for the stored two-factor settings (null when none are stored): see `twoFactorFrom`. */
export const TWO_FACTOR_SETTINGS_SQL = `(select value from setting where key = '${TWO_FACTOR_KEY}')`;

/**
 * Settings stored in PostgreSQL over defaults from the configuration. Each instance keeps them in memory
 * for a few seconds, and forgets them as soon as any instance commits a change (the `setting` table is
 * announced on the change feed); while the feed's connection is down, nothing is kept. What acts on a
 * policy reads the settings afresh: a sign-in with its account's row (`twoFactorFrom`), a transaction
 * under the settings' lock (`twoFactorLocked`).
 */
export class SettingsService {
  private readonly cache = new Map<string, Cached<unknown>>();
  /** Moves with every change this instance makes or hears of: a read begun before one is not kept. */
  private generation = 0;

  /** `feed`: the change feed (none in the CLI and unit tests: then kept for a few seconds). */
  constructor(
    private readonly config: Config,
    private readonly feed?: ChangeFeed,
  ) {
    feed?.on((table) => {
      if (table !== 'setting' && table !== '*') return;
      this.generation++;
      this.cache.clear();
    });
  }

  private async read<T extends object>(em: EntityManager, key: string, defaults: T): Promise<T> {
    const hit = this.cache.get(key) as Cached<T> | undefined;
    if (hit && Date.now() - hit.at < CACHE_MS && (this.feed?.live ?? true)) return hit.value;
    // Inside a transaction, on a miss: read on its own connection, and keep nothing (what it reads may
    // be that transaction's own uncommitted write; a transaction that writes settings reads them with
    // `readLocked`, never from memory, as a hit would be). A fork would take another connection from
    // the pool while the transaction holds its own, and ten transactions each waiting for one (a flood
    // of integrators' failure reports while the cache is cold) would leave none until the wait gives up.
    if (em.isInTransaction()) return this.readStored(em, key, defaults);
    const generation = this.generation;
    const row = await em.fork().findOne(Setting, { key });
    const value = { ...defaults, ...((row?.value ?? {}) as Partial<T>) };
    // A change committed while this read ran (one this instance made, or heard of) may not be in it.
    if (generation === this.generation) this.cache.set(key, { at: Date.now(), value });
    return value;
  }

  /**
   * Changes one group: under a per-group lock the stored value is read afresh (never from this
   * instance's cache, which may be seconds old), `decide` turns it into the patch (or refuses by
   * throwing), and the write and `record` (the audit entry) commit together. So two admins changing
   * different fields at once, on one instance or two, never write back each other's old values.
   */
  private async change<T extends object>(
    em: EntityManager,
    key: string,
    defaults: T,
    by: string,
    decide: SettingsDecide<T>,
    record: SettingsRecord<T>,
  ): Promise<T> {
    const next = await em.transactional(async (tx) => {
      const before = await this.readLocked(tx, key, defaults, 'exclusive');
      const patch = await decide(before, tx);
      const after = {
        ...before,
        ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined && v !== null)),
      } as T;
      // A change that changes nothing (an empty input, or the values in force) writes nothing and is
      // not audited: the log says who changed what, not who pressed save.
      if (isDeepStrictEqual(before, after)) return after;
      await tx.upsert(Setting, { key, value: after as Record<string, unknown>, updatedAt: new Date(), updatedBy: by });
      await record(tx, before, after);
      return after;
    });
    this.generation++;
    this.cache.set(key, { at: Date.now(), value: next });
    return next;
  }

  /**
   * One group as committed, under its lock until `tx` commits: `exclusive` for a change of it,
   * `shared` for a transaction acting on it (see `twoFactorLocked`). Never from memory.
   */
  private async readLocked<T extends object>(
    tx: EntityManager,
    key: string,
    defaults: T,
    mode: 'exclusive' | 'shared',
  ): Promise<T> {
    const lock = mode === 'exclusive' ? 'pg_advisory_xact_lock' : 'pg_advisory_xact_lock_shared';
    await tx.execute(`select ${lock}(hashtext(?))`, [`settings:${key}`]);
    return this.readStored(tx, key, defaults);
  }

  /** One group as committed now: never from memory, under whatever lock the caller holds (or none). */
  private async readStored<T extends object>(em: EntityManager, key: string, defaults: T): Promise<T> {
    const rows = await em.execute<{ value: Partial<T> }[]>(`select value from setting where key = ?`, [key]);
    return { ...defaults, ...(rows[0]?.value ?? {}) };
  }

  async bruteForce(em: EntityManager): Promise<BruteForceDefaults> {
    return this.read(em, 'bruteForce', this.config.bruteForce);
  }

  async updateBruteForce(
    em: EntityManager,
    by: string,
    decide: SettingsDecide<BruteForceDefaults>,
    record: SettingsRecord<BruteForceDefaults>,
  ): Promise<BruteForceDefaults> {
    return this.change(em, 'bruteForce', this.config.bruteForce, by, decide, record);
  }

  private twoFactorDefaults(): TwoFactorSettings {
    return {
      enabled: true,
      issuer: this.config.twoFactor.issuer,
      allowedMethods: [TwoFactorMethod.TOTP, TwoFactorMethod.EMAIL, TwoFactorMethod.WEBAUTHN, TwoFactorMethod.RECOVERY_CODE],
      requiredForStaff: false,
      emailForStaff: false,
    };
  }

  async twoFactor(em: EntityManager): Promise<TwoFactorSettings> {
    return this.read<TwoFactorSettings>(em, TWO_FACTOR_KEY, this.twoFactorDefaults());
  }

  /** The two-factor settings from their stored value as a statement read it (`TWO_FACTOR_SETTINGS_SQL`; null: the defaults). */
  twoFactorFrom(stored: Partial<TwoFactorSettings> | null | undefined): TwoFactorSettings {
    return { ...this.twoFactorDefaults(), ...(stored ?? {}) };
  }

  /**
   * The two-factor settings as committed, for a transaction that acts on them (signs out whoever a
   * policy requires an enrollment of, keeps a policy's last factor): under a shared lock that a change
   * of them takes exclusively (`change`), so that the two run one after the other and neither acts on
   * settings the other is changing. Never from memory. Take it before the rows the transaction locks.
   */
  async twoFactorLocked(tx: EntityManager): Promise<TwoFactorSettings> {
    return this.readLocked(tx, TWO_FACTOR_KEY, this.twoFactorDefaults(), 'shared');
  }

  /** The two-factor settings as committed now, never from memory and under no lock: for a read that acts on nothing. */
  async twoFactorCommitted(em: EntityManager): Promise<TwoFactorSettings> {
    return this.readStored(em, TWO_FACTOR_KEY, this.twoFactorDefaults());
  }

  async updateTwoFactor(
    em: EntityManager,
    by: string,
    decide: SettingsDecide<TwoFactorSettings>,
    record: SettingsRecord<TwoFactorSettings>,
  ): Promise<TwoFactorSettings> {
    return this.change(em, TWO_FACTOR_KEY, this.twoFactorDefaults(), by, decide, record);
  }

  async incidents(em: EntityManager): Promise<IncidentDefaults> {
    return this.read(em, 'incidents', this.config.incidents);
  }

  async updateIncidents(
    em: EntityManager,
    by: string,
    decide: SettingsDecide<IncidentDefaults>,
    record: SettingsRecord<IncidentDefaults>,
  ): Promise<IncidentDefaults> {
    return this.change(em, 'incidents', this.config.incidents, by, decide, record);
  }
}
