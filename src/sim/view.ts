/**
 * The one builder of a NodeView, for every transport and for crashed nodes:
 * durable fields from the node's disk (the inline disk, or the mirror of a
 * worker's IndexedDB), volatile fields from the running node (none for a
 * crashed one), and the key–value state it has applied.
 */
import { configOfEntries, type Configuration, type NodeId, type RaftNode, type Role } from '../raft';
import type { MemoryStorage } from './storage';
import type { NodeView } from './types';

/** A node's volatile state (Figure 2) as a host reports it; the durable part is on its disk. */
export interface VolatileState {
  role: Role;
  commitIndex: number;
  lastApplied: number;
  /** Leader it last heard from this term (0: none). */
  leader: NodeId;
  /** Leader only: per follower. */
  nextIndex: Record<number, number> | null;
  matchIndex: Record<number, number> | null;
  /** Candidate only: votes granted, itself included. */
  votes: NodeId[];
  /** Virtual ms when the election timer fires (Infinity on a leader). */
  electionDeadline: number;
  /** The current randomized election timeout, virtual ms. */
  electionTimeout: number;
  /** Thesis §9.6: asking for pre-votes. */
  preCandidate: boolean;
  /** Leader only: a leadership transfer's target (§3.10), 0 if none. */
  transferee: NodeId;
  /** Leader only: a configuration change is uncommitted or held (§4.1). */
  configChangePending: boolean;
}

/** The core's volatile state. */
export function volatileOf(core: RaftNode): VolatileState {
  const progress = core.progressRecords();
  return {
    role: core.role,
    commitIndex: core.commitIndex,
    lastApplied: core.lastApplied,
    leader: core.leader,
    nextIndex: progress?.nextIndex ?? null,
    matchIndex: progress?.matchIndex ?? null,
    votes: core.role === 'candidate' ? [...core.votesGranted] : [],
    electionDeadline: core.electionDeadline,
    electionTimeout: core.electionTimeout,
    preCandidate: core.preCandidate,
    transferee: core.transferee,
    configChangePending: core.role === 'leader' && core.configChangePending,
  };
}

/** The initial configuration of a node: every founding node a voter; nothing for a node added later (it learns it from the leader). */
export function initialConfig(nodes: readonly NodeId[]): Configuration {
  return { voters: [...nodes].sort((a, b) => a - b), learners: [] };
}

/**
 * A NodeView. Without volatile state (crashed, or not booted yet) the node
 * shows what a restart would start from: a follower whose commitIndex and
 * lastApplied are its snapshot's index, and `kv` the snapshot's data.
 */
export function nodeView(
  id: NodeId,
  disk: MemoryStorage,
  volatile: VolatileState | null,
  alive: boolean,
  kv: Readonly<Record<string, string>> | undefined,
  /** The voters it started with (RaftConfig.nodes): its configuration until its log holds one (§4.1). */
  initialVoters: readonly NodeId[],
): NodeView {
  const snapshot = disk.storedSnapshot;
  const snapshotIndex = snapshot?.lastIncludedIndex ?? 0;
  const v = volatile;
  return {
    id,
    alive,
    role: v?.role ?? 'follower',
    term: disk.currentTerm,
    votedFor: disk.vote,
    commitIndex: v?.commitIndex ?? snapshotIndex,
    lastApplied: v?.lastApplied ?? snapshotIndex,
    log: disk.copyOfEntries(),
    snapshotIndex,
    snapshotTerm: snapshot?.lastIncludedTerm ?? 0,
    leader: v?.leader ?? 0,
    ...(v?.nextIndex && v.matchIndex ? { nextIndex: { ...v.nextIndex }, matchIndex: { ...v.matchIndex } } : {}),
    votes: v ? [...v.votes] : [],
    preCandidate: v?.preCandidate ?? false,
    transferee: v?.transferee ?? 0,
    configChangePending: v?.configChangePending ?? false,
    config: configOfEntries(disk.storedEntries, snapshot, initialConfig(initialVoters)),
    electionDeadline: v?.electionDeadline ?? Infinity,
    electionTimeout: v?.electionTimeout ?? 0,
    kv: kv ?? (snapshot ? { ...snapshot.data } : {}),
  };
}
