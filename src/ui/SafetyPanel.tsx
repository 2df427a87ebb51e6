/**
 * The live safety monitor, property by property (issue 11): the five
 * guarantees of Figure 3, each "holds" or, at its first violation,
 * "violated" with the event that revealed it, the node, the time and a
 * button that takes the timeline to the moment it broke. When bug switches
 * are on, it says Raft is broken on purpose.
 */
import { useId } from 'react';
import { FAULTS, FIGURE3_PROPERTIES, selectFaults, selectImported, selectSafetyBreaks } from '../store';
import { Icon } from './Icon';
import { useLab, useLabApi } from './LabContext';
import { TraceSafety } from './TraceSafety';
import { formatVirtualTime } from './VirtualClock';
import './safety.css';

/** Where the paper states each property. */
const SECTION: Record<(typeof FIGURE3_PROPERTIES)[number], string> = {
  'Election Safety': '§5.2',
  'Leader Append-Only': '§5.3',
  'Log Matching': '§5.3',
  'Leader Completeness': '§5.4',
  'State Machine Safety': '§5.4.3',
};

export function SafetyPanel() {
  const lab = useLabApi();
  const breaks = useLab(selectSafetyBreaks);
  const faults = useLab(selectFaults);
  const imported = useLab(selectImported);
  const id = useId();
  if (imported) {
    // An imported trace: the whole-trace check's violations, each with its trace line and a jump to it.
    return (
      <section className="panel safety-panel" aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>Safety</h2>
        <TraceSafety />
      </section>
    );
  }
  return (
    <section className="panel safety-panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Safety</h2>
      {faults.length > 0 && <BrokenNote names={faults} />}
      <ul className="safety-list">
        {FIGURE3_PROPERTIES.map((property) => {
          const broken = breaks[property];
          if (!broken) {
            return (
              <li key={property} className="safety-row is-holding">
                <span className="safety-name">{property}</span> <span className="safety-section">{SECTION[property]}</span>{' '}
                <span className="safety-verdict">holds</span>
              </li>
            );
          }
          const v = broken.violation;
          return (
            <li key={property} className="safety-row is-violated">
              <span className="safety-name">{property}</span> <span className="safety-section">{SECTION[property]}</span>{' '}
              <span className="safety-verdict">
                <Icon name="warning" /> violated
              </span>
              <span className="safety-detail">
                at {formatVirtualTime(v.at)}, node {v.node}, event {broken.position}: {v.message}
              </span>
              <button
                type="button"
                className="btn btn-quiet safety-jump"
                onClick={() => void lab.store.getState().reviewAt(broken.position)}
              >
                Show the moment {property} broke
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** "Raft deliberately broken: …", naming the switches on. */
export function BrokenNote({ names }: { names: readonly string[] }) {
  const shorts = FAULTS.filter((f) => names.includes(f.name)).map((f) => f.short);
  return (
    <p className="safety-broken">
      <Icon name="warning" /> Raft deliberately broken: {shorts.join('; ')}.
    </p>
  );
}
