import { useEffect, useState } from 'react';
import { serverNow } from '../../apollo/serverClock';

/**
 * A send button's cool-down: the whole seconds left until `until` (0 when none), ticking once a
 * second, and `start(until, from)` with the server's time for the next send (`nextSendAfter`, or the
 * `retryAfter` of an EMAIL_COOLDOWN refusal). With `from`, the server's time of the send (`sentAt`),
 * the wait is counted from now for as long as the server said, whatever this browser's clock says
 * (one minutes slow would otherwise wait minutes more, one fast none); without, from the server's time
 * as its last answer told it (`serverNow`). A time already past starts nothing.
 */
export function useCooldown(): [number, (until: string | Date | null | undefined, from?: string | Date | null) => void] {
  const [until, setUntil] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until === null) return;
    const timer = setInterval(() => {
      const t = Date.now();
      setNow(t);
      if (t >= until) setUntil(null);
    }, 1000);
    return () => clearInterval(timer);
  }, [until]);
  const left = until === null ? 0 : Math.max(0, Math.ceil((until - now) / 1000));
  const start = (at: string | Date | null | undefined, from?: string | Date | null) => {
    const wait = at ? new Date(at).getTime() - (from ? new Date(from).getTime() : serverNow()) : NaN;
    const t = Date.now() + wait;
    if (!(t > Date.now())) return;
    setNow(Date.now());
    setUntil(t);
  };
  return [left, start];
}
