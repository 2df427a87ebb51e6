/**
 * The one protocol between the main thread (the scheduler and network) and a
 * node's Web Worker: one tagged union per direction. Every payload is plain
 * structured-clonable data and carries the protocol version; both sides
 * validate every field of what they receive against the valibot schemas
 * below (and schema.ts for the Raft data), and answer a malformed message
 * with an error, never a silent hang and never by handing it on.
 *
 * The main thread drives: it sends an input tagged with `seq` and waits for
 * the worker's answer with the same `seq`; the node takes nothing else
 * meanwhile. The windowed scheduler's ticks and deliveries for one node go
 * as one `batch` (everything its dispatch window allows, src/sim/
 * scheduler.ts), answered by one `outputs`: the worker steps through them
 * in order and commits all their persist ops in one transaction first
 * (group commit). Outputs are taken strictly in queue order on the main
 * thread, which keeps the worker transport exactly as deterministic as the
 * inline one.
 */
import * as v from 'valibot';
import { RunningSaveSchema, type RunningSave } from './resume';
import {
  FAULT_NAMES,
  type ConfChange,
  type CoreEvent,
  type FaultName,
  type Message,
  type NodeId,
  type PersistOp,
  type PersistentState,
} from '../raft';
import { describeMembers, storedStateProblem } from './consistency';
import {
  commandSchema,
  ConfChangeSchema,
  CoreEventSchema,
  deadlineSchema,
  entryIndexOrNoneSchema,
  explain,
  indexSchema,
  MessageSchema,
  nodeIdOrNoneSchema,
  nodeIdSchema,
  PersistentStateSchema,
  PersistOpSchema,
  progressSchema,
  taggedUnion,
  termSchema,
  virtualTimeSchema,
} from './schema';

/**
 * The protocol version every message carries (`v`); a message of another
 * version is refused. 2: batches (`batch` in, `outputs` back).
 */
export const PROTOCOL_VERSION = 2;

/** Settings a node life starts with (the worker builds its RaftNode from them). */
export interface WorkerNodeSettings {
  /** This node's id. */
  id: NodeId;
  /** Every node id the cluster has had (messages may come from and go to these); addMember adds. */
  nodes: NodeId[];
  /** The initial configuration's voters (RaftConfig.nodes): the founding nodes, or [] for a node added later. */
  voters: NodeId[];
  /** Thesis §9.6. */
  preVote: boolean;
  /** Thesis §6.2, §4.2.3. */
  checkQuorum: boolean;
  /** Election timeout range, virtual ms. */
  electionTimeoutMs: [number, number];
  /** Leader heartbeat interval, virtual ms. */
  heartbeatMs: number;
  /** Compaction threshold in entries (0: never). */
  snapshotThreshold: number;
  /** Append a no-op on election. */
  leaderNoop: boolean;
  /** Lab bug switches on (src/raft/faults.ts), each named once; [] for a correct Raft. */
  faults: FaultName[];
  /** Seed of this node life's PRNG (cluster seed, id, incarnation). */
  seed: number;
  /** IndexedDB database holding this node's disk. */
  dbName: string;
}

/** Main thread → worker. */
export type ToWorker =
  /** Open the disk, recover from it, start the core at virtual time `now` (ms). */
  | { v: 2; type: 'init'; seq: number; now: number; settings: WorkerNodeSettings }
  /**
   * Start the node mid-life from a checkpoint (a fork, not a recovery):
   * wipe the disk and write `disk` on it, then resume the core with
   * `running` (its volatile state and PRNG) at virtual time `now`; a null
   * `running` only writes the disk (the node was crashed then). The output
   * reports the disk as read back, as init does.
   */
  | { v: 2; type: 'resume'; seq: number; now: number; settings: WorkerNodeSettings; disk: PersistentState; running: RunningSave | null }
  /** Advance the node's timers to virtual time `now` (ms). */
  | { v: 2; type: 'tick'; seq: number; now: number }
  /** Deliver one RPC or reply at virtual time `now` (ms). */
  | { v: 2; type: 'deliver'; seq: number; now: number; message: Message }
  /** A client command at virtual time `now` (ms). */
  | { v: 2; type: 'propose'; seq: number; now: number; command: string }
  /** Fire the election timer now. */
  | { v: 2; type: 'timeout'; seq: number; now: number }
  /**
   * Set the election timer to fire `ms` virtual ms after `now` (a lab
   * control for aligning or spreading timers, not a Raft rule).
   */
  | { v: 2; type: 'setElectionTimer'; seq: number; now: number; ms: number }
  /** Thesis §3.10: hand leadership to `to` (the output's result says whether it started). */
  | { v: 2; type: 'transfer'; seq: number; now: number; to: NodeId }
  /** Thesis §4.1: a single-server configuration change (the result: null if taken, else why not). */
  | { v: 2; type: 'confChange'; seq: number; now: number; change: ConfChange }
  /** The cluster has a new node `id`: messages may now come from it and go to it. */
  | { v: 2; type: 'addMember'; seq: number; now: number; id: NodeId }
  /**
   * Several ticks and deliveries at once, in queue order (their `now` never
   * decreases): the worker handles them one after another exactly as if
   * each had come alone, commits the persist ops of all of them in one
   * transaction, and answers with one `outputs`.
   */
  | { v: 2; type: 'batch'; seq: number; inputs: BatchInput[] };

