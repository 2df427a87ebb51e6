/**
 * The marks on the space-time diagram's lanes: role changes as the ring's
 * letters on the role's colour (L, C, F), term changes (T4), commits (c7),
 * crashes (×) and restarts (R), configurations in force (⚙) or committed
 * (⚙✓) and leadership transfers (→3) (issue 13). Each is a button that selects it and its
 * node (one tab stop for them all; ← → move between them); past
 * MARK_LABEL_LIMIT in view they are drawn as plain ticks.
 */
import { memo } from 'react';
import type { SpaceTimeMark, SpaceTimeMarkKind } from '../store';
import { laneY, MARK_LABEL_LIMIT, xOf, type SpaceTimePalette, type TimeView } from './spaceTimeLayout';

const ROLE_OF = { L: 'leader', C: 'candidate', F: 'follower' } as const;

function markColour(kind: SpaceTimeMarkKind, palette: SpaceTimePalette): string {
  return kind === 'crash' ? palette.noText : kind === 'restart' || kind === 'commit' ? palette.okText : palette.muted;
}

function MarkShape({ mark, palette }: { mark: SpaceTimeMark; palette: SpaceTimePalette }) {
  switch (mark.kind) {
    case 'role': {
      const role = palette.role[ROLE_OF[mark.label as keyof typeof ROLE_OF]];
      return (
        <>
          <rect x={-6} y={-6} width={12} height={12} rx={2} fill={role.fill} stroke={palette.text} strokeWidth={0.5} />
          <text y={3.5} textAnchor="middle" fontSize={9} fontWeight={700} fill={role.text}>
            {mark.label}
          </text>
        </>
      );
    }
    case 'term':
      return (
        <text y={-8} textAnchor="middle" fontSize={9} fill={palette.muted}>
          {mark.label}
        </text>
      );
    case 'commit':
      return (
        <>
          <line y1={-4} y2={4} stroke={palette.okText} strokeWidth={1.5} />
          <text y={13} textAnchor="middle" fontSize={9} fill={palette.okText}>
            {mark.label}
          </text>
        </>
      );
    case 'crash':
      return (
        <text y={5} textAnchor="middle" fontSize={16} fontWeight={700} fill={palette.noText}>
          ×
        </text>
      );
    case 'restart':
      return (
        <>
          <circle r={6} fill={palette.background} stroke={palette.okText} strokeWidth={1.5} />
          <text y={3.5} textAnchor="middle" fontSize={9} fontWeight={700} fill={palette.okText}>
            R
          </text>
        </>
      );
    case 'config':
    case 'transfer':
      return (
        <text y={-8} textAnchor="middle" fontSize={9} fontWeight={700} fill={palette.text}>
          {mark.label}
        </text>
      );
  }
}

export const SpaceTimeMarks = memo(function SpaceTimeMarks({
  marks,
  view,
  selectedMark,
  palette,
  onSelect,
}: {
  marks: readonly SpaceTimeMark[];
  view: TimeView;
  selectedMark: number | null;
  palette: SpaceTimePalette;
  onSelect: (id: number) => void;
}) {
  if (marks.length > MARK_LABEL_LIMIT) {
    const byKind = new Map<SpaceTimeMarkKind, string[]>();
    for (const m of marks) {
      const x = Math.round(xOf(view, m.at) * 10) / 10;
      const y = laneY(m.node);
      let d = byKind.get(m.kind);
      if (!d) byKind.set(m.kind, (d = []));
      d.push(`M${x} ${y - 5}V${y + 5}`);
    }
    return (
      <g data-st="marks" data-labelled="false" aria-hidden="true">
        {[...byKind.entries()].map(([kind, d]) => (
          <path key={kind} data-kind={kind} data-count={d.length} d={d.join('')} stroke={markColour(kind, palette)} strokeWidth={1.5} />
        ))}
      </g>
    );
  }
  const at = (m: SpaceTimeMark) => Math.round(xOf(view, m.at) * 10) / 10;
  // One tab stop for the marks, as for the messages: the selected one if in view, else the newest.
  const tabStop = marks.some((m) => m.id === selectedMark) ? selectedMark : (marks[marks.length - 1]?.id ?? null);
  // The shapes are drawn apart from the buttons, hidden from assistive technology, so that each
  // button's name is its sentence alone (axe: label-content-name-mismatch), as the ring's nodes do.
  return (
    <g data-st="marks" data-labelled="true">
      <g aria-hidden="true" pointerEvents="none">
        {marks.map((m) => (
          <g key={m.id} data-kind={m.kind} transform={`translate(${at(m)} ${laneY(m.node)})`}>
            {m.id === selectedMark && <circle r={10} fill="none" stroke={palette.focus} strokeWidth={2} />}
            <MarkShape mark={m} palette={palette} />
          </g>
        ))}
      </g>
      <g>
        {marks.map((m) => (
          <rect
            key={m.id}
            className="st-mark"
            data-kind={m.kind}
            x={at(m) - 7}
            y={laneY(m.node) - 10}
            width={14}
            height={20}
            fill="transparent"
            role="button"
            tabIndex={m.id === tabStop ? 0 : -1}
            aria-label={`${m.description}, at ${Math.round(m.at)} ms`}
            aria-pressed={m.id === selectedMark}
            onClick={() => onSelect(m.id)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') onSelect(m.id);
              else if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
                const sibling = e.key === 'ArrowLeft' ? e.currentTarget.previousElementSibling : e.currentTarget.nextElementSibling;
                if (sibling instanceof SVGElement) sibling.focus();
              } else return;
              e.preventDefault();
              e.stopPropagation();
            }}
          />
        ))}
      </g>
    </g>
  );
});
