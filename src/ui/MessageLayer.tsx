/**
 * Messages in flight as glyphs moving from sender to receiver, positioned
 * by virtual time between sentAt and deliverAt. This component re-renders
 * only when the set of messages in flight changes; the glyphs move every
 * frame through refs, so nothing else re-renders while a message travels.
 * Hover shows a message's fields (the parent draws the tooltip); a click
 * drops it. Keyboard users drop messages from the "In flight" list.
 */
import { useLayoutEffect, useRef, useState } from 'react';
import { selectReducedMotion, type InFlightMessage } from '../store';
import { along, lane, progress, type RingLayout } from './geometry';
import { useFrame, useLab, useLabApi } from './LabContext';
import { LANE_OFFSET } from './LinkLine';
import { MessageGlyph } from './MessageGlyph';

/** The message under the pointer, in the cluster view's pixel coordinates. */
export interface Hover {
  readonly id: number;
  readonly x: number;
  readonly y: number;
  /** Width of the cluster view, to keep the tooltip inside it. */
  readonly width: number;
}

interface Props {
  layout: RingLayout;
  onHover: (hover: Hover | null) => void;
  hoveredId: number | null;
}

function sameMessages(a: readonly InFlightMessage[], b: readonly InFlightMessage[]): boolean {
  return a.length === b.length && a.every((m, i) => m === b[i]);
}

export function MessageLayer({ layout, onHover, hoveredId }: Props) {
  const lab = useLabApi();
  const reducedMotion = useLab(selectReducedMotion);
  const [messages, setMessages] = useState<readonly InFlightMessage[]>(() => lab.store.getState().cluster.inFlight());
  const shown = useRef(messages);
  const elements = useRef(new Map<number, SVGGElement>());

  const place = (now: number) => {
    for (const m of shown.current) {
      const el = elements.current.get(m.id);
      const a = layout.centres[m.from - 1];
      const b = layout.centres[m.to - 1];
      if (!el || !a || !b) continue;
      const path = lane(a, b, layout.nodeRadius + 10, LANE_OFFSET);
      const p = along(path.from, path.to, progress(now, m.sentAt, m.deliverAt, reducedMotion));
      el.setAttribute('transform', `translate(${p.x.toFixed(1)} ${p.y.toFixed(1)})`);
    }
  };

  useFrame((now) => {
    const list = lab.store.getState().cluster.inFlight();
    if (!sameMessages(list, shown.current)) {
      shown.current = list;
      setMessages(list);
      if (hoveredId !== null && !list.some((m) => m.id === hoveredId)) onHover(null);
    }
    place(now);
  });

  useLayoutEffect(() => {
    place(lab.driver.displayNow());
  });

  return (
    <g className="messages" aria-hidden="true">
      {messages.map((m) => (
        <g
          key={m.id}
          ref={(el) => {
            if (el) elements.current.set(m.id, el);
            else elements.current.delete(m.id);
          }}
          className={`message${m.id === hoveredId ? ' is-hovered' : ''}`}
          onPointerEnter={(e) => {
            const box = (e.currentTarget.ownerSVGElement?.parentElement ?? e.currentTarget).getBoundingClientRect();
            onHover({ id: m.id, x: e.clientX - box.left, y: e.clientY - box.top, width: box.width });
          }}
          onPointerLeave={() => onHover(null)}
          onClick={() => {
            onHover(null);
            lab.store.getState().dropMessage(m.id);
          }}
        >
          <MessageGlyph message={m.payload} duplicate={m.duplicate} />
        </g>
      ))}
    </g>
  );
}
