/** The virtual time, redrawn every frame through a ref (no React render). */
import { useRef } from 'react';
import { useFrame } from './LabContext';

export function formatVirtualTime(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

export function VirtualClock() {
  const ref = useRef<HTMLSpanElement>(null);
  useFrame((now) => {
    const el = ref.current;
    if (el) {
      const text = formatVirtualTime(now);
      if (el.textContent !== text) el.textContent = text;
    }
  });
  return (
    <div className="clock" title="Virtual time since the cluster started">
      <span className="clock-label">virtual time</span> <span ref={ref} className="clock-value" />
    </div>
  );
}
