/**
 * How components reach the lab: a context holding the store and driver
 * (xyflow style), a selector hook, and a per-frame hook for animation that
 * runs outside React renders.
 */
import { createContext, useContext, useEffect, useRef, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { FrameListener, Lab, LabState } from '../store';

const LabContext = createContext<Lab | null>(null);

export function LabProvider({ lab, children }: { lab: Lab; children: ReactNode }) {
  return <LabContext.Provider value={lab}>{children}</LabContext.Provider>;
}

/** The lab (store + driver) for actions and imperative reads. */
export function useLabApi(): Lab {
  const lab = useContext(LabContext);
  if (!lab) throw new Error('useLabApi: no <LabProvider> above this component');
  return lab;
}

/** Selects from the store; re-renders only when the selected value changes (Object.is). */
export function useLab<T>(selector: (s: LabState) => T): T {
  return useStore(useLabApi().store, selector);
}

/**
 * Calls `listener` with the virtual time on every animation frame (and once
 * at mount). The latest listener is used without resubscribing.
 */
export function useFrame(listener: FrameListener): void {
  const { driver } = useLabApi();
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => {
    latest.current(driver.displayNow());
    return driver.onFrame((now) => latest.current(now));
  }, [driver]);
}
