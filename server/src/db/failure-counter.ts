/** The `failure_counter` table: windowed counters keyed by text (brute-force and second-factor budgets). */

/**
 * One atomic step of a windowed counter: a new window starts at 1, otherwise +1. `source` yields the
 * (key, 1, now()) row to count (`values (…)`, or a `select` that may yield none); `secs` is the window
 * length's SQL expression.
 */
export const bumpSql = (source: string, secs: string) => `insert into failure_counter (key, count, window_start) ${source}
  on conflict (key) do update set
    count = case when failure_counter.window_start < now() - make_interval(secs => ${secs}) then 1 else failure_counter.count + 1 end,
    window_start = case when failure_counter.window_start < now() - make_interval(secs => ${secs}) then now() else failure_counter.window_start end`;

/** A counter's count while its window lasts (no row: none counted); `key` and `secs` are SQL expressions. */
export const liveCountSql = (key: string, secs: string) =>
  `select count from failure_counter where key = ${key} and window_start >= now() - make_interval(secs => ${secs})`;
