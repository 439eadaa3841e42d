// A polite live region for progress that changes quickly (text arriving word by word): a screen
// reader hears the latest state at most once per interval, never every change.
import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * announce(message) speaks the message after the interval since the last one has passed (the
 * newest message wins); announce(message, true) speaks at once (a new step, a stop).
 */
export function useThrottledAnnouncer(intervalMs = 4000) {
  const [spoken, setSpoken] = useState('');
  const lastAt = useRef(0);
  const pending = useRef('');
  const timer = useRef<number | undefined>(undefined);

  const announce = useCallback(
    (message: string, isUrgent = false) => {
      pending.current = message;
      if (timer.current !== undefined) {
        if (!isUrgent) return;
        window.clearTimeout(timer.current);
      }
      const wait = isUrgent ? 0 : Math.max(0, lastAt.current + intervalMs - Date.now());
      timer.current = window.setTimeout(() => {
        timer.current = undefined;
        lastAt.current = Date.now();
        setSpoken(pending.current);
      }, wait);
    },
    [intervalMs],
  );

  useEffect(() => () => window.clearTimeout(timer.current), []);
  return { spoken, announce };
}

/** Present from the start (a region added with its text is often not read). */
export function LiveAnnouncement({ message }: { message: string }) {
  return (
    <p className="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
      {message}
    </p>
  );
}
