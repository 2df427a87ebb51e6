/**
 * Whether an element is on screen (within `margin` of the viewport; by default, any of it in view), from an
 * IntersectionObserver. Off-screen views that redraw with the run (the
 * space-time diagram below the fold at 1280×720) stop computing and painting
 * until they are scrolled back: a browser still rasterises an off-screen
 * canvas each time it is drawn (docs/performance.md). Without an
 * IntersectionObserver (jsdom) everything counts as on screen.
 */
import { useEffect, useRef, useState, type RefObject } from 'react';

export function useOnScreen(ref: RefObject<Element | null>, margin = '0px'): boolean {
  const [onScreen, setOnScreen] = useState(true);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(
      (entries) => {
        const last = entries[entries.length - 1];
        if (last) setOnScreen(last.isIntersecting);
      },
      { rootMargin: margin },
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref, margin]);
  return onScreen;
}

/** How long a calmed view holds what it shows while the run plays fast (selectFast), wall ms: twice a second. */
export const CALM_HOLD_MS = 500;

/**
 * `value` as last shown: it follows `value` at most once every
 * `minIntervalMs` of wall time. For views of things that change with every
 * store sync (the Events list gains and loses dozens of lines per sync at
 * 10×): nobody reads them that fast, and each change costs the browser a
 * layout (docs/performance.md). A render when the hold ends is up to the
 * caller (a change of the interval re-renders, so pausing shows the latest
 * at once).
 */
export function useHeld<T>(value: T, minIntervalMs: number): T {
  const held = useRef({ value, atMs: -Infinity });
  if (value !== held.current.value) {
    const now = performance.now();
    if (now - held.current.atMs >= minIntervalMs) held.current = { value, atMs: now };
  }
  return held.current.value;
}
