/**
 * One readable sentence per cluster event, in the paper's words, with the
 * reason the core or the network gave ("Node 2 rejected AppendEntries from
 * node 1: it has no entry at index 7").
 */
import { describeWhy, type Configuration, type Entry, type Message, type Why } from '../raft';
import type { ClusterEvent, InFlightMessage, NetworkOptions } from '../sim';
import type { NarrationCategory } from './types';
import { revealInvisible } from './characters';

export interface Narration {
  readonly category: NarrationCategory;
  readonly node: number | null;
  readonly text: string;
}

/** Why a node starts an election; the matching 'term' and 'role' events say nothing new. */
/** A term event that repeats what the 'timeout' line says (the node started an election). */
function isCampaign(e: { why?: Why; reason: string }): boolean {
  if (e.why) return e.why.code === 'election-timeout' || e.why.code === 'told-to-time-out';
  return e.reason === describeWhy({ code: 'election-timeout' }) || e.reason === describeWhy({ code: 'told-to-time-out' });
}

/**
 * Shows a command the way the logs do: '' is a leader's no-op (§8), and an
 * invisible character (from the headless API or a disk; the command box
 * refuses them) shows as ⟨U+XXXX⟩, so the view never hides what is stored.
 */
export function showCommand(command: string): string {
  return command === '' ? 'no-op' : revealInvisible(command);
}

/** "voters 1, 2, 3, learner 6": a configuration (thesis §4.1) in words. */
export function describeConfig(config: Configuration): string {
  const voters = `voter${config.voters.length === 1 ? '' : 's'} ${config.voters.join(', ') || 'none'}`;
  if (config.learners.length === 0) return voters;
  return `${voters}; learner${config.learners.length === 1 ? '' : 's'} ${config.learners.join(', ')}`;
}

/** An entry's content as the logs show it: a command, a no-op, or a configuration entry (thesis §4.1). */
export function showEntry(entry: Entry): string {
  return entry.config ? `configuration: ${describeConfig(entry.config)}` : showCommand(entry.command);
}

function entryRange(entries: readonly Entry[]): string {
  const first = entries[0];
  const last = entries[entries.length - 1];
  if (!first || !last) return 'no entries';
  if (first === last) return `entry ${first.index} (term ${first.term}, ${showEntry(first)})`;
  return `entries ${first.index}–${last.index}`;
}

/** "heartbeat" for an empty AppendEntries, the type otherwise, with a reply's outcome. */
export function describeMessage(m: Message): string {
  switch (m.type) {
    case 'AppendEntries':
      return m.entries.length === 0 ? 'a heartbeat (AppendEntries)' : `AppendEntries with ${entryRange(m.entries)}`;
    case 'RequestVote':
      return `RequestVote for term ${m.term}`;
    case 'RequestVoteReply':
      return `a vote reply (${m.voteGranted ? 'granted' : 'denied'})`;
    case 'AppendEntriesReply':
      return `an AppendEntries reply (${m.success ? `success, match ${m.matchIndex}` : 'failure'})`;
    case 'InstallSnapshot':
      return `InstallSnapshot up to index ${m.snapshot.lastIncludedIndex}`;
    case 'InstallSnapshotReply':
      return 'an InstallSnapshot reply';
    case 'PreVote':
      return `PreVote for term ${m.term} (would you vote for me?)`;
    case 'PreVoteReply':
      return `a pre-vote reply (${m.voteGranted ? 'yes' : 'no'})`;
    case 'TimeoutNow':
      return 'TimeoutNow (start an election now)';
  }
}

function route(m: InFlightMessage): string {
  return `${m.type} ${m.from} → ${m.to}`;
}

const DROP_REASONS: Record<string, string> = {
  lost: 'was lost by the network (drop rate)',
  'link down': 'was dropped: the link is cut or a cable is unplugged',
  'receiver crashed': 'was dropped: the receiver is down',
  'by user': 'was dropped by you',
};

