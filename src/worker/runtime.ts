/**
 * The main thread's side of a node that runs in a Web Worker. It forwards
 * each input, waits (with a bound) for the matching output, validates it,
 * and keeps a mirror of what the node has made durable, so the cluster can
 * show the node's state — even after the worker is gone — without asking it.
 *
 * Batching: ticks and deliveries asked for synchronously one after another
 * (the windowed scheduler's hand-out pass, src/sim/scheduler.ts) are queued
 * and posted together as one `batch` in a microtask, i.e. when the pass is
 * over; the worker answers all of them in one `outputs`. Each input still has
 * its own promise, settled in order. Other inputs (init, propose, …) go
 * alone, as before; `batching: false` sends ticks and deliveries alone too
 * (the scheduler then hands this node one item at a time).
 *
 * A worker is not trusted: its whole output is checked before any of it is
 * used — every field against the protocol schemas, every message and event
 * as this node's own, and its persist ops replayed over the mirror of its
 * disk (consistency.ts). An output that fails rejects the request with an
 * Error naming the node, and the runtime takes no further input.
 */
import { KvStateMachine, MAX_COMMAND_LENGTH, type ConfChange, type Message, type NodeId, type PersistentState } from '../raft';
import {
  nodeView,
  type ConfChangeOutput,
  type TransferOutput,
  type InlineNodeSave,
  type MemoryStorage,
  type NodeOutput,
  type NodeRuntime,
  type NodeSettings,
  type NodeView,
  type ProposeOutput,
} from '../sim';
import { DiskReplay, diskViewOf, type DiskView } from './consistency';
import { databaseName } from './idb-storage';
import {
  describeMessage,
  invalidFromWorker,
  membershipOf,
  PROTOCOL_VERSION,
  type BatchInput,
  type FromWorker,
  type Membership,
  type ToWorker,
  type VolatileState,
  type WorkerNodeSettings,
} from './protocol';

/** The transport-level view of a worker (a real Worker, or an in-process loopback in tests). */
export interface NodePort {
  postMessage(message: ToWorker): void;
  /** Set by the runtime: called with each message the worker posts. */
  onmessage: ((data: unknown) => void) | null;
  /** Set by the runtime: called when the worker throws outside a request. */
  onerror: ((message: string) => void) | null;
  terminate(): void;
}

type Output = Extract<FromWorker, { type: 'output' }>;
type Outputs = Extract<FromWorker, { type: 'outputs' }>;
/** What one input's promise resolves with: a single `output`, or one output of a batch. */
type Answer = Pick<Output, 'persist' | 'messages' | 'events' | 'deadline' | 'state'> & Partial<Pick<Output, 'result' | 'recovered'>>;

/** One input waiting for its answer. */
interface Waiting {
  what: ToWorker['type'];
  resolve: (o: Answer) => void;
  reject: (e: Error) => void;
}

/** The message in flight to the worker: one input, or a batch of them (`batch`). */
interface Pending {
  seq: number;
  what: ToWorker['type'];
  /** The inputs it carries, in order (one unless it is a batch). */
  waiting: Waiting[];
  timer: ReturnType<typeof setTimeout>;
}

/** The result each input's output carries: the field that names it, or null for none. */
const RESULT_OF: Record<ToWorker['type'], string | null> = {
  init: null,
  resume: null,
  tick: null,
  deliver: null,
  propose: 'isLeader',
  timeout: null,
  setElectionTimer: null,
  transfer: 'started',
  confChange: 'refusal',
  addMember: null,
  batch: null,
};

/** How long a worker may take to answer one input before it is declared dead, wall ms. */
export const DEFAULT_ANSWER_TIMEOUT_MS = 10_000;

export class WorkerRuntime implements NodeRuntime {
  private seq = 0;
  private pending: Pending | null = null;
  /** Ticks and deliveries asked for in this synchronous pass, posted as one batch at its end. */
  private forming: { inputs: BatchInput[]; waiting: Waiting[] } | null = null;
  private state: VolatileState | null = null;
  private readonly kv = new KvStateMachine();
  private faultHandler: ((reason: string) => void) | null = null;
  private dead = false;
  /** Why the worker can no longer be trusted (it sent something invalid, or stopped answering). */
  private failure: string | null = null;
  private self: Membership;

  constructor(
    private readonly settings: NodeSettings,
    private readonly disk: MemoryStorage,
    private readonly port: NodePort,
    private readonly answerTimeoutMs = DEFAULT_ANSWER_TIMEOUT_MS,
    /** Group this node's ticks and deliveries into batches (off: one message per input, the unbatched dispatch). */
    readonly batching = true,
  ) {
    this.self = membershipOf(settings);
    port.onmessage = (data) => this.receive(data);
    port.onerror = (message) => this.fault(`node ${settings.id}'s worker threw: ${message}`);
  }

