/**
 * The messages' controls on the space-time diagram, over the canvas that
 * paints their arrows: the selected message drawn bold, and while few
 * enough are in view (HIT_LIMIT) a transparent line along each arrow as its
 * button (click, or Enter, selects it; ← → move between messages; one tab
 * stop for them all, the selected message or else the newest).
 */
import { memo, type KeyboardEvent } from 'react';
import type { SpaceTimeMessage } from '../store';
import type { Drawing } from './spaceTimeDrawing';
import { describeArrow, HIT_LIMIT, type SpaceTimePalette } from './spaceTimeLayout';

export const SpaceTimeArrows = memo(function SpaceTimeArrows({
  messages,
  drawing,
  selectedMessage,
  palette,
  onSelect,
}: {
  /** The messages in view, in send order (drawing.arrows is parallel to it). */
  messages: readonly SpaceTimeMessage[];
  drawing: Drawing;
  selectedMessage: number | null;
  palette: SpaceTimePalette;
  onSelect: (id: number) => void;
}) {
  const tabStop = messages.some((m) => m.id === selectedMessage) ? selectedMessage : (messages[messages.length - 1]?.id ?? null);
  const onKey = (e: KeyboardEvent<SVGLineElement>, m: SpaceTimeMessage) => {
    if (e.key === 'Enter' || e.key === ' ') {
      onSelect(m.id);
    } else if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      const sibling = e.key === 'ArrowLeft' ? e.currentTarget.previousElementSibling : e.currentTarget.nextElementSibling;
      if (sibling instanceof SVGElement) sibling.focus();
    } else return;
    e.preventDefault();
    e.stopPropagation();
  };
  return (
    <g data-st="messages" data-in-view={messages.length}>
      {drawing.selected !== null && (
        <path
          data-st="selected-message"
          aria-hidden="true"
          pointerEvents="none"
          d={drawing.selected}
          fill="none"
          stroke={palette.focus}
          strokeWidth={3.5}
          strokeOpacity={0.85}
          strokeLinecap="round"
        />
      )}
      {messages.length <= HIT_LIMIT && (
        <g data-st="message-buttons">
          {messages.map((m, i) => {
            const a = drawing.arrows[i]!;
            return (
              <line
                key={m.id}
                data-st-hit=""
                className="st-hit"
                x1={a.x1}
                y1={a.y1}
                x2={a.x2}
                y2={a.y2}
                stroke="transparent"
                strokeWidth={9}
                role="button"
                tabIndex={m.id === tabStop ? 0 : -1}
                aria-label={describeArrow(m)}
                aria-pressed={m.id === selectedMessage}
                onClick={() => onSelect(m.id)}
                onKeyDown={(e) => onKey(e, m)}
              />
            );
          })}
        </g>
      )}
    </g>
  );
});