/** New network settings (the event's data) as "delay 15–25 ms, drop 2 %". */
function describeSettings(o: NetworkOptions, action: string): string {
  const parts: string[] = [];
  if (o.delayMs) parts.push(`delay ${o.delayMs[0]}–${o.delayMs[1]} ms`);
  if (o.dropRate !== undefined) parts.push(`drop ${Math.round(o.dropRate * 100)} %`);
  if (o.duplicateRate !== undefined) parts.push(`duplicate ${Math.round(o.duplicateRate * 100)} %`);
  if (o.longDelayRate !== undefined) parts.push(`long delays ${Math.round(o.longDelayRate * 100)} %`);
  return parts.length ? `settings now ${parts.join(', ')}` : action;
}

/** A leadership transfer's phase (thesis §3.10) in words. */
function transferText(leader: number, to: number, phase: 'started' | 'timeoutNow' | 'abandoned'): string {
  switch (phase) {
    case 'started':
      return `Node ${leader} began handing leadership to node ${to}: it takes no new commands and catches node ${to} up (thesis §3.10)`;
    case 'timeoutNow':
      return `Node ${leader} sent TimeoutNow to node ${to}, now caught up: it will start an election at once (thesis §3.10)`;
    case 'abandoned':
      return `Node ${leader} gave up handing leadership to node ${to}: no election within an election timeout; it takes commands again (thesis §3.10)`;
  }
}

