/**
 * A node's "process" as the cluster sees it: something that takes inputs at
 * a virtual time and answers with what the Raft core produced. The inline
 * runtime calls the core directly; the worker runtime (src/worker) forwards
 * the same inputs to a Web Worker. Either way the cluster makes the output's
 * persist ops durable-or-mirrored, then releases its messages.
 */
import {
  RaftNode,
  type ConfChange,
  type CoreVolatile,
  type FaultName,
  type Message,
  type NodeId,
  type PersistentState,
  type RaftConfig,
  type Ready,
} from '../raft';
import { createRandom, deriveSeed, type SeededRandom } from './prng';
import { MemoryStorage } from './storage';
import type { NodeView, StartResult } from './types';
import { nodeView, volatileOf } from './view';

/** What a node produced in answer to one input. */
export interface NodeOutput {
  readonly ready: Ready;
  /** When the node next needs a tick, virtual ms. */
  readonly deadline: number;
}

export interface ProposeOutput extends NodeOutput {
  readonly result: StartResult;
}

/** A leadership transfer asked of the node (thesis §3.10): whether it started. */
export interface TransferOutput extends NodeOutput {
  readonly started: boolean;
}

/** A configuration change asked of the node (thesis §4.1): null if taken, else why not. */
export interface ConfChangeOutput extends NodeOutput {
  readonly refusal: string | null;
}

/** Settings a node process is started with. */
export interface NodeSettings {
  readonly id: NodeId;
  /**
   * Every node id the cluster has had (it only grows): whom messages may
   * come from or go to. Not the configuration: see `voters`.
   */
  readonly nodes: readonly NodeId[];
  /** The voters of the initial configuration: the founding nodes; [] for a node added later (RaftConfig.nodes). */
  readonly voters: readonly NodeId[];
  readonly electionTimeoutMs: readonly [number, number];
  readonly heartbeatMs: number;
  readonly snapshotThreshold: number;
  readonly leaderNoop: boolean;
  /** Lab bug switches on (RaftConfig.faults); [] for a correct Raft. */
  readonly faults: readonly FaultName[];
  /** Thesis §9.6 (RaftConfig.preVote). */
  readonly preVote: boolean;
  /** Thesis §6.2, §4.2.3 (RaftConfig.checkQuorum). */
  readonly checkQuorum: boolean;
  /** Seed of this node life's PRNG: derived from the cluster seed, the id and the incarnation. */
  readonly seed: number;
  /** Names this cluster's disks (the worker transport's IndexedDB databases). */
  readonly storageKey: string;
}

export interface NodeRuntime {
  /**
   * True if the runtime takes several tick/deliver inputs before the first
   * is answered (the worker runtime sends them as one batch): the windowed
   * scheduler may then hand this node more than one item at a time.
   */
  readonly batching?: boolean;
  /** Resolves with what the node restored from disk (e.g. a 'restored' snapshot event). */
  boot(now: number): NodeOutput | Promise<NodeOutput>;
  tick(now: number): NodeOutput | Promise<NodeOutput>;
  deliver(message: Message, now: number): NodeOutput | Promise<NodeOutput>;
  propose(command: string, now: number): ProposeOutput | Promise<ProposeOutput>;
  timeout(now: number): NodeOutput | Promise<NodeOutput>;
  /** Sets the election timer to fire `ms` after `now` (a lab control, not a Raft rule: see RaftNode.setElectionTimer). */
  setElectionTimer(ms: number, now: number): NodeOutput | Promise<NodeOutput>;
  /** Thesis §3.10: asks the node (a leader) to hand leadership to `to`. */
  transferLeadership(to: NodeId, now: number): TransferOutput | Promise<TransferOutput>;
  /** Thesis §4.1: asks the node (a leader) for a single-server configuration change. */
  proposeConfChange(change: ConfChange, now: number): ConfChangeOutput | Promise<ConfChangeOutput>;
  /** The cluster has a new node `id` (addNode): messages may now come from it and go to it. */
  addMember(id: NodeId, now: number): NodeOutput | Promise<NodeOutput>;
  /**
   * Starts this node life mid-way from a checkpoint (a fork on a transport
   * whose nodes run elsewhere): the runtime writes `disk` as the node's disk
   * and resumes `running`, or only writes the disk if `running` is null.
   */
  resume?(now: number, disk: PersistentState, running: InlineNodeSave | null): NodeOutput | Promise<NodeOutput>;
  /** The node's live state (durable fields from `disk`). */
  view(): NodeView;
  /** Kills the process: all volatile state is gone. */
  terminate(): void | Promise<void>;
  /**
   * Called by the cluster with a handler for faults the runtime notices
   * between inputs (a worker's uncaught exception): the node is then crashed.
   */
  onFault?(handler: (reason: string) => void): void;
}

