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
  // Sources and /48 sites share one map: their keys (`a.b.c.d/32`, `x::/64`, `x::/48`) never collide.
  private readonly bySource = new Map<string, number>();
  private readonly byAccount = new Map<string, number>();

  constructor(
    private readonly perSource: number,
    private readonly perAccount: number,
    /** A /48 site's share, in sources' shares. */
    private readonly siteFactor: number,
  ) {}

  /**
   * Takes a place for one check, or throws SERVER_BUSY. `from` null: a trusted source, held to no cap
   * (it is never blocked either, and the account's own share must not let anyone lock its holder out
   * of their trusted networks). Otherwise the source, its IPv6 /48 (`site`, `siteFactor` times the
   * source's share: its /64s are free to whoever holds it) and the account each have a share.
   * Returns the release, to call once checked.
   */
  enter(from: { source: string; site: string | null } | null, account: string): () => void {
    if (from === null) return () => undefined;
    const keys: [Map<string, number>, string, number][] = [
      [this.bySource, from.source, this.perSource],
      [this.byAccount, account, this.perAccount],
    ];
    if (from.site !== null) keys.push([this.bySource, from.site, this.perSource * this.siteFactor]);
    for (const [map, key, cap] of keys) if ((map.get(key) ?? 0) >= cap) throw new HashBusyError();
    for (const [map, key] of keys) map.set(key, (map.get(key) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const [map, key] of keys) drop(map, key);
    };
  }
}

function drop(map: Map<string, number>, key: string): void {
  const n = (map.get(key) ?? 1) - 1;
  if (n <= 0) map.delete(key);
  else map.set(key, n);
}