/** One input of a batch: a tick or a delivery, as the single messages carry them. */
export type BatchInput =
  /** Advance the node's timers to virtual time `now` (ms). */
  | { type: 'tick'; now: number }
  /** Deliver one RPC or reply at virtual time `now` (ms). */
  | { type: 'deliver'; now: number; message: Message };

/** What the node produced for one input of a batch (an `output` without its envelope). */
export interface StepOutput {
  /** Persist ops of this input, in order; durable (with the whole batch's) when posted. */
  persist: PersistOp[];
  messages: Message[];
  events: CoreEvent[];
  /** When the node next needs a tick, virtual ms. */
  deadline: number;
  state: VolatileState;
}

/** The node's volatile state after an input (the durable part is mirrored from persist ops): src/sim/view.ts. */
export type { VolatileState } from '../sim';
import type { VolatileState } from '../sim';

/** The Start() result of a proposal: index -1 unless the node is the leader. */
export interface ProposeResult {
  index: number;
  term: number;
  isLeader: boolean;
}

/** A transfer's answer (thesis §3.10). */
export interface TransferResult {
  started: boolean;
}

/** A configuration change's answer (thesis §4.1): null if taken, else why not. */
export interface ConfChangeResult {
  refusal: string | null;
}

/** Worker → main thread. */
export type FromWorker =
  /**
   * What the node produced for input `seq`. Its persist ops are already
   * durable in IndexedDB when this is posted, so its messages may leave.
   */
  | {
      v: 2;
      type: 'output';
      seq: number;
      persist: PersistOp[];
      messages: Message[];
      events: CoreEvent[];
      /** When the node next needs a tick, virtual ms. */
      deadline: number;
      state: VolatileState;
      /** For 'propose': the Start() result; 'transfer': { started }; 'confChange': { refusal }; otherwise null. */
      result: ProposeResult | TransferResult | ConfChangeResult | null;
      /** For 'init' and 'resume' only: what was recovered from (or written to) disk. */
      recovered: PersistentState | null;
    }
  /**
   * The answer to batch `seq`: one output per input, in order, all their
   * persist ops durable (one transaction) before this is posted. If input
   * number `outputs.length` failed, `error` says why, and the inputs after
   * it were not handled; otherwise `error` is null and every input has its
   * output.
   */
  | { v: 2; type: 'outputs'; seq: number; outputs: StepOutput[]; error: string | null }
  /** Input `seq` (null if unknown) could not be handled; the node is to be treated as crashed. */
  | { v: 2; type: 'error'; seq: number | null; message: string };

// ----------------------------------------------------------------- schemas