/** The core's configuration for one node life, from its settings (every transport builds it here). */
export function raftConfig(
  s: Pick<
    NodeSettings,
    | 'id'
    | 'voters'
    | 'electionTimeoutMs'
    | 'heartbeatMs'
    | 'snapshotThreshold'
    | 'leaderNoop'
    | 'faults'
    | 'preVote'
    | 'checkQuorum'
    | 'seed'
  >,
): RaftConfig & { readonly random: SeededRandom } {
  return {
    id: s.id,
    nodes: s.voters,
    electionTimeoutMs: s.electionTimeoutMs,
    heartbeatMs: s.heartbeatMs,
    snapshotThreshold: s.snapshotThreshold,
    leaderNoop: s.leaderNoop,
    faults: s.faults,
    ...(s.preVote ? { preVote: true } : {}),
    ...(s.checkQuorum ? { checkQuorum: true } : {}),
    random: createRandom(s.seed),
  };
}

/** The seed of one node life, shared by every transport. */
export function nodeSeed(clusterSeed: number, id: NodeId, incarnation: number): number {
  return deriveSeed(clusterSeed, id, incarnation);
}

/** What a checkpoint keeps of a running inline node beside its disk. */
export interface InlineNodeSave {
  readonly volatile: CoreVolatile;
  /** Its PRNG's state (SeededRandom.state()). */
  readonly random: number;
}

/** Runs the core on this thread; its disk is a MemoryStorage owned by the cluster. */
export class InlineRuntime implements NodeRuntime {
  private node: RaftNode | null = null;
  private random: SeededRandom | null = null;

  constructor(
    private readonly settings: NodeSettings,
    private readonly disk: MemoryStorage,
  ) {}

  boot(now: number): NodeOutput {
    const config = raftConfig(this.settings);
    this.random = config.random;
    this.node = new RaftNode(config, this.disk.load(), now);
    return this.output();
  }

  /** The running node's state beside its disk (a checkpoint), or null before boot. */
  save(): InlineNodeSave | null {
    if (!this.node || !this.random) return null;
    return { volatile: this.node.saveVolatile(), random: this.random.state() };
  }

  /** An inline node resumed from a checkpoint: its disk must hold what it held then. */
  static resume(settings: NodeSettings, disk: MemoryStorage, saved: InlineNodeSave): InlineRuntime {
    const runtime = new InlineRuntime(settings, disk);
    const config = raftConfig(settings);
    runtime.node = RaftNode.resume(config, disk.load(), saved.volatile);
    config.random.setState(saved.random);
    runtime.random = config.random;
    return runtime;
  }

  tick(now: number): NodeOutput {
    this.core().tick(now);
    return this.output();
  }

  deliver(message: Message, now: number): NodeOutput {
    this.core().step(message, now);
    return this.output();
  }

  propose(command: string, now: number): ProposeOutput {
    const core = this.core();
    const result = core.propose(command, now);
    return { result, ready: core.takeReady(), deadline: core.nextDeadline() };
  }

  timeout(now: number): NodeOutput {
    this.core().timeout(now);
    return this.output();
  }

  setElectionTimer(ms: number, now: number): NodeOutput {
    this.core().setElectionTimer(now, ms);
    return this.output();
  }

  transferLeadership(to: NodeId, now: number): TransferOutput {
    const started = this.core().transferLeadership(to, now);
    return { ...this.output(), started };
  }

  proposeConfChange(change: ConfChange, now: number): ConfChangeOutput {
    const refusal = this.core().proposeConfChange(change, now);
    return { ...this.output(), refusal };
  }

  addMember(_id: NodeId, _now: number): NodeOutput {
    // The core takes messages from any node (thesis §4.1: servers "process
    // incoming RPC requests without consulting their current configurations"):
    // nothing to tell it. A worker's message checks learn the new id.
    return this.output();
  }

  view(): NodeView {
    // Before boot (e.g. inside a 'restart' listener) the node is starting
    // from its disk: show that. The durable fields come from the disk, as
    // for a worker node (its mirror), so both transports show the same.
    const core = this.node;
    if (!core) return nodeView(this.settings.id, this.disk, null, true, undefined, this.settings.voters);
    return nodeView(this.settings.id, this.disk, volatileOf(core), true, core.stateMachine.view(), this.settings.voters);
  }

  terminate(): void {
    this.node = null;
  }

  private core(): RaftNode {
    if (!this.node) throw new Error(`node ${this.settings.id} is not running`);
    return this.node;
  }

  private output(): NodeOutput {
    const core = this.core();
    return { ready: core.takeReady(), deadline: core.nextDeadline() };
  }
}

/** A NodeView of a crashed node: what is on its disk. */
export function storedView(id: NodeId, disk: MemoryStorage, voters: readonly NodeId[]): NodeView {
  return nodeView(id, disk, null, false, undefined, voters);
}