/** The sentence for one event, or null when the event repeats what another line says. */
export function narrate(e: ClusterEvent): Narration | null {
  switch (e.kind) {
    case 'timeout':
      return {
        category: 'election',
        node: e.node,
        text: (e.why ? e.why.code === 'told-to-time-out' : e.reason === describeWhy({ code: 'told-to-time-out' }))
          ? `Node ${e.node} was told to time out and started an election for term ${e.term}`
          : `Node ${e.node} timed out and started an election for term ${e.term}`,
      };
    case 'term':
      if (isCampaign(e)) return null;
      return { category: 'election', node: e.node, text: `Node ${e.node} moved to term ${e.term}: ${e.reason}` };
    case 'role':
      if (e.role === 'candidate') return null; // the 'timeout' line says it
      if (e.role === 'leader') {
        return { category: 'election', node: e.node, text: `Node ${e.node} became leader for term ${e.term}: ${e.reason}` };
      }
      return { category: 'election', node: e.node, text: `Node ${e.node} stepped down to follower in term ${e.term}: ${e.reason}` };
    case 'vote':
      return {
        category: 'election',
        node: e.node,
        text: e.granted
          ? `Node ${e.node} voted for node ${e.candidate} in term ${e.term}: ${e.reason}`
          : `Node ${e.node} refused its vote to node ${e.candidate} in term ${e.term}: ${e.reason}`,
      };
    case 'append': {
      const truncated = e.truncatedFrom === null ? '' : `, after deleting its conflicting entries from index ${e.truncatedFrom}`;
      return { category: 'replication', node: e.node, text: `Node ${e.node} appended ${entryRange(e.entries)}${truncated}` };
    }
    case 'reject':
      return { category: 'replication', node: e.node, text: `Node ${e.node} rejected AppendEntries from node ${e.leader}: ${e.reason}` };
    case 'commit':
      return { category: 'replication', node: e.node, text: `Node ${e.node} committed up to index ${e.commitIndex}` };
    case 'apply':
      return {
        category: 'replication',
        node: e.node,
        text: `Node ${e.node} applied entry ${e.index} (${showCommand(e.command)}) to its key–value store`,
      };
    case 'snapshot': {
      const upTo = `up to index ${e.lastIncludedIndex} (term ${e.lastIncludedTerm})`;
      const text =
        e.reason === 'compacted'
          ? `Node ${e.node} compacted its log into a snapshot ${upTo}`
          : e.reason === 'installed'
            ? `Node ${e.node} installed the leader's snapshot ${upTo}`
            : `Node ${e.node} restored its snapshot ${upTo} from disk`;
      return { category: 'replication', node: e.node, text };
    }
    case 'send':
      return {
        category: 'message',
        node: e.message.from,
        text: `Node ${e.message.from} sent ${describeMessage(e.message.payload)} to node ${e.message.to}`,
      };
    case 'duplicate':
      return { category: 'message', node: e.message.from, text: `The network duplicated ${route(e.message)}` };
    case 'deliver':
      return {
        category: 'message',
        node: e.message.to,
        text: `Node ${e.message.to} received ${describeMessage(e.message.payload)} from node ${e.message.from}`,
      };
    case 'drop':
      return {
        category: e.reason === 'by user' || e.reason === 'lost' ? 'fault' : 'message',
        node: e.message.from,
        text: `${route(e.message)} ${DROP_REASONS[e.reason] ?? `was dropped: ${e.reason}`}`,
      };
    case 'crash':
      return {
        category: 'fault',
        node: e.node,
        text: (e.cause ? e.cause === 'user' : e.reason === 'crashed by the user')
          ? `Node ${e.node} crashed: its volatile state is gone, its disk (term, vote, log) survives`
          : `Node ${e.node} went down: ${e.reason}`,
      };
    case 'restart':
      return { category: 'fault', node: e.node, text: `Node ${e.node} restarted from its disk as a follower` };
    case 'preCampaign':
      return {
        category: 'election',
        node: e.node,
        text: `Node ${e.node} timed out and asked for pre-votes for term ${e.term}, its own term unchanged (PreVote, thesis §9.6)`,
      };
    case 'preVote':
      return {
        category: 'election',
        node: e.node,
        text: e.granted
          ? `Node ${e.node} would vote for node ${e.candidate} in term ${e.term} (pre-vote granted, nothing changed on its disk): ${e.reason}`
          : `Node ${e.node} would not vote for node ${e.candidate} in term ${e.term} (pre-vote denied): ${e.reason}`,
      };
    case 'config':
      return {
        category: 'replication',
        node: e.node,
        text:
          e.index === 0
            ? `Node ${e.node} is back to the initial configuration (${describeConfig(e.config)}) (thesis §4.1)`
            : e.committed
              ? `Node ${e.node}: the configuration of entry ${e.index} (${describeConfig(e.config)}) is committed (thesis §4.1)`
              : `Node ${e.node} now uses the configuration of entry ${e.index} (${describeConfig(e.config)}), in force as soon as it is in the log (thesis §4.1)`,
      };
    case 'transfer':
      return { category: 'election', node: e.node, text: transferText(e.node, e.to, e.phase) };
    case 'added':
      return {
        category: 'fault',
        node: e.node,
        text: `Node ${e.node} was added with an empty disk: the leader will catch it up as a learner, then make it a voter (thesis §4.2.1)`,
      };
    case 'removed':
      return {
        category: 'fault',
        node: e.node,
        text: `Node ${e.node} was removed: entry ${e.index}, which takes it out of the configuration, is committed, so it was shut down (thesis §4.1)`,
      };
    case 'recover':
      return {
        category: 'fault',
        node: e.node,
        text: `Node ${e.node} came back from its disk after a page reload: term ${e.term}, ${e.votedFor ? `voted for node ${e.votedFor}` : 'no vote'}, log up to index ${e.lastIndex}${e.snapshotIndex ? ` (snapshot to ${e.snapshotIndex})` : ''}`,
      };
    case 'persist':
      return {
        category: 'storage',
        node: e.node,
        text: `Node ${e.node} saved term ${e.term}, vote ${e.votedFor === 0 ? 'none' : `for node ${e.votedFor}`} and its log up to index ${e.lastIndex} to disk`,
      };
    case 'network':
      return { category: 'fault', node: null, text: `Network: ${e.settings ? describeSettings(e.settings, e.action) : e.action}` };
    case 'error':
      return { category: 'fault', node: e.node, text: `Error${e.node === null ? '' : ` at node ${e.node}`}: ${e.message}` };
  }
}