  onFault(handler: (reason: string) => void): void {
    this.faultHandler = handler;
  }

  private workerSettings(): WorkerNodeSettings {
    const s = this.settings;
    return {
      id: s.id,
      nodes: [...s.nodes],
      electionTimeoutMs: [s.electionTimeoutMs[0], s.electionTimeoutMs[1]],
      heartbeatMs: s.heartbeatMs,
      snapshotThreshold: s.snapshotThreshold,
      leaderNoop: s.leaderNoop,
      faults: [...s.faults],
      seed: s.seed,
      dbName: databaseName(s.storageKey, s.id),
      voters: [...s.voters],
      preVote: s.preVote,
      checkQuorum: s.checkQuorum,
    };
  }

  /**
   * Starts the worker mid-life from a checkpoint: its disk is written with
   * `disk`, its core resumed with `running` (or, if null, only the disk is
   * written: the caller then terminates the runtime).
   */
  async resume(now: number, disk: PersistentState, running: InlineNodeSave | null): Promise<NodeOutput> {
    const out = await this.request({
      v: PROTOCOL_VERSION,
      type: 'resume',
      seq: ++this.seq,
      now,
      settings: this.workerSettings(),
      disk,
      running,
    });
    // What the worker read back from its disk is the truth: mirror it.
    this.disk.replace(out.recovered!);
    this.kv.restore(running ? running.volatile.kv : (out.recovered!.snapshot?.data ?? {}));
    return this.toOutput(out);
  }

  async boot(now: number): Promise<NodeOutput> {
    const out = await this.request({
      v: PROTOCOL_VERSION,
      type: 'init',
      seq: ++this.seq,
      now,
      settings: this.workerSettings(),
    });
    if (out.recovered) {
      // The disk is the truth after a reload: mirror what the worker found.
      this.disk.replace(out.recovered);
      this.kv.restore(out.recovered.snapshot?.data ?? {});
    }
    return this.toOutput(out);
  }

  async tick(now: number): Promise<NodeOutput> {
    if (this.batching) return this.toOutput(await this.enqueue({ type: 'tick', now }));
    return this.toOutput(await this.request({ v: PROTOCOL_VERSION, type: 'tick', seq: ++this.seq, now }));
  }

  async deliver(message: Message, now: number): Promise<NodeOutput> {
    if (this.batching) return this.toOutput(await this.enqueue({ type: 'deliver', now, message }));
    return this.toOutput(await this.request({ v: PROTOCOL_VERSION, type: 'deliver', seq: ++this.seq, now, message }));
  }

  async propose(command: string, now: number): Promise<ProposeOutput> {
    if (typeof command !== 'string' || command.length > MAX_COMMAND_LENGTH) {
      // Refused here, so the worker never sees (and never fails on) it.
      const what = typeof command === 'string' ? `${command.length} characters long` : `a ${typeof command}`;
      throw new Error(
        `node ${this.settings.id} refused a command ${what}: commands are strings of at most ${MAX_COMMAND_LENGTH} characters`,
      );
    }
    const out = await this.request({ v: PROTOCOL_VERSION, type: 'propose', seq: ++this.seq, now, command });
    if (!out.result || !('isLeader' in out.result)) throw new Error(`node ${this.settings.id} answered a proposal without a result`);
    return { ...this.toOutput(out), result: out.result };
  }

  async timeout(now: number): Promise<NodeOutput> {
    return this.toOutput(await this.request({ v: PROTOCOL_VERSION, type: 'timeout', seq: ++this.seq, now }));
  }

  async setElectionTimer(ms: number, now: number): Promise<NodeOutput> {
    return this.toOutput(await this.request({ v: PROTOCOL_VERSION, type: 'setElectionTimer', seq: ++this.seq, now, ms }));
  }

  async transferLeadership(to: NodeId, now: number): Promise<TransferOutput> {
    const out = await this.request({ v: PROTOCOL_VERSION, type: 'transfer', seq: ++this.seq, now, to });
    return { ...this.toOutput(out), started: (out.result as { started: boolean }).started };
  }

  async proposeConfChange(change: ConfChange, now: number): Promise<ConfChangeOutput> {
    const out = await this.request({ v: PROTOCOL_VERSION, type: 'confChange', seq: ++this.seq, now, change: { ...change } });
    return { ...this.toOutput(out), refusal: (out.result as { refusal: string | null }).refusal };
  }

