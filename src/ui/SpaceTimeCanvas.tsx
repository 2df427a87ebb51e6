/**
 * The space-time diagram's arrows, painted on a canvas under the SVG of
 * buttons and marks (spaceTimeDrawing.ts says why). Its data attributes
 * say what it drew, for tests and the curious: jsdom paints nothing.
 */
import { memo, useLayoutEffect, useRef } from 'react';
import { paintDrawing, type Drawing } from './spaceTimeDrawing';
import type { SpaceTimePalette } from './spaceTimeLayout';

export const SpaceTimeCanvas = memo(function SpaceTimeCanvas({
  drawing,
  shift,
  width,
  height,
  palette,
  paint = true,
}: {
  drawing: Drawing;
  /** Px from the drawing's coordinates to the view's. */
  shift: number;
  width: number;
  height: number;
  palette: SpaceTimePalette;
  /** False while the diagram is out of sight: the drawing is kept (and said in the data attributes), not painted. */
  paint?: boolean;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  const scale = typeof window !== 'undefined' && window.devicePixelRatio > 0 ? window.devicePixelRatio : 1;
  useLayoutEffect(() => {
    const canvas = ref.current;
    // Only a real 2D context: jsdom has none (and says so once), and a test's stand-in for the ring's canvas
    // (test/ui/glyphs.test.tsx records every stroke on any canvas) is not this canvas's business.
    const ctx = canvas?.getContext('2d') ?? null;
    const real = typeof CanvasRenderingContext2D !== 'undefined' && ctx instanceof CanvasRenderingContext2D;
    if (paint && ctx && real) paintDrawing(ctx, drawing, palette, width, height, scale, shift);
  }, [drawing, palette, width, height, scale, shift, paint]);
  const count = (state: string) => drawing.groups.filter((g) => g.state === state).reduce((n, g) => n + g.count, 0);
  return (
    <canvas
      ref={ref}
      className="st-canvas"
      aria-hidden="true"
      width={Math.round(width * scale)}
      height={Math.round(height * scale)}
      style={{ width, height }}
      data-arrows={drawing.drawn}
      data-painted={paint}
      data-delivered={count('delivered')}
      data-flight={count('flight')}
      data-dropped={count('dropped')}
      data-crosses={drawing.crosses.length / 2}
      data-duplicates={drawing.duplicates.length / 2}
    />
  );
});
