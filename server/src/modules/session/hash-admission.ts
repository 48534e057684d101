import { HashBusyError } from '../account/password.js';

/**
 * How many password checks one source (an address, or an IPv6 /64) and one account name may have
 * waiting for or running on the hashing threads at once. The threads are the sign-in's scarce resource:
 * without a cap, a burst of wrong passwords from one source is checked in full before the first of them
 * is counted (the block comes after), and anyone who knows one account's password can queue its
 * sign-ins by the hundred, so everyone else's wait in line until they are answered SERVER_BUSY. Past a
 * cap a sign-in is answered SERVER_BUSY at once, unchecked and uncounted. In memory, per instance.
 */
export class HashAdmission {
  private readonly bySource = new Map<string, number>();
  private readonly byAccount = new Map<string, number>();

  constructor(
    private readonly perSource: number,
    private readonly perAccount: number,
  ) {}

  /**
   * Takes a place for one check, or throws SERVER_BUSY. `source` null: not held to the per-source cap
   * (a trusted source, which is never blocked either). Returns the release, to call once checked.
   */
  enter(source: string | null, account: string): () => void {
    const fromSource = source === null ? 0 : (this.bySource.get(source) ?? 0);
    const forAccount = this.byAccount.get(account) ?? 0;
    if (fromSource >= this.perSource || forAccount >= this.perAccount) throw new HashBusyError();
    if (source !== null) this.bySource.set(source, fromSource + 1);
    this.byAccount.set(account, forAccount + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (source !== null) drop(this.bySource, source);
      drop(this.byAccount, account);
    };
  }

  /** Checks in flight (for tests and metrics). */
  get size(): number {
    let n = 0;
    for (const v of this.byAccount.values()) n += v;
    return n;
  }
}

function drop(map: Map<string, number>, key: string): void {
  const n = (map.get(key) ?? 1) - 1;
  if (n <= 0) map.delete(key);
  else map.set(key, n);
}