const versionSchema = v.literal(PROTOCOL_VERSION);
const seqSchema = v.custom<number>(
  (x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 1,
  () => 'must be a sequence number (an integer >= 1)',
);
const positiveMsSchema = v.custom<number>(
  (x) => typeof x === 'number' && Number.isFinite(x) && x >= 1,
  () => 'must be a finite number of virtual ms >= 1',
);

/** WorkerNodeSettings: distinct member ids including `id`, min <= max timeouts. */
export const SettingsSchema = v.pipe(
  v.strictObject({
    id: nodeIdSchema,
    nodes: v.pipe(v.array(nodeIdSchema), v.minLength(1, 'must list at least one node')),
    electionTimeoutMs: v.strictTuple([positiveMsSchema, positiveMsSchema]),
    heartbeatMs: positiveMsSchema,
    snapshotThreshold: indexSchema,
    leaderNoop: v.boolean(),
    faults: v.pipe(
      v.array(v.picklist(FAULT_NAMES, `must be one of ${FAULT_NAMES.join(', ')}`)),
      v.check((list) => new Set(list).size === list.length, 'must name each fault once'),
    ),
    seed: v.custom<number>(
      (x) => Number.isInteger(x) && (x as number) >= 0 && (x as number) <= 0xffffffff,
      () => 'must be a 32-bit seed',
    ),
    dbName: v.pipe(v.string(), v.minLength(1, 'must be a database name')),
    voters: v.array(nodeIdSchema),
    preVote: v.boolean(),
    checkQuorum: v.boolean(),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const s = dataset.value;
    const members = new Set(s.nodes);
    if (members.size !== s.nodes.length) addIssue({ message: `nodes ${s.nodes.join(', ')} has a duplicate` });
    else if (!members.has(s.id)) addIssue({ message: `id ${s.id} is not one of nodes ${s.nodes.join(', ')}` });
    else if (new Set(s.voters).size !== s.voters.length || s.voters.some((n) => !members.has(n)))
      addIssue({ message: `voters ${s.voters.join(', ')} must be distinct members of nodes ${s.nodes.join(', ')}` });
    else if (s.electionTimeoutMs[0] > s.electionTimeoutMs[1])
      addIssue({ message: 'electionTimeoutMs must be a [min, max] range with min <= max' });
  }),
);

const toWorkerBase = { v: versionSchema, seq: seqSchema, now: virtualTimeSchema };

/** A batch's inputs: at least one, in queue order (virtual time never goes back). */
export const BatchInputsSchema = v.pipe(
  v.array(
    taggedUnion('type', [
      v.strictObject({ type: v.literal('tick'), now: virtualTimeSchema }),
      v.strictObject({ type: v.literal('deliver'), now: virtualTimeSchema, message: MessageSchema }),
    ]),
  ),
  v.minLength(1, 'must hold at least one input'),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const inputs = dataset.value;
    for (let i = 1; i < inputs.length; i++) {
      if (inputs[i]!.now < inputs[i - 1]!.now) {
        addIssue({
          message: `inputs[${i}].now ${inputs[i]!.now} is before inputs[${i - 1}].now ${inputs[i - 1]!.now} (virtual time never goes back)`,
        });
        return;
      }
    }
  }),
);

/** Main thread → worker, every field. */
export const ToWorkerSchema = taggedUnion('type', [
  v.strictObject({ ...toWorkerBase, type: v.literal('init'), settings: SettingsSchema }),
  v.strictObject({
    ...toWorkerBase,
    type: v.literal('resume'),
    settings: SettingsSchema,
    disk: PersistentStateSchema,
    running: v.nullable(RunningSaveSchema),
  }),
  v.strictObject({ ...toWorkerBase, type: v.literal('tick') }),
  v.strictObject({ ...toWorkerBase, type: v.literal('deliver'), message: MessageSchema }),
  v.strictObject({ ...toWorkerBase, type: v.literal('propose'), command: commandSchema }),
  v.strictObject({ ...toWorkerBase, type: v.literal('timeout') }),
  v.strictObject({ ...toWorkerBase, type: v.literal('setElectionTimer'), ms: virtualTimeSchema }),
  v.strictObject({ ...toWorkerBase, type: v.literal('transfer'), to: nodeIdSchema }),
  v.strictObject({
    ...toWorkerBase,
    type: v.literal('confChange'),
    change: ConfChangeSchema,
  }),
  v.strictObject({ ...toWorkerBase, type: v.literal('addMember'), id: nodeIdSchema }),
  v.strictObject({ v: versionSchema, seq: seqSchema, type: v.literal('batch'), inputs: BatchInputsSchema }),
]);

