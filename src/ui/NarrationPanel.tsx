/**
 * One readable line per event, newest first, filtered by kind and node;
 * while reviewing history, only the events up to the moment on show.
 */
import { useId, useMemo } from 'react';
import {
  NARRATION_CATEGORIES,
  selectIds,
  selectNarration,
  selectNarrationFilter,
  selectReviewAt,
  type NarrationCategory,
  type NarrationLine,
} from '../store';
import { useLab, useLabApi } from './LabContext';
import { formatVirtualTime } from './VirtualClock';

const CATEGORY_LABEL: Record<NarrationCategory, string> = {
  election: 'Elections',
  replication: 'Replication',
  fault: 'Faults',
  message: 'Messages',
  storage: 'Disk',
};

/** How many lines the panel shows at most. */
const SHOWN = 150;

export function NarrationPanel() {
  const lab = useLabApi();
  const narration = useLab(selectNarration);
  const filter = useLab(selectNarrationFilter);
  const ids = useLab(selectIds);
  const reviewAt = useLab(selectReviewAt);
  const id = useId();
  const lines = useMemo(() => {
    const until = reviewAt ?? Infinity;
    const chosen: NarrationLine[] = [];
    for (const category of NARRATION_CATEGORIES) {
      if (!filter.categories[category]) continue;
      for (const line of narration[category]) if (line.at <= until && (filter.node === 0 || line.node === filter.node)) chosen.push(line);
    }
    chosen.sort((a, b) => b.seq - a.seq);
    return chosen.slice(0, SHOWN);
  }, [narration, filter, reviewAt]);
  const s = () => lab.store.getState();
  return (
    <div className="narration-panel">
      <div className="narration-filter" role="group" aria-label="Which events to show">
        {NARRATION_CATEGORIES.map((c) => (
          <label key={c} className={`filter-chip cat-${c}`}>
            <input type="checkbox" checked={filter.categories[c]} onChange={(e) => s().setNarrationCategory(c, e.currentTarget.checked)} />
            {CATEGORY_LABEL[c]}
          </label>
        ))}
        <label htmlFor={`${id}-node`} className="visually-hidden">
          Events of node
        </label>
        <select id={`${id}-node`} value={filter.node} onChange={(e) => s().setNarrationNode(Number(e.currentTarget.value))}>
          <option value={0}>All nodes</option>
          {ids.map((n) => (
            <option key={n} value={n}>
              Node {n}
            </option>
          ))}
        </select>
      </div>
      {reviewAt !== null && (
        <p className="narration-past">Events up to {formatVirtualTime(reviewAt)}, the moment on show (Live returns to now).</p>
      )}
      {lines.length === 0 ? (
        <p className="muted narration-empty">No events of these kinds yet.</p>
      ) : (
        // Focusable, so the keyboard can scroll it (axe: scrollable-region-focusable).
        <ol className="narration" aria-label="Events, newest first" tabIndex={0}>
          {lines.map((l) => (
            <li key={l.seq} className={`cat-${l.category}`}>
              <span className="narr-time">{(l.at / 1000).toFixed(3)} s</span>
              <span className="narr-text">{l.text}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
