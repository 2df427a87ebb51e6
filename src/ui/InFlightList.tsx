/** Messages in flight as a table: their fields, and a Drop button each (the keyboard route to dropping). */
import { useState } from 'react';
import type { InFlightMessage } from '../store';
import { useFrame, useLabApi } from './LabContext';
import { messageFields, messageTitle } from './messageFields';

const SHOWN = 100;

export function InFlightList() {
  const lab = useLabApi();
  const [messages, setMessages] = useState<readonly InFlightMessage[]>(() => lab.store.getState().inFlight());
  useFrame(() => {
    const list = lab.store.getState().inFlight();
    setMessages((prev) => (prev.length === list.length && prev.every((m, i) => m === list[i]) ? prev : list));
  });
  if (messages.length === 0) return <p className="muted narration-empty">No messages in flight.</p>;
  return (
    <div className="inflight">
      <table>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">message</th>
            <th scope="col">fields</th>
            <th scope="col">
              <span className="visually-hidden">action</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {messages.slice(0, SHOWN).map((m) => (
            <tr key={m.id}>
              <td>{m.id}</td>
              <td>{messageTitle(m)}</td>
              <td className="inflight-fields">
                {messageFields(m)
                  .map(([k, v]) => `${k} ${v}`)
                  .join(' · ')}
              </td>
              <td className="inflight-actions">
                <button
                  type="button"
                  className="btn btn-small"
                  onClick={() => lab.store.getState().selectMessage(m.id)}
                  aria-label={`Show message ${m.id} in the space-time diagram`}
                  title="Select it in the space-time diagram"
                >
                  Show
                </button>
                <button
                  type="button"
                  className="btn btn-small"
                  onClick={() => lab.store.getState().dropMessage(m.id)}
                  aria-label={`Drop message ${m.id}, ${messageTitle(m)}`}
                >
                  Drop
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {messages.length > SHOWN && <p className="hint">… and {messages.length - SHOWN} more.</p>}
    </div>
  );
}
