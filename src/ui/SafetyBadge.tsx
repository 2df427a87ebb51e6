/**
 * The live safety monitor's verdict: Figure 3's guarantees (Election Safety,
 * Leader Append-Only, Log Matching, Leader Completeness, State Machine
 * Safety) are checked after every event. A correct Raft keeps this green
 * under any fault; a violation is announced and explained.
 */
import { selectSafety, selectTraceCheck } from '../store';
import { Icon } from './Icon';
import { useLab } from './LabContext';
import { formatVirtualTime } from './VirtualClock';

const CHECKED =
  'Checked after every event (Figure 3): Election Safety, Leader Append-Only, Log Matching, Leader Completeness, State Machine Safety, and entries applied in order.';

export function SafetyBadge() {
  const safety = useLab(selectSafety);
  const check = useLab(selectTraceCheck);
  if (check?.state === 'done' && check.count > 0) {
    // An imported trace: what the whole-trace check found (the Safety panel lists it, with jumps).
    const v = check.violations[0]!;
    return (
      <p className="safety-badge is-violated" title={v.message}>
        <Icon name="warning" /> {v.property} violated at line {v.line} ({v.label}){check.count > 1 ? `, ${check.count} violations` : ''}
      </p>
    );
  }
  if (safety.first === null) {
    return (
      <p className="safety-badge is-safe" title={CHECKED}>
        ✓ Safe
      </p>
    );
  }
  const v = safety.first;
  return (
    <p className="safety-badge is-violated" role="alert" title={v.message}>
      <Icon name="warning" /> {v.property} violated at {formatVirtualTime(v.at)} (node {v.node})
      {safety.violations > 1 ? `, ${safety.violations} violations` : ''}
    </p>
  );
}
