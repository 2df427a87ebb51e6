/**
 * A node's election timer: an arc for the time left, redrawn every frame
 * through a ref (React renders it only when the deadline changes).
 */
import { useRef } from 'react';
import { selectReducedMotion } from '../store';
import { timerArc, timerFraction } from './geometry';
import { useFrame, useLab } from './LabContext';

interface Props {
  /** Virtual ms the timer fires. */
  deadline: number;
  /** Its full length, virtual ms. */
  timeout: number;
  /** False for a leader or a crashed node (no election timer). */
  active: boolean;
  innerRadius: number;
  outerRadius: number;
}

export function TimerArc({ deadline, timeout, active, innerRadius, outerRadius }: Props) {
  const ref = useRef<SVGPathElement>(null);
  const reducedMotion = useLab(selectReducedMotion);
  useFrame((now) => {
    const el = ref.current;
    if (!el) return;
    const d = active ? timerArc(timerFraction(now, deadline, timeout, reducedMotion), innerRadius, outerRadius) : '';
    if (el.getAttribute('d') !== d) el.setAttribute('d', d);
  });
  return <path ref={ref} className="timer-arc" aria-hidden="true" />;
}
