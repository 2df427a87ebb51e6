/**
 * The two switches beyond Figure 2 (issue 13), off by default, each with
 * one line saying what it does and where the thesis states it. Part of the
 * Cluster form: like the timing, they take effect on "Reset cluster".
 */
import { useId } from 'react';

export interface ExtensionDraft {
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
}

/** What each switch does, in one line (shown under it and read with it). */
export const EXTENSION_HINTS = {
  preVote:
    'Thesis §9.6: a node whose timer fires first asks “would you vote for me?” without raising its term, so a node that was cut off cannot unseat the leader when it rejoins.',
  checkQuorum:
    'Thesis §6.2: a leader that hears from no majority for an election timeout steps down; followers that heard from a leader recently ignore votes (§4.2.3).',
} as const;

export function ExtensionSwitches({ value, onChange }: { value: ExtensionDraft; onChange: (next: ExtensionDraft) => void }) {
  const id = useId();
  return (
    <fieldset className="settings-extensions">
      <legend>Beyond Figure 2</legend>
      <div className="extension-row">
        <label className="settings-check">
          <input
            type="checkbox"
            checked={value.preVote}
            aria-describedby={`${id}-pv`}
            onChange={(e) => onChange({ ...value, preVote: e.currentTarget.checked })}
          />{' '}
          PreVote
        </label>
        <span id={`${id}-pv`} className="hint extension-hint">
          {EXTENSION_HINTS.preVote}
        </span>
      </div>
      <div className="extension-row">
        <label className="settings-check">
          <input
            type="checkbox"
            checked={value.checkQuorum}
            aria-describedby={`${id}-cq`}
            onChange={(e) => onChange({ ...value, checkQuorum: e.currentTarget.checked })}
          />{' '}
          CheckQuorum
        </label>
        <span id={`${id}-cq`} className="hint extension-hint">
          {EXTENSION_HINTS.checkQuorum}
        </span>
      </div>
    </fieldset>
  );
}
