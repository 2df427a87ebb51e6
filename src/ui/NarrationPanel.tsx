/**
 * One readable line per event, newest first, filtered by kind and node;
 * while reviewing history, only the events up to the moment on show. In step
 * with the space-time diagram: the lines of the mark selected there are
 * highlighted, and a line's button selects its mark in the diagram.
 */
import { memo, useId, useMemo } from 'react';
import {
  NARRATION_CATEGORIES,
  selectFast,
  selectIds,
  selectNarration,
  selectNarrationFilter,
  selectReviewAt,
  type LabState,
  type NarrationCategory,
  type NarrationLine,
} from '../store';
import { useLab, useLabApi } from './LabContext';
import { CALM_HOLD_MS, useHeld } from './useOnScreen';
import { formatVirtualTime } from './VirtualClock';
import { NodeOptions } from './NodeOptions';

const CATEGORY_LABEL: Record<NarrationCategory, string> = {
  election: 'Elections',
  replication: 'Replication',
  fault: 'Faults',
  message: 'Messages',
  storage: 'Disk',
};

/** How many lines the panel shows at most. */
const SHOWN = 150;

/** The diagram's selected mark, as the narration matches it: its time and node. */
let placeCache: { id: number; place: string | null } | null = null;
const selectMarkPlace = (s: LabState): string | null => {
  const id = s.selectedMark;
  if (id === null) return null;
  // Marks never change once recorded: look each selection up once.
  if (placeCache?.id !== id) {
    const mark = s.spaceTime().marks.find((m) => m.id === id);
    placeCache = { id, place: mark ? `${mark.at}:${mark.node}` : null };
  }
  return placeCache.place;
};

/** The mark of the diagram a line is about (same time and node), if it has one. */
function markOf(s: LabState, line: NarrationLine): number | null {
  if (line.node === null) return null;
  const mark = s
    .spaceTime()
    .marksIn(line.at, line.at)
    .find((m) => m.at === line.at && m.node === line.node);
  return mark ? mark.id : null;
}

/** Which kinds and whose events to show: its own component, so it does not re-render with every sync as the list's panel does. */
const NarrationFilter = memo(function NarrationFilter() {
  const lab = useLabApi();
  const filter = useLab(selectNarrationFilter);
  const ids = useLab(selectIds);
  const id = useId();
  const s = () => lab.store.getState();
  return (
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
        <NodeOptions ids={ids} />
      </select>
    </div>
  );
});

export function NarrationPanel() {
  const lab = useLabApi();
  const fast = useLab(selectFast);
  // At speed (selectFast) it changes twice a second (issue 12: a layout per change, dozens of lines each).
  const narration = useHeld(useLab(selectNarration), fast ? CALM_HOLD_MS : 0);
  const filter = useLab(selectNarrationFilter);
  const reviewAt = useLab(selectReviewAt);
  const place = useLab(selectMarkPlace);
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
  // The same lines and selection give the very same elements, so React skips the list (it re-renders with every sync).
  const list = useMemo(
    () =>
      lines.length === 0 ? (
        <p className="muted narration-empty">No events of these kinds yet.</p>
      ) : (
        // Focusable, so the keyboard can scroll it (axe: scrollable-region-focusable).
        <ol className="narration" aria-label="Events, newest first" tabIndex={0}>
          {lines.map((l) => {
            const selected = place !== null && place === `${l.at}:${l.node}`;
            return (
              // A click shows the line's mark in the space-time diagram (the keyboard reaches the marks there).
              <li
                key={l.seq}
                className={`cat-${l.category}${selected ? ' is-selected' : ''}`}
                aria-current={selected ? 'true' : undefined}
                title="Click to show it in the space-time diagram"
                onClick={() => {
                  // Its mark in the space-time diagram, if it has one; and the Why panel explains that very line.
                  const st = lab.store.getState();
                  st.selectMark(markOf(st, l));
                  if (l.node !== null) st.explainMoment(l.at, l.node);
                }}
              >
                <span className="narr-time">{(l.at / 1000).toFixed(3)} s</span>
                <span className="narr-text">{l.text}</span>
              </li>
            );
          })}
        </ol>
      ),
    [lines, place, lab],
  );
  return (
    <div className="narration-panel">
      <NarrationFilter />
      {reviewAt !== null && (
        <p className="narration-past">Events up to {formatVirtualTime(reviewAt)}, the moment on show (Live returns to now).</p>
      )}
      {list}
    </div>
  );
}
