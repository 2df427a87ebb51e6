/**
 * One node's log: a list named "Log of node N", entries placed in columns by
 * index so the rows line up; the snapshot prefix drawn as one block. Re-renders
 * only when this node's log, commit/applied indexes or the leader's log change.
 */
import { memo, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { liveLeader, nodeById, selectCommitUnknown, selectDiscarded, showCommand, type Configuration, type Entry } from '../store';
import { useLab } from './LabContext';
import { LogEntryItem } from './LogEntryItem';
import { ROLE_LETTER, roleWord } from './roles';

/** Why a restarted node's entries are dashed (§5.4.2, §8), in full: the row's tooltip and the inspector. */
export const COMMIT_UNKNOWN_TEXT =
  'commit index unknown since restart — entries are safe on disk; they will be marked committed once the leader commits an entry of its term';
/** The same, while the node is still down. */
export const COMMIT_LOST_TEXT =
  'commit index lost in the crash — entries are safe on disk; after a restart they will be marked committed once the leader commits an entry of its term';

/** "leader of term 3 — stale: node 2 leads term 4", or null when the node is not a stale leader. */
export function staleLeaderText(
  node: { alive: boolean; role: string; term: number },
  newest: { id: number; term: number } | undefined,
): string | null {
  if (!node.alive || node.role !== 'leader' || !newest || newest.term <= node.term) return null;
  return `leader of term ${node.term} — stale: node ${newest.id} leads term ${newest.term}`;
}

/** Arrow keys, Home and End move focus along a log (one tab stop per log: its last entry). */
function moveFocus(e: KeyboardEvent<HTMLOListElement>): void {
  const items = [...e.currentTarget.querySelectorAll<HTMLElement>('li')];
  const at = items.indexOf(document.activeElement as HTMLElement);
  if (at < 0) return;
  const to = { ArrowLeft: at - 1, ArrowRight: at + 1, Home: 0, End: items.length - 1 }[e.key];
  if (to === undefined) return;
  e.preventDefault();
  e.stopPropagation(); // not the → step / ← back shortcuts
  items[Math.max(0, Math.min(items.length - 1, to))]?.focus();
}

/**
 * The leader's nextIndex and matchIndex for this follower (Figure 2), drawn on
 * its row: a bar after the last entry the leader knows it holds (match), and
 * a caret under the next entry the leader will send (next). They differ from
 * the row's own end while the leader is still finding where the logs agree (§5.3).
 */
function LeaderPointers({ leaderId, follower, next, match }: { leaderId: number; follower: number; next: number; match: number }) {
  const text = `Node ${leaderId}, the leader, holds nextIndex ${next} and matchIndex ${match} for node ${follower}`;
  return (
    <span className="log-pointers" role="img" aria-label={text} title={text}>
      {match > 0 && <span className="log-pointer is-match" style={{ left: `calc(${match} * var(--cell))` }} />}
      <span className="log-pointer is-next" style={{ left: `calc(${next - 1} * var(--cell))` }} />
      <span className="pointer-tag" style={{ left: `calc(${Math.max(match, next - 1)} * var(--cell) + 3px)` }}>
        match {match} · next {next}
      </span>
    </span>
  );
}

/**
 * For each entry, the configuration in force before it (thesis §4.1): the
 * log's last configuration entry before it, or `initial` (the founding
 * nodes, all voters) when nothing is compacted; once per log.
 */
const configsBeforeOf = new WeakMap<readonly Entry[], readonly (Configuration | undefined)[]>();
function configsBefore(log: readonly Entry[], initial: Configuration | undefined): readonly (Configuration | undefined)[] {
  let out = configsBeforeOf.get(log);
  if (!out) {
    let last: Configuration | undefined = initial;
    out = log.map((e) => {
      const before = last;
      if (e.config) last = e.config;
      return before;
    });
    configsBeforeOf.set(log, out);
  }
  return out;
}

/** The founding nodes' configuration (every one a voter), one object per size. */
const initialConfigs = new Map<number, Configuration>();
function initialConfig(nodes: number): Configuration {
  let c = initialConfigs.get(nodes);
  if (!c) initialConfigs.set(nodes, (c = { voters: Array.from({ length: nodes }, (_, i) => i + 1), learners: [] }));
  return c;
}

export const LogRow = memo(function LogRow({ id }: { id: number }) {
  const node = useLab(
    useShallow((s) => {
      const n = nodeById(s.nodes, id);
      return {
        log: n?.log ?? [],
        commitIndex: n?.commitIndex ?? 0,
        lastApplied: n?.lastApplied ?? 0,
        snapshotIndex: n?.snapshotIndex ?? 0,
        snapshotTerm: n?.snapshotTerm ?? 0,
        role: n ? roleWord(n) : 'follower',
        alive: n?.alive ?? false,
        term: n?.term ?? 0,
        isLeader: n?.role === 'leader',
        founders: s.config.nodes,
      };
    }),
  );
  const leader = useLab(
    useShallow((s) => {
      const l = liveLeader(s.nodes);
      return {
        leaderId: l?.id ?? 0,
        leaderTerm: l?.term ?? 0,
        leaderLog: l?.log,
        leaderSnapshot: l?.snapshotIndex ?? 0,
        // Figure 2, leader volatile state: what the leader believes about this node.
        nextIndex: l && l.id !== id ? (l.nextIndex?.[id] ?? 0) : 0,
        matchIndex: l && l.id !== id ? (l.matchIndex?.[id] ?? 0) : 0,
      };
    }),
  );
  const commitUnknown = useLab(selectCommitUnknown(id));
  const discarded = useLab(selectDiscarded(id));
  const { log, commitIndex, lastApplied, snapshotIndex, snapshotTerm, role, founders } = node;
  const stale = staleLeaderText(
    { alive: node.alive, role: node.isLeader ? 'leader' : role, term: node.term },
    leader.leaderId ? { id: leader.leaderId, term: leader.leaderTerm } : undefined,
  );
  // Only while some recovered entry is still dashed.
  const unknown = commitUnknown > commitIndex;
  const compare = leader.leaderLog !== undefined && leader.leaderId !== id;
  const prevConfigs = configsBefore(log, snapshotIndex === 0 ? initialConfig(founders) : undefined);
  const conflicts = (index: number, term: number): boolean => {
    if (!compare || index <= leader.leaderSnapshot) return false;
    const theirs = leader.leaderLog![index - leader.leaderSnapshot - 1];
    return !theirs || theirs.term !== term;
  };
  return (
    <div className={`log-row role-${role}${stale ? ' is-stale' : ''}`}>
      <div className="log-label">
        <span className={`chip role-${role}`} aria-hidden="true">
          {ROLE_LETTER[role]}
        </span>
        <span className="log-node">Node {id}</span>
        <span className="log-indexes">
          commit {commitIndex} · applied {lastApplied}
        </span>
      </div>
      <div className="log-track">
        {snapshotIndex > 0 && (
          <div
            className="log-snapshot"
            style={{ width: `calc(${snapshotIndex} * var(--cell))` }}
            title={`Snapshot of entries 1–${snapshotIndex} (last term ${snapshotTerm})`}
          >
            <span>
              snapshot 1–{snapshotIndex} · t{snapshotTerm}
            </span>
          </div>
        )}
        <ol className="log-list" aria-label={`Log of node ${id}`} onKeyDown={moveFocus}>
          {log.map((e, i) => (
            <LogEntryItem
              prevConfig={prevConfigs[i]}
              key={e.index}
              entry={e}
              committed={e.index <= commitIndex}
              applied={e.index <= lastApplied}
              conflict={conflicts(e.index, e.term)}
              commitPoint={e.index === commitIndex}
              appliedPoint={e.index === lastApplied}
              tabbable={i === log.length - 1}
            />
          ))}
        </ol>
        {log.length === 0 && snapshotIndex === 0 && <span className="log-empty">empty log</span>}
        {leader.nextIndex > 0 && (
          <LeaderPointers leaderId={leader.leaderId} follower={id} next={leader.nextIndex} match={leader.matchIndex} />
        )}
        {(stale || unknown || discarded) && (
          <div className="log-notes">
            {stale && <span className="log-note is-stale">{stale}</span>}
            {unknown && <span className="log-note is-unknown">{node.alive ? COMMIT_UNKNOWN_TEXT : COMMIT_LOST_TEXT}</span>}
            {discarded && (
              <span className="log-note is-discarded">
                discarded{' '}
                {discarded.entries.map((e) => (
                  <s key={e.index} className="discarded-entry">
                    {e.index}·t{e.term} {showCommand(e.command) || 'no-op'}
                  </s>
                ))}{' '}
                — never committed; the term-{discarded.term} leader&rsquo;s log replaced {discarded.entries.length === 1 ? 'it' : 'them'}
              </span>
            )}
          </div>
        )}
      </div>
    </div>
  );
});
