/**
 * Playback speed: virtual time per wall time, from 1/100× to 10×, and the
 * rate really achieved when the simulation falls behind it (measured by the
 * driver, never assumed).
 */
import { useId, useRef, useState } from 'react';
import { SPEEDS, formatSpeed, nearestSpeedIndex, selectConfig, selectSpeed } from '../store';
import { useFrame, useLab, useLabApi } from './LabContext';

/** Said to fall behind below this share of the chosen speed, and caught up again above CAUGHT_UP. */
const BEHIND = 0.85;
const CAUGHT_UP = 0.95;

/** A measured rate, to two significant figures ("2.5×", "0.77×"). */
export function formatRate(rate: number): string {
  return `${Number(rate.toPrecision(2))}×`;
}

/** The measured rate while the run falls behind the chosen speed, else null (with hysteresis, so it does not blink). */
function useRealRate(speed: number): number | null {
  const { driver } = useLabApi();
  const [shown, setShown] = useState<number | null>(null);
  const behind = useRef(false);
  useFrame(() => {
    const rate = driver.realRate();
    behind.current = rate !== null && rate < speed * (behind.current ? CAUGHT_UP : BEHIND);
    const next = behind.current && rate !== null ? Number(rate.toPrecision(2)) : null;
    setShown((prev) => (prev === next ? prev : next));
  });
  return shown;
}

export function SpeedControl() {
  const lab = useLabApi();
  const speed = useLab(selectSpeed);
  const workers = useLab(selectConfig).transport === 'worker';
  const real = useRealRate(speed);
  const id = useId();
  const label = formatSpeed(speed);
  return (
    <div className={`speed${real !== null ? ' is-behind' : ''}`}>
      <label htmlFor={id}>Speed</label>
      <input
        id={id}
        type="range"
        min={0}
        max={SPEEDS.length - 1}
        step={1}
        value={nearestSpeedIndex(speed)}
        aria-valuetext={`${label} real time`}
        aria-keyshortcuts="+ -"
        aria-describedby={`${id}-real`}
        onChange={(e) => {
          const speedAt = SPEEDS[Number(e.currentTarget.value)];
          if (speedAt !== undefined) lab.store.getState().setSpeed(speedAt);
        }}
      />
      <output htmlFor={id} className="speed-value">
        {label}
      </output>
      <span id={`${id}-real`} className="speed-real">
        {real !== null && (
          <>
            running at {formatRate(real)}
            <span className="speed-real-why"> — {workers ? 'the workers' : 'the page'} can’t keep up</span>
          </>
        )}
      </span>
    </div>
  );
}
