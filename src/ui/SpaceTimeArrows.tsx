/**
 * The messages of the space-time diagram: one <path> per message kind,
 * reply or request, and state (delivered, in flight, dropped), so thousands
 * of arrows cost a few DOM nodes; crosses at drops, "2×" at duplicates, the
 * selected message drawn over the rest; and, while few enough are in view
 * (HIT_LIMIT), a transparent line per message as its button (click, or
 * Enter, to select; ← → move between messages).
 */
import { memo, type KeyboardEvent } from 'react';
import type { SpaceTimeMessage } from '../store';
import type { GlyphKind } from './messageGlyphs';
import {
  arrowOf,
  arrowPath,
  crossPath,
  describeArrow,
  HIT_LIMIT,
  isReply,
  kindOf,
  stateOf,
  type ArrowState,
  type SpaceTimePalette,
  type TimeView,
} from './spaceTimeLayout';

interface Group {
  kind: GlyphKind;
  reply: boolean;
  state: ArrowState;
  d: string[];
}

export const SpaceTimeArrows = memo(function SpaceTimeArrows({
  messages,
  view,
  nowMs,
  selectedMessage,
  palette,
  onSelect,
}: {
  /** The messages in view, in send order. */
  messages: readonly SpaceTimeMessage[];
  view: TimeView;
  nowMs: number;
  selectedMessage: number | null;
  palette: SpaceTimePalette;
  onSelect: (id: number) => void;
}) {
  const groups = new Map<string, Group>();
  const crosses: string[] = [];
  const duplicates: { id: number; x: number; y: number }[] = [];
  let selected: { d: string; m: SpaceTimeMessage } | null = null;
  const arrows = messages.map((m) => {
    const a = arrowOf(m, view, nowMs);
    const state = stateOf(m);
    const kind = kindOf(m);
    const reply = isReply(m);
    const key = `${kind}-${reply ? 'reply' : 'request'}-${state}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { kind, reply, state, d: [] }));
    const d = arrowPath(a, state === 'delivered');
    g.d.push(d);
    if (state === 'dropped') crosses.push(crossPath(a.x2, a.y2));
    if (m.duplicate) duplicates.push({ id: m.id, x: a.x2, y: a.y2 });
    if (m.id === selectedMessage) selected = { d, m };
    return a;
  });
  const focusable = messages.length <= HIT_LIMIT;
  // One tab stop among the messages: the selected one if in view, else the newest.
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
    <g data-st="messages">
      <g aria-hidden="true">
        {[...groups.entries()].map(([key, g]) => (
          <path
            key={key}
            data-kind={g.kind}
            data-reply={g.reply}
            data-state={g.state}
            data-count={g.d.length}
            d={g.d.join('')}
            fill="none"
            stroke={palette.message[g.kind]}
            strokeWidth={g.reply ? 1 : 1.75}
            strokeDasharray={g.state === 'flight' ? '4 3' : undefined}
            strokeLinecap="round"
          />
        ))}
        {crosses.length > 0 && (
          <path data-st="crosses" data-count={crosses.length} d={crosses.join('')} fill="none" stroke={palette.drop} strokeWidth={2} />
        )}
        {duplicates.map((dup) => (
          <text key={dup.id} data-st="duplicate" x={dup.x + 4} y={dup.y - 4} fontSize={9} fontWeight={700} fill={palette.text}>
            2×
          </text>
        ))}
        {selected !== null && (
          <path
            data-st="selected-message"
            d={(selected as { d: string }).d}
            fill="none"
            stroke={palette.focus}
            strokeWidth={3.5}
            strokeOpacity={0.85}
            strokeLinecap="round"
          />
        )}
      </g>
      {focusable && (
        <g data-st="message-buttons">
          {messages.map((m, i) => {
            const a = arrows[i]!;
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
