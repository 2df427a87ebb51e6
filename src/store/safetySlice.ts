/**
 * The safety slice: the live safety monitor (src/sim/safety.ts) on the
 * running cluster, Figure 3's properties checked after every event.
 */
import { attachSafetyMonitor, type Cluster, type SafetyViolation } from '../sim';
import type { LabSet, OnNewCluster } from './labTypes';

export interface SafetySlice {
  /** Violations seen on the running cluster; `first` is the first of them, if any. */
  readonly safety: { readonly violations: number; readonly first: SafetyViolation | null };
}

const SAFE: SafetySlice['safety'] = { violations: 0, first: null };

export function createSafetySlice(set: LabSet, cluster: Cluster): { slice: SafetySlice; onNewCluster: OnNewCluster } {
  // A violation counts only while its cluster is the one in the store.
  const watch = (c: Cluster) =>
    attachSafetyMonitor(c, {
      onViolation: (v) =>
        set((s) => (s.cluster === c ? { safety: { violations: s.safety.violations + 1, first: s.safety.first ?? v } } : {})),
    });
  let monitor = watch(cluster);
  return {
    slice: { safety: SAFE },
    onNewCluster(next) {
      monitor.detach();
      monitor = watch(next);
      return { safety: SAFE };
    },
  };
}
