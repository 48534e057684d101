/**
 * "At most once per `intervalMs` for each key", in memory (per instance): for what a flood must not
 * repeat (an e-mail, a row per request). The oldest keys are dropped beyond `maxKeys`, so a flood of
 * distinct keys keeps it bounded.
 */
export class OncePer {
  private readonly last = new Map<string, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** True, and remembered, when `key` was not let through within the interval. */
  take(key: string): boolean {
    const now = Date.now();
    const last = this.last.get(key);
    if (last !== undefined && now - last < this.intervalMs) return false;
    // Re-inserted, so the first entry is always the one let through longest ago.
    this.last.delete(key);
    this.last.set(key, now);
    while (this.last.size > this.maxKeys) this.last.delete(this.last.keys().next().value!);
    return true;
  }
}
