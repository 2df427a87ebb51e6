/**
 * Test helpers for driving RaftNode directly: a node factory, a disk that
 * applies PersistOps, and a tiny synchronous network (an array of messages)
 * that wires several nodes together. No cluster, no clock but `now`.
 */
import {
  RaftNode,
  type AppendEntries,
  type AppendEntriesReply,
  type CoreEvent,
  type InstallSnapshot,
  type RequestVote,
  type RequestVoteReply,
  type Entry,
  type FaultName,
  type Message,
  type NodeId,
  type PersistOp,
  type PersistentState,
  type Ready,
  type Snapshot,
} from '../../src/raft';
import { createRandom } from '../../src/sim';

export const ELECTION_MS: [number, number] = [150, 300];
export const HEARTBEAT_MS = 50;

/** A seeded PRNG (the simulation's own), so every run of a test is the same run. */
export function seeded(seed: number): () => number {
  return createRandom(seed);
}

/** A log whose entry i+1 has term terms[i]; commands are `k<index>=<term>`. */
export function logOf(...terms: number[]): Entry[] {
  return terms.map((term, i) => ({ index: i + 1, term, command: `k${i + 1}=${term}` }));
}

/** `n` entries of one term starting at `from`. */
export function entriesOfTerm(from: number, n: number, term: number): Entry[] {
  return Array.from({ length: n }, (_, i) => ({ index: from + i, term, command: `k${from + i}=${term}` }));
}

export interface NodeOptions {
  id: NodeId;
  /** Every node of the cluster; default [1, 2, 3]. */
  nodes?: NodeId[];
  term?: number;
  votedFor?: NodeId;
  log?: Entry[];
  snapshot?: Snapshot | null;
  snapshotThreshold?: number;
  leaderNoop?: boolean;
  /** Lab bug switches (src/raft/faults.ts); default none. */
  faults?: FaultName[];
  electionTimeoutMs?: [number, number];
  random?: () => number;
  now?: number;
  /** Thesis §9.6, §6.2 (default off). */
  preVote?: boolean;
  checkQuorum?: boolean;
}

export function stored(o: Pick<NodeOptions, 'term' | 'votedFor' | 'log' | 'snapshot'>): PersistentState {
  return {
    hardState: { term: o.term ?? 0, votedFor: o.votedFor ?? 0 },
    snapshot: o.snapshot ?? null,
    entries: o.log ?? [],
  };
}

export function newNode(o: NodeOptions): RaftNode {
  return new RaftNode(
    {
      id: o.id,
      nodes: o.nodes ?? [1, 2, 3],
      electionTimeoutMs: o.electionTimeoutMs ?? ELECTION_MS,
      heartbeatMs: HEARTBEAT_MS,
      snapshotThreshold: o.snapshotThreshold ?? 0,
      leaderNoop: o.leaderNoop ?? false,
      faults: o.faults ?? [],
      random: o.random ?? seeded(o.id),
      ...(o.preVote ? { preVote: true } : {}),
      ...(o.checkQuorum ? { checkQuorum: true } : {}),
    },
    stored(o),
    o.now ?? 0,
  );
}

// Message builders: the RPCs of Figure 2 and Figure 13, spelled out.

export function requestVote(from: NodeId, to: NodeId, term: number, lastLogIndex = 0, lastLogTerm = 0): RequestVote {
  return { type: 'RequestVote', from, to, term, lastLogIndex, lastLogTerm };
}

export function voteReply(from: NodeId, to: NodeId, term: number, voteGranted: boolean): RequestVoteReply {
  return { type: 'RequestVoteReply', from, to, term, voteGranted };
}

export function appendEntries(
  from: NodeId,
  to: NodeId,
  term: number,
  prevLogIndex: number,
  prevLogTerm: number,
  entries: Entry[] = [],
  leaderCommit = 0,
): AppendEntries {
  return { type: 'AppendEntries', from, to, term, prevLogIndex, prevLogTerm, entries, leaderCommit };
}

export function appendReply(from: NodeId, to: NodeId, term: number, success: boolean, matchIndex = 0): AppendEntriesReply {
  return { type: 'AppendEntriesReply', from, to, term, success, prevLogIndex: matchIndex, matchIndex, conflictIndex: 0, conflictTerm: 0 };
}

export function installSnapshot(from: NodeId, to: NodeId, term: number, snapshot: Snapshot): InstallSnapshot {
  return { type: 'InstallSnapshot', from, to, term, snapshot };
}

/** Messages of one type from a Ready (typed). */
export function ofType<T extends Message['type']>(msgs: readonly Message[], type: T): Extract<Message, { type: T }>[] {
  return msgs.filter((m): m is Extract<Message, { type: T }> => m.type === type);
}

/** Events of one kind (typed). */
export function eventsOf<K extends CoreEvent['kind']>(events: readonly CoreEvent[], kind: K): Extract<CoreEvent, { kind: K }>[] {
  return events.filter((e): e is Extract<CoreEvent, { kind: K }> => e.kind === kind);
}

/** The only message of a Ready, which must be of `type`. */
export function only<T extends Message['type']>(ready: Ready, type: T): Extract<Message, { type: T }> {
  const found = ofType(ready.messages, type);
  if (found.length !== 1 || ready.messages.length !== 1) {
    throw new Error(`expected exactly one ${type}, got ${ready.messages.map((m) => m.type).join(', ') || 'nothing'}`);
  }
  return found[0]!;
}