/** VolatileState: lastApplied <= commitIndex; progress only on a leader (Figure 2's volatile state). */
export const VolatileStateSchema = v.pipe(
  v.strictObject({
    role: v.picklist(['follower', 'candidate', 'leader']),
    commitIndex: indexSchema,
    lastApplied: indexSchema,
    leader: nodeIdOrNoneSchema,
    nextIndex: v.nullable(progressSchema),
    matchIndex: v.nullable(progressSchema),
    votes: v.array(nodeIdSchema),
    electionDeadline: deadlineSchema,
    electionTimeout: virtualTimeSchema,
    preCandidate: v.boolean(),
    transferee: nodeIdOrNoneSchema,
    configChangePending: v.boolean(),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const s = dataset.value;
    const leader = s.role === 'leader';
    if (s.lastApplied > s.commitIndex) addIssue({ message: `lastApplied ${s.lastApplied} is above commitIndex ${s.commitIndex}` });
    else if (leader !== (s.nextIndex !== null) || leader !== (s.matchIndex !== null)) {
      addIssue({ message: `nextIndex and matchIndex must be records on a leader and null otherwise (role ${s.role})` });
    }
  }),
);

/** The Start() result: index -1 and isLeader false, or the new entry's index and term on a leader. */
export const ProposeResultSchema = v.pipe(
  v.strictObject({ index: entryIndexOrNoneSchema, term: termSchema, isLeader: v.boolean() }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (dataset.typed && dataset.value.isLeader === (dataset.value.index === -1)) {
      addIssue({ message: `index ${dataset.value.index} does not fit isLeader ${dataset.value.isLeader}` });
    }
  }),
);

/** A transfer's answer. */
export const TransferResultSchema = v.strictObject({ started: v.boolean() });
/** A configuration change's answer. */
export const ConfChangeResultSchema = v.strictObject({ refusal: v.nullable(v.string()) });

/** One input's output within a batch answer, every field. */
export const StepOutputSchema = v.strictObject({
  persist: v.array(PersistOpSchema),
  messages: v.array(MessageSchema),
  events: v.array(CoreEventSchema),
  deadline: deadlineSchema,
  state: VolatileStateSchema,
});

/** Worker → main thread, every field. */
export const FromWorkerSchema = taggedUnion('type', [
  v.strictObject({
    v: versionSchema,
    type: v.literal('output'),
    seq: seqSchema,
    persist: v.array(PersistOpSchema),
    messages: v.array(MessageSchema),
    events: v.array(CoreEventSchema),
    deadline: deadlineSchema,
    state: VolatileStateSchema,
    result: v.nullable(v.union([ProposeResultSchema, TransferResultSchema, ConfChangeResultSchema])),
    recovered: v.nullable(PersistentStateSchema),
  }),
  v.strictObject({
    v: versionSchema,
    type: v.literal('outputs'),
    seq: seqSchema,
    outputs: v.array(StepOutputSchema),
    error: v.nullable(v.string()),
  }),
  v.strictObject({ v: versionSchema, type: v.literal('error'), seq: v.nullable(seqSchema), message: v.string() }),
]);

// -------------------------------------------------------------- membership

/** A node and its cluster: what the ends of its messages are checked against. */
export interface Membership {
  readonly id: NodeId;
  readonly members: ReadonlySet<NodeId>;
}

/** The Membership of a node from its settings. */
export function membershipOf(settings: { readonly id: NodeId; readonly nodes: readonly NodeId[] }): Membership {
  return { id: settings.id, members: new Set(settings.nodes) };
}

/**
 * Why a message delivered to node `self.id` could not have come from a peer
 * over the cluster's network, or null: it must be addressed to this node and
 * come from another member. (A vote from a non-member must never count
 * toward a majority of the configuration, §5.2 / §6.)
 */
export function inboundProblem(m: Message, self: Membership): string | null {
  if (m.to !== self.id) return `message.to is ${m.to}, but this is node ${self.id} (a message for another node)`;
  if (m.from === self.id) return `message.from is ${m.from}, this node itself`;
  if (!self.members.has(m.from)) return `message.from is ${m.from}, not a member of the cluster (${describeMembers(self.members)})`;
  return null;
}

/**
 * Why an output of node `self.id` names a node it must not (sender,
 * receiver, event owner, leader, voter), or null. `at` prefixes the fields
 * of an output within a batch ("outputs[2].").
 */