  async addMember(id: NodeId, now: number): Promise<NodeOutput> {
    // Widened before the worker answers: its next outputs may already address the new node.
    this.self = { id: this.self.id, members: new Set([...this.self.members, id]) };
    return this.toOutput(await this.request({ v: PROTOCOL_VERSION, type: 'addMember', seq: ++this.seq, now, id }));
  }

  view(): NodeView {
    return nodeView(this.settings.id, this.disk, this.state, true, this.kv.view(), this.settings.voters);
  }

  terminate(): void {
    this.dead = true;
    this.port.onmessage = null;
    this.port.onerror = null;
    this.port.terminate();
    const stopped = new Error(`node ${this.settings.id} was terminated`);
    this.settle(stopped);
    const forming = this.forming;
    this.forming = null;
    for (const w of forming?.waiting ?? []) w.reject(stopped);
  }

  /** Why the node takes no input now, or null. */
  private refusal(): Error | null {
    if (this.dead) return new Error(`node ${this.settings.id} is not running`);
    if (this.failure) return new Error(`node ${this.settings.id} takes no more input after: ${this.failure}`);
    if (this.pending) return new Error(`node ${this.settings.id} is still busy with ${this.pending.what}`);
    return null;
  }

  private request(msg: ToWorker): Promise<Answer> {
    const refused = this.refusal() ?? (this.forming ? new Error(`node ${this.settings.id} is still busy with a batch`) : null);
    if (refused) return Promise.reject(refused);
    return new Promise<Answer>((resolve, reject) => this.post(msg, [{ what: msg.type, resolve, reject }]));
  }

  /**
   * Queues a tick or delivery for the batch of this synchronous pass; the
   * first one schedules the post, in a microtask, so every input asked for
   * before the pass yields goes in the same message.
   */
  private enqueue(input: BatchInput): Promise<Answer> {
    const refused = this.refusal();
    if (refused) return Promise.reject(refused);
    return new Promise<Answer>((resolve, reject) => {
      const waiting: Waiting = { what: input.type, resolve, reject };
      if (this.forming) {
        this.forming.inputs.push(input);
        this.forming.waiting.push(waiting);
        return;
      }
      this.forming = { inputs: [input], waiting: [waiting] };
      queueMicrotask(() => {
        const forming = this.forming;
        this.forming = null;
        if (!forming) return; // terminated meanwhile: already rejected
        this.post({ v: PROTOCOL_VERSION, type: 'batch', seq: ++this.seq, inputs: forming.inputs }, forming.waiting);
      });
    });
  }

  /** Posts `msg`, answered for `waiting` (one per input it carries), with the answer bound. */
  private post(msg: ToWorker, waiting: Waiting[]): void {
    const timer = setTimeout(() => {
      this.settle(new Error(`node ${this.settings.id} did not answer ${msg.type} within ${this.answerTimeoutMs} ms`));
    }, this.answerTimeoutMs);
    this.pending = { seq: msg.seq, what: msg.type, waiting, timer };
    try {
      this.port.postMessage(msg);
    } catch (err) {
      this.settle(new Error(`could not post ${msg.type} to node ${this.settings.id}: ${String(err)}`));
    }
  }

  private receive(data: unknown): void {
    const problem = invalidFromWorker(data, this.self);
    if (problem) {
      this.fault(`node ${this.settings.id} sent a malformed message (${problem}): ${describeMessage(data)}`);
      return;
    }
    const msg = data as FromWorker;
    if (msg.type === 'error') {
      this.fault(`node ${this.settings.id} failed: ${msg.message}`);
      return;
    }
    const p = this.pending;
    const expected = p?.what === 'batch' ? 'outputs' : 'output';
    if (!p || p.seq !== msg.seq || msg.type !== expected) {
      this.fault(
        `node ${this.settings.id} sent an unexpected ${msg.type} (seq ${msg.seq}, waiting for ${p ? `${expected} ${p.seq}` : 'nothing'})`,
      );
      return;
    }
    if (msg.type === 'outputs') {
      this.receiveBatch(msg, p);
      return;
    }
    const inconsistency = this.outputProblem(msg, p.what);
    if (inconsistency) {
      this.fault(`node ${this.settings.id} sent an invalid output for ${p.what}: ${inconsistency}`);
      return;
    }
    clearTimeout(p.timer);
    this.pending = null;
    p.waiting[0]!.resolve(msg);
  }

