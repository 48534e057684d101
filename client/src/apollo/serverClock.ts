/**
 * The server's clock as this browser last heard it: each answer's `Date` header (whole seconds)
 * against this browser's clock when it arrived. Times the server gives (a cool-down's end, a retry
 * time) are counted down with it, so a browser whose clock is minutes off still waits what the server
 * said, not minutes more or none.
 */
let offsetMs = 0;

/** Takes the `Date` header of an answer from the server (ignored when absent or unreadable). */
export function noteServerDate(header: string | null): void {
  const at = header ? Date.parse(header) : NaN;
  // The header drops the milliseconds: the middle of its second is the best guess.
  if (Number.isFinite(at)) offsetMs = at + 500 - Date.now();
}

/** The server's time now, as far as this browser can tell. */
export function serverNow(): number {
  return Date.now() + offsetMs;
}
