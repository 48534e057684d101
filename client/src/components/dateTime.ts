const formatter = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A point in time as the reader's locale and time zone write a date with its time (seconds dropped). */
export function dateAndTime(at: Date): string {
  return formatter.format(at);
}
