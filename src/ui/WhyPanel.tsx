/**
 * The Why panel (issue 11): for what is selected — a mark in the space-time
 * diagram (an Events line selects its mark), or a node on the ring — the
 * rule of the paper behind it, in plain words with its section, worded from
 * the core's reason codes (the store's one table, whyWording.ts).
 */
import { useId, useMemo } from 'react';
import { explainSelection, selectNowMs, selectReviewAt, selectSelectedMark, selectSelectedNode, selectWhyVersion } from '../store';
import { useLab, useLabApi } from './LabContext';
import { formatVirtualTime } from './VirtualClock';
import './safety.css';

export function WhyPanel() {
  const lab = useLabApi();
  const mark = useLab(selectSelectedMark);
  const node = useLab(selectSelectedNode);
  const version = useLab(selectWhyVersion);
  const now = useLab(selectNowMs);
  const reviewAt = useLab(selectReviewAt);
  const id = useId();
  // Re-read when the selection, the record or the state changes (the record itself lives outside the state,
  // so these values say when, rather than feed the computation).
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const shown = useMemo(() => explainSelection(lab.store.getState()), [lab, mark, node, version, now, reviewAt]);
  return (
    // Focusable, so the keyboard can scroll it (axe: scrollable-region-focusable).
    <section className="why-panel" aria-labelledby={`${id}-title`} tabIndex={0}>
      <h2 id={`${id}-title`}>Why</h2>
      {shown === null ? (
        <p className="hint">Select a node, an event or a mark in the space-time diagram to see the rule behind it.</p>
      ) : (
        <>
          <p className="why-title">{shown.title}</p>
          {shown.lines.length === 0 ? (
            <p className="hint">No reasoned event here.</p>
          ) : (
            <ul className="why-list" aria-label="Rules behind it">
              {shown.lines.map((l, i) => (
                <li key={i}>
                  <span className="why-time">{formatVirtualTime(l.at)}</span> {l.text} <span className="why-section">({l.section})</span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
