/** "123 ms left" on a node's election timer, redrawn every frame through a ref. */
import { useRef } from 'react';
import { useFrame } from './LabContext';

export function TimerLeft({ deadline, active }: { deadline: number; active: boolean }) {
  const ref = useRef<HTMLSpanElement>(null);
  useFrame((now) => {
    const el = ref.current;
    if (!el) return;
    const text = active && Number.isFinite(deadline) ? `${Math.max(0, Math.ceil(deadline - now))} ms left` : 'not running';
    if (el.textContent !== text) el.textContent = text;
  });
  return <span ref={ref} />;
}
