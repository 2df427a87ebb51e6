/**
 * The bug switches (issue 11): each breaks one rule of the paper on
 * purpose, in the core (an explicit fault option, never a branch here).
 * Off by default; changing one resets the cluster with the new set, so the
 * run on show is made with exactly those faults (the URL and a shared link
 * say so).
 */
import { useId, useState } from 'react';
import { FAULTS, selectFaults, type LabFaultName } from '../store';
import { BrokenNote } from './SafetyPanel';
import { useLab, useLabApi } from './LabContext';
import './safety.css';

export function BreakRaft() {
  const lab = useLabApi();
  const running = useLab(selectFaults);
  // The switches asked for, shown at once while the reset they start runs (with workers it takes a moment).
  const [asked, setAsked] = useState<readonly LabFaultName[] | null>(null);
  const on = asked ?? running;
  const id = useId();
  const toggle = (name: LabFaultName, checked: boolean) => {
    const next = checked ? [...on, name] : on.filter((n) => n !== name);
    setAsked(next);
    void lab.store
      .getState()
      .setFaults(next)
      .finally(() => setAsked((current) => (current === next ? null : current)));
  };
  return (
    <section className="panel break-raft-panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Bug switches</h2>
      <fieldset className="break-raft">
        <legend>Break Raft</legend>
        <p className="break-raft-warning">
          Each switch breaks a rule of Raft on purpose, to watch the safety monitor catch it. Changing one resets the cluster.
        </p>
        {FAULTS.map((f) => (
          <label key={f.name} className="break-raft-switch" title={f.effect}>
            <input type="checkbox" checked={on.includes(f.name)} onChange={(e) => toggle(f.name, e.currentTarget.checked)} /> {f.label}
          </label>
        ))}
      </fieldset>
      {running.length > 0 && <BrokenNote names={running} />}
    </section>
  );
}
