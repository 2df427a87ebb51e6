/** The space-time diagram's time axis, its "now" line and the cursor at the moment on show. */
import { memo } from 'react';
import { AXIS_HEIGHT, timeTicks, xOf, type SpaceTimePalette, type TimeView } from './spaceTimeLayout';

export const SpaceTimeAxis = memo(function SpaceTimeAxis({
  view,
  range,
  width,
  height,
  nowMs,
  cursorMs,
  palette,
}: {
  view: TimeView;
  range: readonly [number, number];
  width: number;
  height: number;
  nowMs: number;
  /** The moment on show while reviewing the past (null: live). */
  cursorMs: number | null;
  palette: SpaceTimePalette;
}) {
  const ticks = timeTicks(range[0], range[1], width);
  const nowX = xOf(view, nowMs);
  const cursorX = cursorMs === null ? null : xOf(view, cursorMs);
  return (
    <g data-st="axis" aria-hidden="true">
      <line x1={0} x2={width} y1={AXIS_HEIGHT - 0.5} y2={AXIS_HEIGHT - 0.5} stroke={palette.lane} />
      {ticks.map(({ t, label }) => {
        const x = Math.round(xOf(view, t)) + 0.5;
        // A label that would run into "now" (drawn left of its line) is left out.
        const clear = x + 3 > nowX || x + 48 < nowX - 24;
        return (
          <g key={t}>
            <line x1={x} x2={x} y1={AXIS_HEIGHT - 5} y2={height} stroke={palette.lane} strokeOpacity={0.6} />
            {clear && (
              <text x={x + 3} y={AXIS_HEIGHT - 8} fill={palette.muted} fontSize={10}>
                {label}
              </text>
            )}
          </g>
        );
      })}
      {nowX >= 0 && nowX <= width && (
        <g data-st="now">
          <line x1={nowX} x2={nowX} y1={AXIS_HEIGHT} y2={height} stroke={palette.muted} strokeDasharray="2 3" />
          <text x={nowX - 3} y={AXIS_HEIGHT - 8} fill={palette.muted} fontSize={10} textAnchor="end">
            now
          </text>
        </g>
      )}
      {cursorX !== null && cursorX >= 0 && cursorX <= width && (
        <g data-st="cursor">
          <line x1={cursorX} x2={cursorX} y1={AXIS_HEIGHT - 4} y2={height} stroke={palette.focus} strokeWidth={2} />
          <text x={cursorX + 4} y={AXIS_HEIGHT + 10} fill={palette.focus} fontSize={10} fontWeight={600}>
            on show
          </text>
        </g>
      )}
    </g>
  );
});
