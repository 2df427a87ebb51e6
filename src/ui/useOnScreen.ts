/**
 * Whether an element is on screen (within `margin` of the viewport), from an
 * IntersectionObserver. Off-screen views that redraw with the run (the
 * space-time diagram below the fold at 1280×720) stop computing and painting
 * until they are scrolled back: a browser still rasterises an off-screen
 * canvas each time it is drawn (docs/performance.md). Without an
 * IntersectionObserver (jsdom) everything counts as on screen.
 */
import { useEffect, useState, type RefObject } from 'react';

export function useOnScreen(ref: RefObject<Element | null>, margin = '100px'): boolean {
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
