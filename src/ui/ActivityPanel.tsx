/** Events (narration) and messages in flight, as two tabs, and under them the Why panel for what is selected. */
import { useId, useState, type KeyboardEvent } from 'react';
import { InFlightList } from './InFlightList';
import { NarrationPanel } from './NarrationPanel';
import { NoticeLine } from './NoticeLine';
import { WhyPanel } from './WhyPanel';

type Tab = 'events' | 'inflight';
const TABS: [Tab, string][] = [
  ['events', 'Events'],
  ['inflight', 'In flight'],
];

export function ActivityPanel() {
  const [tab, setTab] = useState<Tab>('events');
  const id = useId();
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    e.preventDefault();
    const next = tab === 'events' ? 'inflight' : 'events';
    setTab(next);
    document.getElementById(`${id}-${next}-tab`)?.focus();
  };
  return (
    <section className="panel activity-panel" aria-label="Activity">
      <div className="tabs" role="tablist" aria-label="Activity" onKeyDown={onKeyDown}>
        {TABS.map(([key, label]) => (
          <button
            key={key}
            type="button"
            role="tab"
            id={`${id}-${key}-tab`}
            aria-selected={tab === key}
            aria-controls={`${id}-${key}`}
            tabIndex={tab === key ? 0 : -1}
            className="tab"
            onClick={() => setTab(key)}
          >
            {label}
          </button>
        ))}
      </div>
      <NoticeLine area="app" className="activity-notice" />
      <div role="tabpanel" id={`${id}-${tab}`} aria-labelledby={`${id}-${tab}-tab`} className="tabpanel">
        {tab === 'events' ? <NarrationPanel /> : <InFlightList />}
      </div>
      <WhyPanel />
    </section>
  );
}
