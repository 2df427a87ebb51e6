/** The fields of the message under the pointer, next to it. */
import type { InFlightMessage } from '../store';
import { messageFields, messageTitle } from './messageFields';

interface Props {
  message: InFlightMessage;
  x: number;
  y: number;
  /** Width of the cluster view, to keep the tooltip inside it. */
  width: number;
}

export function MessageTooltip({ message, x, y, width }: Props) {
  const left = x + 250 > width ? Math.max(4, x - 250) : x + 14;
  return (
    <div className="msg-tooltip" style={{ left, top: y + 12 }} role="tooltip">
      <div className="msg-tooltip-title">
        #{message.id} {messageTitle(message)}
      </div>
      <dl>
        {messageFields(message).map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <div className="msg-tooltip-hint">Click to drop it</div>
    </div>
  );
}