  /**
   * Takes a batch's answer. Each output is checked in order against the
   * disk as it will be once the outputs before it are taken (one replay
   * carried from output to output: the mirror itself moves only when the
   * cluster takes each output, in queue order). The inputs before the first
   * failure — an invalid output, or the worker's own error — are answered;
   * the failed one is rejected with the reason, exactly as it would have
   * been alone; the ones after it, which the worker did not handle or
   * whose outputs are not trusted, are rejected too (the cluster crashes the
   * node at the failed one, so they never reach it: src/sim/nodes.ts).
   */
  private receiveBatch(msg: Outputs, p: Pending): void {
    const id = this.settings.id;
    const n = p.waiting.length;
    const { outputs, error } = msg;
    if (error === null ? outputs.length !== n : outputs.length >= n) {
      const what = error === null ? 'without an error' : 'and an error';
      this.fault(`node ${id} sent ${outputs.length} outputs ${what} for a batch of ${n} inputs`);
      return;
    }
    const replay = this.replayFrom(this.disk);
    let failure: string | null = error === null ? null : `node ${id} failed: ${error}`;
    let taken = 0;
    for (; taken < outputs.length; taken++) {
      const problem = this.stepProblem(outputs[taken]!, replay);
      if (problem) {
        failure = `node ${id} sent an invalid output for ${p.waiting[taken]!.what}: ${problem}`;
        break;
      }
    }
    clearTimeout(p.timer);
    this.pending = null;
    if (failure !== null) this.failure ??= failure;
    for (let i = 0; i < n; i++) {
      const w = p.waiting[i]!;
      if (i < taken) w.resolve(outputs[i]!);
      else if (i === taken) w.reject(new Error(failure!));
      else w.reject(new Error(`node ${id} takes no more input after: ${failure!}`));
    }
  }

  private replayFrom(disk: DiskView): DiskReplay {
    return new DiskReplay(disk, this.self.members, this.settings.faults.includes('double-vote'));
  }

  /**
   * Why a well-formed output cannot be what this node produced for a `what`
   * input given its disk (the mirror, or what it says it recovered), or null.
   */
  private outputProblem(out: Output, what: ToWorker['type']): string | null {
    const reportsDisk = what === 'init' || what === 'resume';
    if (reportsDisk !== (out.recovered !== null)) {
      return reportsDisk ? `a ${what} output must report the recovered disk` : `a ${what} output must not report a recovered disk`;
    }
    const expected = RESULT_OF[what];
    if (expected === null ? out.result !== null : out.result === null || !(expected in out.result)) {
      return expected === null ? `a ${what} output must not carry a result` : `a ${what} output must carry its result (${expected})`;
    }
    return this.stepProblem(out, this.replayFrom(out.recovered ? diskViewOf(out.recovered) : this.disk));
  }

  /** Why an output's persist ops and volatile state do not fit the disk `replay` stands at, or null; moves `replay` past them. */
  private stepProblem(out: Answer, replay: DiskReplay): string | null {
    const problem = replay.apply(out.persist);
    if (problem !== null) return problem;
    // Figure 2 / §7: snapshotIndex <= lastApplied <= commitIndex <= the last log index.
    const { snapshotIndex, lastIndex } = replay.after;
    if (out.state.lastApplied < snapshotIndex)
      return `state.lastApplied ${out.state.lastApplied} is below the snapshot index ${snapshotIndex}`;
    if (out.state.commitIndex > lastIndex) return `state.commitIndex ${out.state.commitIndex} is beyond the last log index ${lastIndex}`;
    return null;
  }

  /** Rejects the request in flight, or, between requests, reports the fault to the cluster. */
  private fault(reason: string): void {
    if (this.pending) this.settle(new Error(reason));
    else this.faultHandler?.(reason);
  }

  /** Rejects every input of the message in flight with `err` (the first fails the node; the others never reach it). */
  private settle(err: Error): void {
    const p = this.pending;
    if (!p) return;
    clearTimeout(p.timer);
    this.pending = null;
    if (!this.dead) this.failure ??= err.message;
    for (const w of p.waiting) w.reject(err);
  }

  /** Takes an output: updates the volatile view and the mirrored state machine. */
  private toOutput(out: Answer): NodeOutput {
    this.state = out.state;
    for (const e of out.events) if (e.kind === 'apply') this.kv.apply(e.command);
    // A snapshot's data is the state after every apply that preceded it in this output.
    for (const op of out.persist) if (op.kind === 'snapshot') this.kv.restore(op.snapshot.data);
    return { ready: { persist: out.persist, messages: out.messages, events: out.events }, deadline: out.deadline };
  }
}
