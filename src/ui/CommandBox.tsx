/**
 * The client: a command goes to the live leader with the highest term (as a
 * client that follows the newest leader would), or to a node chosen under
 * "Send to" (a follower refuses and says who it thinks leads). No leader, or
 * bad input, gets a clear message; nothing is sent.
 */
import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import {
  characterCount,
  liveLeader,
  MAX_COMMAND_LENGTH,
  selectCommandNoticeOnShow,
  selectCommandTarget,
  selectIds,
  type LabState,
} from '../store';
import { useLab, useLabApi } from './LabContext';
import { NoticeLine } from './NoticeLine';
import { NodeOptions } from './NodeOptions';

/**
 * Where a command would go now, in words: a string, so the box re-renders
 * only when the words change, not with every store sync (the nodes'
 * snapshots change with every heartbeat). While reviewing history, the
 * nodes are that moment's.
 */
export const selectDestination = (s: LabState): string => {
  const leader = liveLeader(s.nodes);
  const target = s.commandTarget;
  const chosen = target === 'leader' ? undefined : s.nodes.find((n) => n.id === target);
  if (chosen) {
    return chosen.role === 'leader' && chosen.alive
      ? `Goes to node ${chosen.id}, a leader of term ${chosen.term}${leader && leader.id !== chosen.id ? ` (node ${leader.id} leads a newer term)` : ''}.`
      : `Goes to node ${chosen.id}, which is ${chosen.alive ? (chosen.role === 'candidate' ? 'a candidate' : 'a follower') : 'crashed'}: it will refuse.`;
  }
  return leader ? `Goes to leader node ${leader.id} (term ${leader.term}).` : 'No leader at the moment.';
};

export function CommandBox() {
  const lab = useLabApi();
  // While reviewing history, both are that moment's: where it would go and its note.
  const destination = useLab(selectDestination);
  const notice = useLab(selectCommandNoticeOnShow);
  const target = useLab(selectCommandTarget);
  const ids = useLab(selectIds);
  const [text, setText] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const id = useId();
  // Characters as a reader sees them (an emoji is one), as the store counts them.
  const typed = characterCount(text.trim());
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    // Back to the page, so the next key is a shortcut again ("1" selects node 1), not more text.
    // Refused text stays in the box: "/" and Enter retry it.
    input.current?.blur();
    if (await lab.store.getState().submitCommand(text)) setText('');
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== 'Escape') return;
    // Esc leaves the box (and only that: the page's Esc, closing the inspector, is not run as well).
    e.preventDefault();
    e.currentTarget.blur();
  };
  return (
    <section className="panel command-panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Client</h2>
      <form className="command-form" onSubmit={(e) => void onSubmit(e)} noValidate>
        <label htmlFor={id}>Command</label>
        <input
          id={id}
          ref={input}
          type="text"
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          onKeyDown={onKeyDown}
          aria-keyshortcuts="/"
          placeholder="x=1"
          autoComplete="off"
          spellCheck={false}
          aria-describedby={`${id}-hint`}
          data-command-input=""
        />
        <button type="submit" className="btn btn-primary">
          Submit
        </button>
        <div className="command-target-row">
          <label htmlFor={`${id}-to`}>Send to</label>
          <select
            id={`${id}-to`}
            className="command-target"
            value={String(target)}
            onChange={(e) => {
              const v = e.currentTarget.value;
              lab.store.getState().setCommandTarget(v === 'leader' ? 'leader' : Number(v));
            }}
          >
            <option value="leader">Newest leader</option>
            <NodeOptions ids={ids} />
          </select>
        </div>
      </form>
      <p id={`${id}-hint`} className="hint">
        {destination} <code>key=value</code> sets a key; up to {MAX_COMMAND_LENGTH} characters{typed > 0 ? ` (${typed} typed)` : ''}.
      </p>
      <NoticeLine area="command" shown={notice} />
    </section>
  );
}
