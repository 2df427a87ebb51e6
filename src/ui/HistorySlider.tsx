/**
 * The timeline (issue 10): a slider over the whole run, one step per event
 * (RaftScope's time slider, exact). Moving it pauses the cluster and shows
 * that moment — nodes, links, logs, messages in flight, the Events list and
 * the Client note — rebuilt by replaying the engine from a checkpoint. Play,
 * "Live" (playing again if it was playing) or any action returns to the
 * present. Keyboard: ← goes back an event, → forward (then live).
 */
import { selectHistorySize, selectReview, selectReviewAt } from '../store';
import { useLab, useLabApi } from './LabContext';
import { formatVirtualTime } from './VirtualClock';

export function HistorySlider() {
  const lab = useLabApi();
  const size = useLab(selectHistorySize);
  const review = useLab(selectReview);
  const at = useLab(selectReviewAt);
  const last = Math.max(0, size - 1);
  return (
    <div className={`history${review !== null ? ' is-reviewing' : ''}`}>
      <label className="history-label">
        <span>{review === null ? 'History' : 'Past'}</span>
        <input
          type="range"
          min={0}
          max={last}
          step={1}
          value={review ?? last}
          disabled={size < 2}
          aria-label="History"
          aria-valuetext={review === null ? 'live' : `${at === null ? '…' : formatVirtualTime(at)}, after event ${review} of ${last}`}
          onChange={(e) => {
            const i = Number(e.currentTarget.value);
            if (i >= last && review !== null) lab.store.getState().leaveReview({ resume: true });
            else if (i < last)
              void lab.store
                .getState()
                .reviewAt(i)
                .then(() => lab.driver.emit());
            lab.driver.emit();
          }}
        />
      </label>
      {/* Always there, hidden while live, so entering the past does not widen (or wrap) the top bar. */}
      <button
        type="button"
        className={`btn btn-quiet history-live${review === null ? ' is-hidden' : ''}`}
        disabled={review === null}
        aria-hidden={review === null ? true : undefined}
        title="Back to the present (playing again if it was playing)"
        onClick={() => {
          lab.store.getState().leaveReview({ resume: true });
          lab.driver.emit();
        }}
      >
        Live
      </button>
    </div>
  );
}
