/**
 * The safety slice: the live safety monitor (src/sim/safety.ts) on the
 * running cluster, Figure 3's properties checked after every event. Besides
 * the first violation (the top bar's badge) it keeps, per property, the
 * first violation and where on the timeline it happened (events processed
 * then), so the Safety panel can jump to the moment it broke.
 */
import { attachSafetyMonitor, type Cluster, type SafetyProperty, type SafetyViolation } from '../sim';
import type { LabSet, LabState, OnNewCluster } from './labTypes';

/** The five properties of Figure 3, in the paper's order (the panel's rows). */
export const FIGURE3_PROPERTIES = [
  'Election Safety',
  'Leader Append-Only',
  'Log Matching',
  'Leader Completeness',
  'State Machine Safety',
] as const satisfies readonly SafetyProperty[];

/** A property's first violation and the timeline position of the event that revealed it. */
export interface SafetyBreak {
  readonly violation: SafetyViolation;
  /** Events processed when it was found: `reviewAt(position)` shows the moment just after the offending event. */
  readonly position: number;
}

export interface SafetySlice {
  /** Violations seen on the running cluster; `first` is the first of them, if any. */
  readonly safety: { readonly violations: number; readonly first: SafetyViolation | null };
  /** Per property, its first violation on the running cluster (absent: it holds). */
  readonly safetyBreaks: Readonly<Partial<Record<SafetyProperty, SafetyBreak>>>;
}

const SAFE: SafetySlice['safety'] = { violations: 0, first: null };
const NO_BREAKS: SafetySlice['safetyBreaks'] = {};

export function createSafetySlice(set: LabSet, cluster: Cluster): { slice: SafetySlice; onNewCluster: OnNewCluster } {
  // A violation counts only while its cluster is the one in the store.
  const watch = (c: Cluster) =>
    attachSafetyMonitor(c, {
      onViolation: (v) => {
        // The offending event is being processed and counts once done: the moment just after it is one past
        // processed(). (One caused by an action between events is then shown one event later, still broken.)
        const position = c.processed() + 1;
        set((s) =>
          s.cluster === c
            ? {
                safety: { violations: s.safety.violations + 1, first: s.safety.first ?? v },
                safetyBreaks: s.safetyBreaks[v.property] ? s.safetyBreaks : { ...s.safetyBreaks, [v.property]: { violation: v, position } },
              }
            : {},
        );
      },
    });
  let monitor = watch(cluster);
  return {
    slice: { safety: SAFE, safetyBreaks: NO_BREAKS },
    onNewCluster(next) {
      monitor.detach();
      monitor = watch(next);
      return { safety: SAFE, safetyBreaks: NO_BREAKS };
    },
  };
}

/** Per property, its first violation (absent: it holds). */
export const selectSafetyBreaks = (s: LabState) => s.safetyBreaks;
