/**
 * Pan and zoom for the space-time diagram: d3-zoom listens to the SVG's
 * pointer and wheel gestures and computes the transform; React renders from
 * it (d3 owns no DOM here, only its listeners, installed in an effect and
 * removed on cleanup). Only the transform's scale and x are used: time runs
 * along x, the lanes stay put.
 */
import { select } from 'd3-selection';
// d3-zoom calls selection.interrupt(), which only d3-transition's side effect adds (TOOLCHAIN: the tree-shaking trap).
import 'd3-transition';
import { zoom, zoomIdentity, type D3ZoomEvent, type ZoomBehavior } from 'd3-zoom';
import { useCallback, useEffect, useRef, type RefObject } from 'react';
import { MAX_PX_PER_MS, MIN_PX_PER_MS, type TimeView } from './spaceTimeLayout';

/**
 * Installs d3-zoom on `ref`'s element. `onView` hears every new view and
 * the type of the user's event that made it ('wheel', 'mousemove', …; null
 * when set through the returned function). `size` gives the element's
 * current width and height.
 */
export function useTimeZoom(
  ref: RefObject<SVGSVGElement | null>,
  onView: (view: TimeView, source: string | null) => void,
  size: () => [number, number],
): { applyView: (view: TimeView) => void; syncView: (view: TimeView) => void } {
  const behavior = useRef<ZoomBehavior<SVGSVGElement, unknown> | null>(null);
  const latest = useRef({ onView, size });
  useEffect(() => {
    latest.current = { onView, size };
  });

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const z = zoom<SVGSVGElement, unknown>()
      .scaleExtent([MIN_PX_PER_MS, MAX_PX_PER_MS])
      // An explicit extent: d3's default reads the SVG's width.baseVal, which jsdom lacks.
      .extent(() => {
        const [w, h] = latest.current.size();
        return [
          [0, 0],
          [w, h],
        ];
      })
      .on('zoom', (e: D3ZoomEvent<SVGSVGElement, unknown>) => {
        const source = e.sourceEvent instanceof Event ? e.sourceEvent.type : null;
        latest.current.onView({ k: e.transform.k, x: e.transform.x }, source);
      });
    const selection = select(el);
    selection.call(z).on('dblclick.zoom', null);
    behavior.current = z;
    return () => {
      selection.on('.zoom', null);
      behavior.current = null;
    };
  }, [ref]);

  /** Sets the view through d3-zoom (the zoom event follows, as for a gesture, with no source). */
  const applyView = useCallback(
    (view: TimeView) => {
      const el = ref.current;
      if (el && behavior.current) behavior.current.transform(select(el), transformOf(view));
      else latest.current.onView(view, null);
    },
    [ref],
  );
  /** Tells d3-zoom the view now on show without an event (so the next gesture starts from it). */
  const syncView = useCallback(
    (view: TimeView) => {
      // d3-zoom keeps the transform in the element's __zoom property (what d3.zoomTransform reads).
      if (ref.current) select(ref.current).property('__zoom', transformOf(view));
    },
    [ref],
  );
  return { applyView, syncView };
}

function transformOf(view: TimeView) {
  return zoomIdentity.translate(view.x, 0).scale(view.k);
}
