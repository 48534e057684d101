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

/**
 * Gives one back to each counter named in `keys` (a text[] SQL expression) while the window its step
 * was counted in lasts: `starts` (a timestamptz[] of the same length) holds each step's window start as
 * `bumpSql` returned it. A step given back late (after sleeps, a password hash, a mail server) whose
 * window has ended since is not taken from the next window's count, where it would cancel a step
 * counted there. (Compared to within two milliseconds: the pool reads a timestamp into a Date, which
 * holds no more and may lose the last one to rounding; MikroORM's connection returns its text. One
 * key's windows start at least a window apart.) Rows are locked in key order, as every statement
 * taking several of them does; `when` is an SQL condition.
 */
export const giveBackSql = (
  keys: string,
  starts: string,
  when = 'true',
) => `update failure_counter set count = greatest(count - 1, 0)
  where key in (select c.key from failure_counter c join unnest(${keys}::text[], ${starts}::timestamptz[]) as t(key, taken_in)
                  on c.key = t.key and abs(extract(epoch from c.window_start - t.taken_in)) < 0.002
                 where ${when} order by c.key for update of c)`;

/** A counter's count while its window lasts (no row: none counted); `key` and `secs` are SQL expressions. */
export const liveCountSql = (key: string, secs: string) =>
  `select count from failure_counter where key = ${key} and window_start >= now() - make_interval(secs => ${secs})`;
