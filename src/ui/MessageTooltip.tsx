/**
 * The fields of the message under the pointer, next to it — placed where it
 * covers neither the node the message comes from nor the one it goes to
 * (issue 9), and inside the drawing.
 */
import { useLayoutEffect, useRef } from 'react';
import type { InFlightMessage } from '../store';
import { messageFields, messageTitle } from './messageFields';

export interface Circle {
  readonly x: number;
  readonly y: number;
  readonly r: number;
}

interface Box {
  readonly width: number;
  readonly height: number;
}

/** Gap between the pointer and the tooltip, px. */
const OFFSET = 14;

function overlaps(left: number, top: number, size: Box, c: Circle): boolean {
  const nx = Math.max(left, Math.min(c.x, left + size.width));
  const ny = Math.max(top, Math.min(c.y, top + size.height));
  return (nx - c.x) ** 2 + (ny - c.y) ** 2 < c.r ** 2;
}

/**
 * Where the tooltip goes: the first of below-right, below-left, above-right,
 * above-left of the pointer that stays inside `view` and covers no circle in
 * `avoid`; failing that, the one inside the view covering the fewest.
 */
export function placeTooltip(x: number, y: number, size: Box, view: Box, avoid: readonly Circle[]): { left: number; top: number } {
  const clampX = (l: number) => Math.max(4, Math.min(l, view.width - size.width - 4));
  const clampY = (t: number) => Math.max(4, Math.min(t, view.height - size.height - 4));
  const candidates = [
    { left: x + OFFSET, top: y + OFFSET },
    { left: x - OFFSET - size.width, top: y + OFFSET },
    { left: x + OFFSET, top: y - OFFSET - size.height },
    { left: x - OFFSET - size.width, top: y - OFFSET - size.height },
  ].map((c) => ({ left: clampX(c.left), top: clampY(c.top) }));
  let best = candidates[0]!;
  let bestCovered = Infinity;
  for (const c of candidates) {
    const covered = avoid.filter((a) => overlaps(c.left, c.top, size, a)).length;
    if (covered === 0) return c;
    if (covered < bestCovered) {
      best = c;
      bestCovered = covered;
    }
  }
  return best;
}

interface Props {
  message: InFlightMessage;
  x: number;
  y: number;
  /** Width of the cluster view, to keep the tooltip inside it. */
  width: number;
  /** Height of the cluster view. */
  height?: number;
  /** The sender's and receiver's circles (px), which the tooltip must not cover. */
  avoid?: readonly Circle[];
}

export function MessageTooltip({ message, x, y, width, height = Infinity, avoid = [] }: Props) {
  const el = useRef<HTMLDivElement>(null);
  // Placed once its size is known (before paint), so it never flashes over a node.
  useLayoutEffect(() => {
    const tip = el.current;
    if (!tip) return;
    const size = { width: tip.offsetWidth || 240, height: tip.offsetHeight || 120 };
    const at = placeTooltip(x, y, size, { width, height: Number.isFinite(height) ? height : y + size.height + 40 }, avoid);
    tip.style.left = `${at.left}px`;
    tip.style.top = `${at.top}px`;
  });
  return (
    <div className="msg-tooltip" ref={el} style={{ left: x + OFFSET, top: y + OFFSET }} role="tooltip">
      <div className="msg-tooltip-title">
        #{message.id} {messageTitle(message)}
      </div>
      <dl>
        {messageFields(message).map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <div className="msg-tooltip-hint">Click to drop it · Shift+click to show it in the space-time diagram</div>
    </div>
  );
}
