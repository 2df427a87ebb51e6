/**
 * The link between two nodes. Up both ways: one line. Cut both ways: a
 * broken red dashed line with a ✕. Cut one way: two lanes, the cut one red
 * and dashed. Faded while either cable is unplugged. Clicking it cuts both
 * directions (or restores them); single directions are toggled from the
 * node inspector, which is also the keyboard route.
 */
import { memo } from 'react';
import { nodeById } from '../store';
import { lane, type Point } from './geometry';
import { useLab, useLabApi } from './LabContext';

interface Props {
  a: number;
  b: number;
  ca: Point;
  cb: Point;
  radius: number;
}

export const LANE_OFFSET = 5;

function linkState(ab: boolean, ba: boolean, a: number, b: number): string {
  if (ab && ba) return 'up both ways';
  if (!ab && !ba) return 'cut both ways';
  return ab ? `cut from ${b} to ${a}` : `cut from ${a} to ${b}`;
}

export const LinkLine = memo(function LinkLine({ a, b, ca, cb, radius }: Props) {
  const lab = useLabApi();
  const ab = useLab((s) => s.links[a]?.[b] ?? true);
  const ba = useLab((s) => s.links[b]?.[a] ?? true);
  const plugged = useLab((s) => (nodeById(s.nodes, a)?.connected ?? true) && (nodeById(s.nodes, b)?.connected ?? true));
  const straight = lane(ca, cb, radius, 0);
  const mid = { x: (straight.from.x + straight.to.x) / 2, y: (straight.from.y + straight.to.y) / 2 };
  const state = linkState(ab, ba, a, b);
  const cls = `link${plugged ? '' : ' is-unplugged'}`;
  let drawing;
  if (ab && ba) {
    drawing = <line className="link-line" x1={straight.from.x} y1={straight.from.y} x2={straight.to.x} y2={straight.to.y} />;
  } else if (!ab && !ba) {
    const gap = 9 / Math.max(1, Math.hypot(straight.to.x - straight.from.x, straight.to.y - straight.from.y));
    const p = (t: number) => ({
      x: straight.from.x + (straight.to.x - straight.from.x) * t,
      y: straight.from.y + (straight.to.y - straight.from.y) * t,
    });
    const m1 = p(0.5 - gap);
    const m2 = p(0.5 + gap);
    drawing = (
      <>
        <line className="link-line is-cut" x1={straight.from.x} y1={straight.from.y} x2={m1.x} y2={m1.y} />
        <line className="link-line is-cut" x1={m2.x} y1={m2.y} x2={straight.to.x} y2={straight.to.y} />
        <text className="link-cut-mark" x={mid.x} y={mid.y}>
          ✕
        </text>
      </>
    );
  } else {
    const l1 = lane(ca, cb, radius, LANE_OFFSET);
    const l2 = lane(cb, ca, radius, LANE_OFFSET);
    drawing = (
      <>
        <line className={`link-line${ab ? '' : ' is-cut'}`} x1={l1.from.x} y1={l1.from.y} x2={l1.to.x} y2={l1.to.y} />
        <line className={`link-line${ba ? '' : ' is-cut'}`} x1={l2.from.x} y1={l2.from.y} x2={l2.to.x} y2={l2.to.y} />
      </>
    );
  }
  return (
    <g className={cls} data-link={`${a}-${b}`}>
      {drawing}
      <line
        className="link-hit"
        x1={straight.from.x}
        y1={straight.from.y}
        x2={straight.to.x}
        y2={straight.to.y}
        aria-hidden="true"
        onClick={() => lab.store.getState().toggleLink(a, b)}
      >
        <title>{`Link ${a}–${b}: ${state}. Click to ${ab || ba ? 'cut it both ways' : 'restore it'}.`}</title>
      </line>
    </g>
  );
});
