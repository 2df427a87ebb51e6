/**
 * What scenario scripts print (src/sim/script.ts): one short line per event,
 * and the state commands' tables. Everything here is a pure function of the
 * cluster's events and views, so the same seed prints the same text.
 */
import type { Configuration, Entry, Message } from '../raft';
import type { CommittedEntry } from './safety';
import type { ClusterEvent, InFlightMessage, NodeView } from './types';

/**
 * How much a command narrates: `quiet` nothing; `events` what changes a
 * node (elections, votes, terms, appends, rejections, commits, applies,
 * snapshots, crashes, restarts, errors); `verbose` also every message sent,
 * duplicated or dropped and every write to disk.
 */
export type Narration = 'quiet' | 'events' | 'verbose';

export const NARRATIONS: readonly Narration[] = ['quiet', 'events', 'verbose'];

/** `index@term:command`, as in `expect log`. */
export function entryText(e: Entry): string {
  if (e.config) return `${e.index}@${e.term}:{${configText(e.config)}}`;
  return `${e.index}@${e.term}:${e.command}`;
}

/** A configuration as `voters=1,2,3 learners=4` (thesis §4.1). */
export function configText(c: Configuration): string {
  return `voters=${c.voters.join(',')}${c.learners.length ? ` learners=${c.learners.join(',')}` : ''}`;
}

/** The fields of a message that decide what its receiver does (Figure 2). */
export function messageText(m: Message): string {
  switch (m.type) {
    case 'RequestVote':
      return `RequestVote term=${m.term} last=${m.lastLogIndex}@${m.lastLogTerm}`;
    case 'RequestVoteReply':
      return `RequestVoteReply term=${m.term} ${m.voteGranted ? 'granted' : 'refused'}`;
    case 'AppendEntries': {
      const entries = m.entries.length ? ` entries=${m.entries.map(entryText).join(',')}` : '';
      return `AppendEntries term=${m.term} prev=${m.prevLogIndex}@${m.prevLogTerm} commit=${m.leaderCommit}${entries}`;
    }
    case 'AppendEntriesReply':
      return m.success
        ? `AppendEntriesReply term=${m.term} ok match=${m.matchIndex}`
        : `AppendEntriesReply term=${m.term} refused conflict=${m.conflictIndex}@${m.conflictTerm}`;
    case 'InstallSnapshot':
      return `InstallSnapshot term=${m.term} snapshot=${m.snapshot.lastIncludedIndex}@${m.snapshot.lastIncludedTerm}`;
    case 'InstallSnapshotReply':
      return `InstallSnapshotReply term=${m.term} index=${m.lastIncludedIndex}`;
    case 'PreVote':
      return `PreVote term=${m.term} last=${m.lastLogIndex}@${m.lastLogTerm}`;
    case 'PreVoteReply':
      return `PreVoteReply term=${m.term} ${m.voteGranted ? 'granted' : 'refused'}`;
    case 'TimeoutNow':
      return `TimeoutNow term=${m.term}`;
  }
}

function wire(m: InFlightMessage): string {
  return `n${m.from}->n${m.to} ${messageText(m.payload)}`;
}

/**
 * Turns the event stream into lines, `t=<virtual ms> <who> <what>`. Keeps a
 * little memory so that one happening reads as one line: a timeout stands
 * for the term and candidate events that follow it, and the applies that
 * follow a commit join its line.
 */
export class Narrator {
  private lines: string[] = [];
  /** Node and term of the last timeout: its term and candidate events are implied. */
  private campaign: { node: number; term: number } | null = null;
  /** The line that the next apply of this node, at this time, extends. */
  private applyLine: { node: number; at: number; index: number; applies: boolean } | null = null;
  /** The line of the last message sent, which a drop on the spot replaces. */
  private sendLine: { id: number; index: number } | null = null;

  /** Narration of what is narrated now. */
  level: Narration = 'events';

  /** Everything narrated since the last take(). */
  take(): string[] {
    const out = this.lines;
    this.lines = [];
    this.applyLine = null;
    this.sendLine = null;
    return out;
  }

  /** Lists messages already on the wire (sent before this command), as if sent now. */
  onTheWire(messages: readonly InFlightMessage[]): void {
    if (this.level !== 'verbose') return;
    for (const m of messages) this.lines.push(`t=${m.sentAt} ${wire(m)} (due t=${m.deliverAt})${m.duplicate ? ' duplicate' : ''}`);
  }

  observe(e: ClusterEvent): void {
    if (this.level === 'quiet') return;
    const text = this.describe(e);
    if (text === null) return;
    if (e.kind === 'drop' && this.sendLine?.id === e.message.id && e.message.sentAt === e.at) {
      // Dropped as it was sent (a cut link or cable): one line says both.
      this.lines[this.sendLine.index] = `t=${e.at} ${text}`;
      this.sendLine = null;
      return;
    }
    const joined = this.applyLine;
    if (e.kind === 'apply' && joined?.node === e.node && joined.at === e.at) {
      this.lines[joined.index] += `${joined.applies ? '' : ', applies'} ${entryText(e)}`;
      joined.applies = true;
      return;
    }
    this.lines.push(`t=${e.at} ${text}`);
    this.applyLine =
      e.kind === 'commit' || e.kind === 'apply'
        ? { node: e.node, at: e.at, index: this.lines.length - 1, applies: e.kind === 'apply' }
        : null;
    this.sendLine = e.kind === 'send' ? { id: e.message.id, index: this.lines.length - 1 } : null;
  }

