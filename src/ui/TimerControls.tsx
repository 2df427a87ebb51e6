/**
 * The presenter's election-timer controls (RaftScope parity): align every
 * waiting node's timer to fire at once — an instant split vote — or spread
 * them so one node clearly times out first. Lab controls, not Raft rules.
 */
import { NoticeLine } from './NoticeLine';
import { useLabApi } from './LabContext';

export function TimerControls() {
  const lab = useLabApi();
  const s = () => lab.store.getState();
  return (
    <div className="timer-controls">
      <div className="presets" role="group" aria-label="Election timers">
        <span className="timer-controls-label" aria-hidden="true">
          Election timers
        </span>
        <button
          type="button"
          className="btn"
          onClick={() => void s().alignTimers()}
          aria-keyshortcuts="A"
          title="All time out together: a split vote (A)"
        >
          Align timers
        </button>
        <button
          type="button"
          className="btn"
          onClick={() => void s().spreadTimers()}
          aria-keyshortcuts="E"
          title="Spread evenly: one times out first (E)"
        >
          Spread timers
        </button>
      </div>
      <NoticeLine area="timers" />
    </div>
  );
}
