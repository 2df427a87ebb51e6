/**
 * A Raft Lab run in the trace format: what `Download trace` saves, so a run
 * can be diffed with another and imported again. Pure: from the cluster's
 * events (Cluster.trace()) to trace events.
 */
import type { Message, NodeId } from '../raft';
import type { ClusterEvent } from '../sim/types';
import { TRACE_FORMAT, TRACE_VERSION, type TraceEvent, type TraceMessage, type TraceMeta } from './format';

/** An RPC with the fields the format names. */
export function traceMessage(m: Message): TraceMessage {
  switch (m.type) {
    case 'RequestVote':
    case 'PreVote':
      return { type: m.type, term: m.term, lastLogIndex: m.lastLogIndex, lastLogTerm: m.lastLogTerm };
    case 'RequestVoteReply':
    case 'PreVoteReply':
      return { type: m.type, term: m.term, voteGranted: m.voteGranted };
    case 'AppendEntries':
      return {
        type: m.type,
        term: m.term,
        prevLogIndex: m.prevLogIndex,
        prevLogTerm: m.prevLogTerm,
        entries: m.entries.map((e) => ({ term: e.term, command: e.command })),
        leaderCommit: m.leaderCommit,
      };
    case 'AppendEntriesReply':
      return {
        type: m.type,
        term: m.term,
        success: m.success,
        prevLogIndex: m.prevLogIndex,
        matchIndex: m.matchIndex,
        conflictIndex: m.conflictIndex,
        conflictTerm: m.conflictTerm,
      };
    case 'InstallSnapshot':
      return { type: m.type, term: m.term, lastIncludedIndex: m.snapshot.lastIncludedIndex, lastIncludedTerm: m.snapshot.lastIncludedTerm };
    case 'InstallSnapshotReply':
      return { type: m.type, term: m.term, lastIncludedIndex: m.lastIncludedIndex };
    case 'TimeoutNow':
      return { type: m.type, term: m.term };
  }
}

const name = (id: NodeId): string => String(id);

/** The trace events one cluster event becomes (none for those the format has no word for). */
export function traceEventsOf(e: ClusterEvent): TraceEvent[] {
  switch (e.kind) {
    case 'role':
      return [{ t: e.at, node: name(e.node), kind: 'state', role: e.role, term: e.term, reason: e.reason }];
    case 'term':
      return [{ t: e.at, node: name(e.node), kind: 'state', term: e.term }];
    case 'persist':
      return [{ t: e.at, node: name(e.node), kind: 'state', term: e.term, vote: e.votedFor ? name(e.votedFor) : null }];
    case 'vote':
      return [
        { t: e.at, node: name(e.node), kind: 'vote', term: e.term, candidate: name(e.candidate), granted: e.granted, reason: e.reason },
      ];
    case 'append': {
      const out: TraceEvent[] = [];
      if (e.truncatedFrom !== null) out.push({ t: e.at, node: name(e.node), kind: 'truncate', from: e.truncatedFrom });
      if (e.entries.length > 0) {
        out.push({
          t: e.at,
          node: name(e.node),
          kind: 'append',
          index: e.fromIndex,
          entries: e.entries.map((x) => ({ term: x.term, command: x.command })),
        });
      }
      return out;
    }
    case 'commit':
      return [{ t: e.at, node: name(e.node), kind: 'commit', commitIndex: e.commitIndex }];
    case 'apply':
      return [{ t: e.at, node: name(e.node), kind: 'apply', index: e.index, term: e.term, command: e.command }];
    case 'snapshot':
      // A restart's restored snapshot is already the node's (restart starts from it).
      if (e.reason === 'restored') return [];
      return [{ t: e.at, node: name(e.node), kind: 'snapshot', index: e.lastIncludedIndex, term: e.lastIncludedTerm, how: e.reason }];
    case 'config':
      return e.inForce ? [{ t: e.at, node: name(e.node), kind: 'state', voters: e.config.voters.map(name) }] : [];
    case 'send':
    case 'duplicate':
      return [
        {
          t: e.at,
          node: name(e.message.from),
          kind: 'send',
          to: name(e.message.to),
          id: String(e.message.id),
          msg: traceMessage(e.message.payload),
          deliverAt: e.message.deliverAt,
        },
      ];
    case 'deliver':
      return [
        {
          t: e.at,
          node: name(e.message.to),
          kind: 'receive',
          from: name(e.message.from),
          id: String(e.message.id),
          msg: traceMessage(e.message.payload),
        },
      ];
    case 'drop':
      return [
        { t: e.at, node: name(e.message.to), kind: 'drop', from: name(e.message.from), to: name(e.message.to), id: String(e.message.id) },
      ];
    case 'crash':
      return [{ t: e.at, node: name(e.node), kind: 'crash', reason: e.reason }];
    case 'restart':
      return [{ t: e.at, node: name(e.node), kind: 'restart' }];
    case 'added':
      // A node added later starts in no configuration; it learns one from the leader (thesis §4.2.1).
      return [{ t: e.at, node: name(e.node), kind: 'state', voters: [] }];
    default:
      return [];
  }
}

/** A run's meta line. */
export function traceMeta(ids: readonly NodeId[], source: string): TraceMeta {
  return { kind: 'meta', format: TRACE_FORMAT, version: TRACE_VERSION, nodes: ids.map(name), source };
}

/**
 * A whole run as NDJSON text (a meta line, then one event per line).
 * `initialVoters`: the founding configuration (1..nodes of the run's
 * options), stated at time 0 so that the checker counts majorities as the
 * run did once members come and go (thesis §4.1); omitted, every node of
 * the trace is a voter.
 */
export function exportNdjson(
  ids: readonly NodeId[],
  events: readonly ClusterEvent[],
  source = 'Raft Lab',
  initialVoters?: readonly NodeId[],
): string {
  const lines = [JSON.stringify(traceMeta(ids, source))];
  const t = events[0]?.at ?? 0;
  if (initialVoters) {
    for (const id of initialVoters) {
      lines.push(JSON.stringify({ t, node: name(id), kind: 'state', voters: initialVoters.map(name) } satisfies TraceEvent));
    }
  }
  for (const e of events) for (const t of traceEventsOf(e)) lines.push(JSON.stringify(t));
  return `${lines.join('\n')}\n`;
}