/** A node's stable storage: applies PersistOps in order, as a host must. */
export class Disk {
  term = 0;
  votedFor: NodeId = 0;
  snapshot: Snapshot | null = null;
  entries: Entry[] = [];

  apply(ops: readonly PersistOp[]): void {
    for (const op of ops) {
      if (op.kind === 'hardState') {
        this.term = op.hardState.term;
        this.votedFor = op.hardState.votedFor;
      } else if (op.kind === 'entries') {
        const base = this.snapshot?.lastIncludedIndex ?? 0;
        this.entries.length = op.fromIndex - base - 1;
        this.entries.push(...op.entries);
      } else {
        const base = this.snapshot?.lastIncludedIndex ?? 0;
        this.entries = op.discardLog ? [] : this.entries.slice(op.snapshot.lastIncludedIndex - base);
        this.snapshot = op.snapshot;
      }
    }
  }

  load(): PersistentState {
    return { hardState: { term: this.term, votedFor: this.votedFor }, snapshot: this.snapshot, entries: this.entries.slice() };
  }
}

/**
 * Several RaftNodes wired by an array. `collect()` drains every node's Ready
 * the way a host must (persist, then send); `deliverRound()` hands every
 * queued message to its receiver. Messages to an isolated node, from one, or
 * to a node not in the net are dropped at send time.
 */
export class Net {
  readonly nodes = new Map<NodeId, RaftNode>();
  readonly disks = new Map<NodeId, Disk>();
  /** Messages sent and not yet delivered, in send order. */
  queue: Message[] = [];
  /** Every message ever sent (before drops), in order. */
  readonly sent: Message[] = [];
  /** Every event, in order. */
  readonly events: CoreEvent[] = [];
  readonly isolated = new Set<NodeId>();
  now = 0;
  /** Every node of the cluster's configuration, modelled here or not. */
  readonly members: NodeId[];

  constructor(nodes: RaftNode[], members?: NodeId[]) {
    this.members = members ?? nodes.map((n) => n.id).sort((a, b) => a - b);
    for (const node of nodes) {
      this.nodes.set(node.id, node);
      this.disks.set(node.id, new Disk());
    }
    this.collect();
  }

  node(id: NodeId): RaftNode {
    const node = this.nodes.get(id);
    if (!node) throw new Error(`no node ${id}`);
    return node;
  }

  /** Commands each node applied, in order, across restarts. */
  applied(id: NodeId): { index: number; command: string }[] {
    return eventsOf(this.events, 'apply')
      .filter((e) => e.node === id)
      .map((e) => ({ index: e.index, command: e.command }));
  }

  collect(): void {
    for (const [id, node] of this.nodes) {
      const ready = node.takeReady();
      this.disks.get(id)!.apply(ready.persist);
      this.events.push(...ready.events);
      for (const m of ready.messages) {
        this.sent.push(m);
        if (this.nodes.has(m.to) && !this.isolated.has(m.to) && !this.isolated.has(m.from)) this.queue.push(m);
      }
    }
  }

  /** Delivers every message queued now (not those they cause); returns how many. */
  deliverRound(): number {
    const batch = this.queue;
    this.queue = [];
    for (const m of batch) {
      this.node(m.to).step(m, this.now);
      this.collect();
    }
    return batch.length;
  }

  /** Delivers rounds until nothing is in flight; returns the number of rounds. */
  settle(maxRounds = 200): number {
    let rounds = 0;
    while (this.queue.length > 0) {
      if (++rounds > maxRounds) throw new Error(`network did not settle in ${maxRounds} rounds`);
      this.deliverRound();
    }
    return rounds;
  }

  /** Advances the clock and ticks every node. */
  tick(ms: number): void {
    this.now += ms;
    for (const node of this.nodes.values()) node.tick(this.now);
    this.collect();
  }

  /** Makes `id` campaign now and delivers until quiet. */
  elect(id: NodeId): void {
    this.node(id).timeout(this.now);
    this.collect();
    this.settle();
  }

  propose(id: NodeId, command: string): { index: number; term: number; isLeader: boolean } {
    const result = this.node(id).propose(command, this.now);
    this.collect();
    return result;
  }

  /** A fresh RaftNode for `id` from what its disk holds; volatile state is lost. */
  restart(id: NodeId, o: Omit<NodeOptions, 'id' | 'term' | 'votedFor' | 'log' | 'snapshot'> = {}): RaftNode {
    this.node(id);
    const disk = this.disks.get(id)!.load();
    const node = newNode({
      ...o,
      id,
      nodes: o.nodes ?? this.members,
      term: disk.hardState.term,
      votedFor: disk.hardState.votedFor,
      log: [...disk.entries],
      snapshot: disk.snapshot,
      now: this.now,
      random: o.random ?? seeded(id * 1000 + this.now),
    });
    this.queue = this.queue.filter((m) => m.to !== id);
    this.nodes.set(id, node);
    this.collect();
    return node;
  }
}

/**
 * Makes `node` campaign at `now` and win with votes from `voters`
 * (hand-delivered RequestVoteReplies); returns the Ready of its victory.
 */
export function winElection(node: RaftNode, voters: NodeId[], now = 0): Ready {
  node.timeout(now);
  node.takeReady();
  for (const voter of voters) node.step(voteReply(voter, node.id, node.term, true), now);
  if (node.role !== 'leader') throw new Error(`node ${node.id} did not win with votes from ${voters.join(', ')}`);
  return node.takeReady();
}
