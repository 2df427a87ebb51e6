/** Every node's log, one row each, aligned by index; scrolls, and follows the newest entries. */
import { useEffect, useRef, useState, type CSSProperties } from 'react';
import { characterCount, selectIds, selectMaxIndex, selectPresenter, showCommand, type LabState } from '../store';
import { useLab } from './LabContext';
import { LogRow } from './LogRow';

function LogLegend() {
  return (
    <div className="log-legend" aria-hidden="true">
      <span className="legend-item">
        <span className="mini-entry is-committed" /> committed
      </span>
      <span className="legend-item">
        <span className="mini-entry is-uncommitted" /> uncommitted
      </span>
      <span className="legend-item">
        <span className="mini-bar" /> commit index
      </span>
      <span className="legend-item">
        <span className="mini-dot" /> last applied
      </span>
      <span className="legend-item">
        <span className="mini-entry is-conflict" /> ≠ differs from leader
      </span>
    </div>
  );
}

/**
 * The longest command in one log, in characters as a reader sees them;
 * worked out once per log (the store shares an unchanged log between
 * syncs, and the selector runs on every store update: counting graphemes
 * in every entry each time cost ≈ 2 ms a sync with 9 long logs).
 */
type Entry = LabState['nodes'][number]['log'][number];
/** Each entry's command length as shown (entries are immutable: counted once each). */
const shownLength = new WeakMap<Entry, number>();
function charactersOf(e: Entry): number {
  let n = shownLength.get(e);
  // A configuration entry's cell ("⚙ +6 learner") is short; its command is ''.
  if (n === undefined) shownLength.set(e, (n = e.config ? 12 : characterCount(showCommand(e.command))));
  return n;
}
const longestIn = new WeakMap<readonly Entry[], number>();
function longestCommandOf(log: LabState['nodes'][number]['log']): number {
  let n = longestIn.get(log);
  if (n === undefined) {
    n = log.reduce((k, e) => Math.max(k, charactersOf(e)), 0);
    longestIn.set(log, n);
  }
  return n;
}

/** The longest command in any log. */
const selectLongestCommand = (s: LabState) => s.nodes.reduce((m, n) => Math.max(m, longestCommandOf(n.log)), 0);

/** Cell width bounds, px: the narrowest cell shows about 5 characters, the widest a whole 16-character command. */
const MIN_CELL_PX = 64;
const MAX_CELL_PX = 150;
/** The label column and the row's margin, px (10rem + 1rem). */
const LABEL_PX = 176;

/**
 * Cells as wide as the longest command needs (≈ 7.5 px a character), as far
 * as the panel has room for every column; never narrower than the default.
 */
export function cellWidthPx(longest: number, columns: number, panelWidthPx: number, typeScale = 1): number {
  const min = MIN_CELL_PX * typeScale;
  const wanted = Math.min(MAX_CELL_PX * typeScale, Math.max(min, (16 + longest * 7.5) * typeScale));
  const room = panelWidthPx > 0 ? Math.floor((panelWidthPx - LABEL_PX * typeScale) / Math.max(columns, 1)) : min;
  return Math.round(Math.max(min, Math.min(wanted, room)));
}

/** Presenter mode's type is 18 px to the normal 14 px (styles.css). */
const PRESENTER_TYPE_SCALE = 18 / 14;

export function LogsPanel() {
  const ids = useLab(selectIds);
  const maxIndex = useLab(selectMaxIndex);
  const longest = useLab(selectLongestCommand);
  const typeScale = useLab(selectPresenter) ? PRESENTER_TYPE_SCALE : 1;
  const scroller = useRef<HTMLDivElement>(null);
  const [panelWidth, setPanelWidth] = useState(0);
  useEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => setPanelWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const atEnd = useRef(true);
  const rows = useRef<HTMLDivElement>(null);
  // Follows the newest entries: when the rows grow wider, scrolled to the end if it was there. From a
  // ResizeObserver, which reports after layout: reading scrollWidth in a layout effect forced a layout of the
  // whole page in every commit that added an entry (docs/performance.md). Without one (jsdom) nothing scrolls.
  useEffect(() => {
    const el = scroller.current;
    const content = rows.current;
    if (!el || !content || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (atEnd.current) el.scrollLeft = el.scrollWidth;
    });
    observer.observe(content);
    return () => observer.disconnect();
  }, []);
  const columns = Math.max(maxIndex, 1);
  return (
    <section className="panel logs-panel" aria-labelledby="logs-title">
      <div className="panel-head">
        <h2 id="logs-title">Logs</h2>
        <LogLegend />
      </div>
      <div
        className="logs-scroll"
        ref={scroller}
        // Focusable, so the keyboard can scroll it even while no entry is there to focus (axe: scrollable-region-focusable).
        tabIndex={0}
        role="group"
        aria-labelledby="logs-title"
        style={{ '--cell': `${cellWidthPx(longest, columns, panelWidth, typeScale)}px` } as CSSProperties}
        onScroll={(e) => {
          const el = e.currentTarget;
          atEnd.current = el.scrollLeft + el.clientWidth >= el.scrollWidth - 8;
        }}
      >
        {/* As wide as every column: the rows fill it. Its own width, not a custom property the rows inherit,
            which restyled every entry of every log each time an entry was added. */}
        <div className="log-rows" ref={rows} style={{ minWidth: `calc(10rem + ${columns} * var(--cell) + 1rem)` }}>
          <div className="log-row log-index-row" aria-hidden="true">
            <div className="log-label">index</div>
            <div className="log-track">
              <div className="log-list">
                {Array.from({ length: columns }, (_, i) => (
                  <span key={i} className="log-index" style={{ gridColumnStart: i + 1 }}>
                    {i + 1}
                  </span>
                ))}
              </div>
            </div>
          </div>
          {ids.map((id) => (
            <LogRow key={id} id={id} />
          ))}
        </div>
      </div>
    </section>
  );
}