function stepMembershipProblem(out: StepOutput, self: Membership, at = ''): string | null {
  const { id, members } = self;
  const notMember = (what: string, n: NodeId) => `${what} is ${n}, not a member of the cluster (${describeMembers(members)})`;
  for (let i = 0; i < out.messages.length; i++) {
    const m = out.messages[i]!;
    if (m.from !== id) return `${at}messages[${i}].from is ${m.from}, but this is node ${id}`;
    if (m.to === id) return `${at}messages[${i}].to is ${id}, the node itself`;
    if (!members.has(m.to)) return notMember(`${at}messages[${i}].to`, m.to);
  }
  for (let i = 0; i < out.events.length; i++) {
    const e = out.events[i]!;
    if (e.node !== id) return `${at}events[${i}].node is ${e.node}, but this is node ${id}`;
  }
  const s = out.state;
  if (s.leader !== 0 && !members.has(s.leader)) return notMember(`${at}state.leader`, s.leader);
  if (s.role === 'leader' && s.leader !== id) return `${at}state.leader is ${s.leader} on a leader, not the node itself`;
  for (const voter of s.votes) if (!members.has(voter)) return notMember(`${at}state.votes has a voter that`, voter);
  for (const [name, progress] of [
    ['nextIndex', s.nextIndex],
    ['matchIndex', s.matchIndex],
  ] as const) {
    for (const key of Object.keys(progress ?? {})) {
      const peer = Number(key);
      if (peer === id || !members.has(peer)) return `${at}state.${name} has an entry for node ${peer}, not a follower in the cluster`;
    }
  }
  return null;
}

/** stepMembershipProblem for a single output, and its recovered disk's votedFor. */
function outputMembershipProblem(out: Extract<FromWorker, { type: 'output' }>, self: Membership): string | null {
  const { members } = self;
  const step = stepMembershipProblem(out, self);
  if (step) return step;
  if (out.recovered) {
    const disk = storedStateProblem(out.recovered, members);
    if (disk) return `recovered: ${disk}`;
  }
  return null;
}

// ---------------------------------------------------------------- checking

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Why `data` is not a valid ToWorker message, or null if it is. With `self`
 * (the host knows it once init has arrived), a delivered message must also be
 * addressed to this node from another member of its cluster.
 */
export function invalidToWorker(data: unknown, self: Membership | null = null): string | null {
  if (!isRecord(data)) return 'not an object';
  if (data.v !== PROTOCOL_VERSION) return `protocol version ${String(data.v)} is not ${PROTOCOL_VERSION}`;
  const shape = explain(ToWorkerSchema, data);
  if (shape) return shape;
  const msg = data as ToWorker;
  if (!self) return null;
  if (msg.type === 'deliver') return inboundProblem(msg.message, self);
  if (msg.type === 'batch') {
    for (let i = 0; i < msg.inputs.length; i++) {
      const input = msg.inputs[i]!;
      const problem = input.type === 'deliver' ? inboundProblem(input.message, self) : null;
      if (problem) return `inputs[${i}].${problem}`;
    }
  }
  return null;
}

/**
 * Why `data` is not a valid FromWorker message, or null if it is. With
 * `self`, an output must also speak only for that node: its messages come
 * from it and go to other members, its events are its own, and what it
 * recovered votes for a member or nobody. (Whether its persist ops fit the
 * disk is checked by the runtime, which holds the mirror: consistency.ts.)
 */
export function invalidFromWorker(data: unknown, self: Membership | null = null): string | null {
  if (!isRecord(data)) return 'not an object';
  if (data.v !== PROTOCOL_VERSION) return `protocol version ${String(data.v)} is not ${PROTOCOL_VERSION}`;
  const shape = explain(FromWorkerSchema, data);
  if (shape) return shape;
  const msg = data as FromWorker;
  if (!self) return null;
  if (msg.type === 'output') return outputMembershipProblem(msg, self);
  if (msg.type === 'outputs') {
    for (let i = 0; i < msg.outputs.length; i++) {
      const problem = stepMembershipProblem(msg.outputs[i]!, self, `outputs[${i}].`);
      if (problem) return problem;
    }
  }
  return null;
}

/** A short description of a message for error reports. */
export function describeMessage(data: unknown): string {
  try {
    const text = JSON.stringify(data);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  } catch {
    return String(data);
  }
}
