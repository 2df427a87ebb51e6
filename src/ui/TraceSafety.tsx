/**
 * The safety monitor over an imported trace (issue 14): every violation the
 * whole-trace check found — Figure 3's properties as the trace shows them,
 * One Vote Per Term and Current-Term Commit — with the node (as the trace
 * names it), the trace line, the time, and Show, which takes the timeline
 * to the moment just after the offending event.
 */
import { selectTraceCheck } from '../store';
import { Icon } from './Icon';
import { useLab, useLabApi } from './LabContext';
import { formatVirtualTime } from './VirtualClock';

export function TraceSafety() {
  const lab = useLabApi();
  const check = useLab(selectTraceCheck);
  if (!check) return null;
  if (check.state === 'checking')
    return (
      <p className="trace-safety-status" role="status">
        Checking the whole trace… {Math.floor((100 * check.done) / Math.max(1, check.total))}%
      </p>
    );
  if (check.state === 'failed')
    return (
      <p className="trace-safety-status" role="alert">
        <Icon name="warning" /> The trace could not be checked: {check.message}
      </p>
    );
  if (check.count === 0)
    return (
      <p className="trace-safety-status is-safe" role="status">
        ✓ Safe: no violation in the whole trace (Figure 3&apos;s properties, one vote per term, current-term commits).
      </p>
    );
  return (
    <>
      <p className="trace-safety-status is-violated" role="status">
        <Icon name="warning" /> {check.count} violation{check.count === 1 ? '' : 's'} in this trace
        {check.count > check.violations.length ? ` (the first ${check.violations.length} listed)` : ''}.
      </p>
      <ul className="safety-list trace-violations">
        {check.violations.map((v, i) => (
          <li key={i} className="safety-row is-violated">
            <span className="safety-name">{v.property}</span>{' '}
            <span className="safety-verdict">
              <Icon name="warning" /> violated
            </span>
            <span className="safety-detail">
              {v.label}, trace line {v.line}, at {formatVirtualTime(v.at)}: {v.message}
            </span>
            <button
              type="button"
              className="btn btn-quiet safety-jump"
              onClick={() => void lab.store.getState().showTraceMoment(v.position)}
              aria-label={`Show ${v.property} at line ${v.line}`}
            >
              Show
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
