/** Playback speed: virtual time per wall time, from 1/100× to 10×. */
import { useId } from 'react';
import { SPEEDS, formatSpeed, nearestSpeedIndex, selectSpeed } from '../store';
import { useLab, useLabApi } from './LabContext';

export function SpeedControl() {
  const lab = useLabApi();
  const speed = useLab(selectSpeed);
  const id = useId();
  const label = formatSpeed(speed);
  return (
    <div className="speed">
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
        onChange={(e) => {
          const speedAt = SPEEDS[Number(e.currentTarget.value)];
          if (speedAt !== undefined) lab.store.getState().setSpeed(speedAt);
        }}
      />
      <output htmlFor={id} className="speed-value">
        {label}
      </output>
    </div>
  );
}
