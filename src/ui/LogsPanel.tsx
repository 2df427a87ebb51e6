/** Every node's log, one row each, aligned by index; scrolls, and follows the newest entries. */
import { useLayoutEffect, useRef, type CSSProperties } from 'react';
import { selectIds, selectMaxIndex } from '../store';
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

export function LogsPanel() {
  const ids = useLab(selectIds);
  const maxIndex = useLab(selectMaxIndex);
  const scroller = useRef<HTMLDivElement>(null);
  const atEnd = useRef(true);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && atEnd.current) el.scrollLeft = el.scrollWidth;
  }, [maxIndex]);
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
        style={{ '--cols': columns } as CSSProperties}
        onScroll={(e) => {
          const el = e.currentTarget;
          atEnd.current = el.scrollLeft + el.clientWidth >= el.scrollWidth - 8;
        }}
      >
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
    </section>
  );
}