  private describe(e: ClusterEvent): string | null {
    const verbose = this.level === 'verbose';
    switch (e.kind) {
      case 'timeout':
        this.campaign = { node: e.node, term: e.term };
        return `n${e.node} times out and campaigns for term ${e.term} (${e.reason})`;
      case 'term':
        if (this.campaign?.node === e.node && this.campaign.term === e.term) return null;
        return `n${e.node} term ${e.term} (${e.reason})`;
      case 'role':
        if (e.role === 'candidate' && this.campaign?.node === e.node && this.campaign.term === e.term) return null;
        if (e.role === 'leader') return `n${e.node} becomes leader of term ${e.term} (${e.reason})`;
        return `n${e.node} becomes ${e.role} in term ${e.term} (${e.reason})`;
      case 'vote':
        return e.granted
          ? `n${e.node} votes for n${e.candidate} in term ${e.term} (${e.reason})`
          : `n${e.node} refuses n${e.candidate} in term ${e.term} (${e.reason})`;
      case 'append': {
        const cut = e.truncatedFrom === null ? '' : ` after deleting from index ${e.truncatedFrom}`;
        const entries = e.entries.length ? e.entries.map(entryText).join(' ') : 'nothing';
        return `n${e.node} appends ${entries}${cut}`;
      }
      case 'reject':
        return `n${e.node} rejects AppendEntries from n${e.leader} (${e.reason})`;
      case 'commit':
        return `n${e.node} commits through ${e.commitIndex}`;
      case 'apply':
        return `n${e.node} applies ${entryText(e)}`;
      case 'snapshot':
        return `n${e.node} snapshot through ${e.lastIncludedIndex}@${e.lastIncludedTerm} (${e.reason})`;
      case 'preCampaign':
        return `n${e.node} times out and asks for pre-votes for term ${e.term} (${e.reason})`;
      case 'preVote':
        return e.granted
          ? `n${e.node} would vote for n${e.candidate} in term ${e.term} (${e.reason})`
          : `n${e.node} would not vote for n${e.candidate} in term ${e.term} (${e.reason})`;
      case 'config':
        return `n${e.node} configuration ${configText(e.config)}${e.committed ? ' committed' : ''} (entry ${e.index})`;
      case 'transfer':
        return `n${e.node} transfer to n${e.to}: ${e.phase} (${e.reason})`;
      case 'added':
        return `n${e.node} is added (empty disk)`;
      case 'removed':
        return `n${e.node} is removed (entry ${e.index} committed) and shut down`;
      case 'crash':
        return `n${e.node} crashes (${e.reason})`;
      case 'restart':
        return `n${e.node} restarts from its disk`;
      case 'recover':
        return verbose ? `n${e.node} recovers term=${e.term} vote=${e.votedFor} last=${e.lastIndex} snapshot=${e.snapshotIndex}` : null;
      case 'persist':
        return verbose ? `n${e.node} persists term=${e.term} vote=${e.votedFor} last=${e.lastIndex}` : null;
      case 'send':
        return verbose ? `${wire(e.message)} (due t=${e.message.deliverAt})` : null;
      case 'duplicate':
        return verbose ? `${wire(e.message)} duplicated (due t=${e.message.deliverAt})` : null;
      case 'drop':
        return verbose ? `${wire(e.message)} dropped (${e.reason})` : null;
      case 'deliver':
      case 'network':
        return null;
      case 'error':
        return `error${e.node === null ? '' : ` at n${e.node}`}: ${e.message}`;
    }
  }
}

/**
 * `status`: one line per node. A crashed node shows `crashed` for its role
 * and what its disk holds (commit and applied are volatile: 0 or its snapshot).
 */
export function statusLine(n: NodeView, connected: boolean): string {
  const parts = [
    `n${n.id}`,
    (n.alive ? n.role : 'crashed').padEnd(9),
    `term=${n.term}`,
    `vote=${n.votedFor}`,
    `commit=${n.commitIndex}`,
    `applied=${n.lastApplied}`,
    `last=${n.snapshotIndex + n.log.length}`,
  ];
  if (n.snapshotIndex > 0) parts.push(`snapshot=${n.snapshotIndex}@${n.snapshotTerm}`);
  if (n.alive && n.role === 'candidate') parts.push(`votes=${[...n.votes].sort((a, b) => a - b).join(',')}`);
  if (!connected) parts.push('unplugged');
  return parts.join(' ');
}

/**
 * `log N`: the node's log on one line, `|` right after its commitIndex
 * (everything left of the bar is committed), the snapshot as `[i@t]`.
 */
export function logLine(n: NodeView): string {
  const words: string[] = [];
  if (n.snapshotIndex > 0) words.push(`[${n.snapshotIndex}@${n.snapshotTerm}]`);
  if (n.commitIndex <= n.snapshotIndex) words.push('|');
  for (const e of n.log) {
    words.push(entryText(e));
    if (e.index === n.commitIndex) words.push('|');
  }
  return words.join(' ');
}

/** `progress N`: the leader's nextIndex and matchIndex for each follower (Figure 2). */
export function progressLines(n: NodeView): string[] {
  if (!n.alive || n.role !== 'leader' || !n.matchIndex || !n.nextIndex) {
    return [`n${n.id} is not a leader (${n.alive ? n.role : 'crashed'})`];
  }
  const match = n.matchIndex;
  const next = n.nextIndex;
  return Object.keys(match)
    .map(Number)
    .sort((a, b) => a - b)
    .map((peer) => `n${peer} match=${match[peer]} next=${next[peer]}`);
}

/** `committed`: every entry the safety monitor saw committed, by any node, so far. */
export function committedLine(commitIndex: number, at: (index: number) => CommittedEntry | undefined): string {
  const words: string[] = [];
  for (let i = 1; i <= commitIndex; i++) {
    const e = at(i);
    words.push(e ? entryText(e) : `${i}@?`);
  }
  return `through ${commitIndex}: ${words.join(' ') || '(nothing)'}`;
}
