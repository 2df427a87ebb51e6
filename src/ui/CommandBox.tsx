/**
 * The client: a command goes to the live leader with the highest term (as a
 * client that follows the newest leader would). No leader, or bad input,
 * gets a clear message; nothing is sent.
 */
import { useId, useState, type FormEvent } from 'react';
import { characterCount, MAX_COMMAND_LENGTH, selectLeader } from '../store';
import { useLab, useLabApi } from './LabContext';
import { NoticeLine } from './NoticeLine';

export function CommandBox() {
  const lab = useLabApi();
  const leader = useLab(selectLeader);
  const [text, setText] = useState('');
  const id = useId();
  // Characters as a reader sees them (an emoji is one), as the store counts them.
  const typed = characterCount(text.trim());
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (await lab.store.getState().submitCommand(text)) setText('');
  };
  return (
    <section className="panel command-panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Client</h2>
      <form className="command-form" onSubmit={(e) => void onSubmit(e)} noValidate>
        <label htmlFor={id}>Command</label>
        <input
          id={id}
          type="text"
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          placeholder="x=1"
          autoComplete="off"
          spellCheck={false}
          aria-describedby={`${id}-hint`}
          data-command-input=""
        />
        <button type="submit" className="btn btn-primary">
          Submit
        </button>
      </form>
      <p id={`${id}-hint`} className="hint">
        {leader ? `Goes to leader node ${leader.id} (term ${leader.term}).` : 'No leader at the moment.'} <code>key=value</code> sets a key;
        up to {MAX_COMMAND_LENGTH} characters{typed > 0 ? ` (${typed} typed)` : ''}.
      </p>
      <NoticeLine area="command" />
    </section>
  );
}
