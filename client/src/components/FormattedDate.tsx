import { dateAndTime } from './dateTime';

/** A point in time in the reader's locale and time zone, with the exact instant as machine-readable text. */
export function FormattedDate({ value, fallback = '—' }: { value: string | null | undefined; fallback?: string }) {
  if (!value) return <>{fallback}</>;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return <>{fallback}</>;
  return (
    <time dateTime={date.toISOString()} title={date.toISOString()}>
      {dateAndTime(date)}
    </time>
  );
}
