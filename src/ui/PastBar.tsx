/**
 * While the timeline shows the past: where on it we are, one event back or
 * forward, and "Continue from here" — the run forks at this moment (later
 * actions dropped) and a new live cluster goes on from it, exactly as
 * replaying the cut action log would. It takes the place of the timer
 * controls (an action there would return to the present anyway), so the
 * layout does not move.
 */
import { useState } from 'react';
import { selectCaptions, selectHistorySize, selectImported, selectReview, selectReviewAt, type LabState } from '../store';
import { useLab, useLabApi } from './LabContext';
import { formatVirtualTime } from './VirtualClock';

const selectSeeking = (s: LabState) => s.seeking;

export function PastBar() {
  const lab = useLabApi();
  const review = useLab(selectReview);
  const at = useLab(selectReviewAt);
  const size = useLab(selectHistorySize);
  const seeking = useLab(selectSeeking);
  const captions = useLab(selectCaptions);
  // An imported trace cannot be forked or captioned (both live on in a Raft Lab run): those controls are left out.
  const imported = useLab(selectImported);
  const [text, setText] = useState('');
  if (review === null) return null;
  const last = size - 1;
  return (
    <div className="past-bar" role="group" aria-label="The past on show">
      <p className="past-where" aria-live="polite">
        Past: {at === null ? '…' : formatVirtualTime(at)}, after event {review} of {last}
        {seeking ? ' (rebuilding…)' : ''}
      </p>
      <button type="button" className="btn" disabled={review <= 0} onClick={() => void lab.driver.back()} title="One event back (←)">
        Back one event
      </button>
      <button type="button" className="btn" onClick={() => void lab.driver.step()} title="One event forward (→)">
        Forward one event
      </button>
      {!imported && (
        <button
          type="button"
          className="btn btn-primary"
          disabled={seeking}
          onClick={() => void lab.store.getState().continueFromHere()}
          title="Fork the run here: later actions are dropped and the cluster goes on from this moment"
        >
          Continue from here
        </button>
      )}
      {/* "Your own lesson": caption this moment; Share carries the captions, and the link plays them as a lesson. */}
      {!imported && (
        <form
          className="caption-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (lab.store.getState().addCaption(text)) setText('');
          }}
        >
          <input
            type="text"
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') e.currentTarget.blur();
            }}
            aria-label="Caption for this moment"
            placeholder="Caption for this moment"
            maxLength={500}
          />
          <button type="submit" className="btn">
            Add caption
          </button>
          {captions.length > 0 && (
            <button type="button" className="btn btn-quiet" onClick={() => void lab.store.getState().startTour()}>
              Play {captions.length} caption{captions.length === 1 ? '' : 's'}
            </button>
          )}
        </form>
      )}
    </div>
  );
}
