/**
 * The inside of a node's worker: receives one input at a time, runs the pure
 * core, makes its persist ops durable, and only then posts the output (with
 * the messages that depend on them). A batch of inputs is stepped through in
 * order and all of its persist ops are committed in one transaction before
 * its outputs leave together (group commit). Independent of `self`, so Node
 * tests can run it in-process with fake-indexeddb.
 *
 * Nothing reaches the core unchecked: every input is validated against the
 * protocol schemas, a delivered message must come from another member of the
 * cluster to this node, and the disk is validated when it is read back.
 */
import { RaftNode, type PersistOp, type PersistentState, type Ready } from '../raft';
import { raftConfig, volatileOf, type Storage } from '../sim';
import { storedStateProblem } from './consistency';
import { opsWriting } from './resume';
import {
  describeMessage,
  invalidToWorker,
  membershipOf,
  PROTOCOL_VERSION,
  type BatchInput,
  type FromWorker,
  type Membership,
  type ConfChangeResult,
  type ProposeResult,
  type TransferResult,
  type StepOutput,
  type ToWorker,
} from './protocol';
import { explain, PersistentStateSchema } from './schema';

/** A node's disk as the host uses it: a Storage, closed when the host gives up on it. */
export type HostStorage = Storage & { close?(): void };

/** What a host needs from its surroundings (a real worker, or the loopback port in tests). */
export interface NodeHostOptions {
  /** Posts a message to the main thread. */
  post(message: FromWorker): void;
  /** Opens this node's disk. */
  openStorage(dbName: string): Promise<HostStorage>;
  /**
   * Tests only (fault injection): called before the core steps each tick or
   * delivery, alone or in a batch; a string makes the core fail on that
   * input with it as the error, as a bug in the core would.
   */
  failInput?(input: BatchInput): string | null;
}

/**
 * Why a state read back from disk `dbName` cannot be recovered from, as the
 * error the host reports ("disk raftlab:k:node-3 is corrupt: ..."), or null.
 */
export function recoveredDiskProblem(state: unknown, self: Membership, dbName: string): string | null {
  const problem = explain(PersistentStateSchema, state) ?? storedStateProblem(state as PersistentState, self.members);
  return problem ? `disk ${dbName} is corrupt: ${problem}` : null;
}

/** Returns the worker's message handler. Inputs are handled strictly one after another. */
export function createNodeHost(options: NodeHostOptions): (data: unknown) => void {
  let node: RaftNode | null = null;
  let storage: Storage | null = null;
  let chain: Promise<void> = Promise.resolve();
  /** Set from the first valid init, synchronously: what every later delivery is checked against. */
  let self: Membership | null = null;
  /** Once an input has failed, the core may be ahead of its disk: refuse everything after. */
  let broken: string | null = null;

  const fail = (seq: number | null, message: string) => {
    options.post({ v: PROTOCOL_VERSION, type: 'error', seq, message });
  };

  const handle = async (msg: ToWorker, members: Membership): Promise<void> => {
    if (broken) throw new Error(`the node failed earlier (${broken}); ${msg.type} refused`);
    if (msg.type === 'init') {
      const s = msg.settings;
      const disk = await options.openStorage(s.dbName);
      let recovered: PersistentState;
      try {
        const loaded = await disk.load();
        const problem = recoveredDiskProblem(loaded, members, s.dbName);
        if (problem) throw new Error(problem);
        recovered = loaded;
      } catch (err) {
        disk.close?.();
        throw err;
      }
      storage = disk;
      node = new RaftNode(raftConfig(s), recovered, msg.now);
      await finish(msg.seq, node, storage, null, recovered);
      return;
    }
    if (msg.type === 'resume') {
      await resume(msg, members);
      return;
    }
    if (!node || !storage) throw new Error(`${msg.type} received before the node started`);
    if (msg.type === 'batch') {
      await batch(msg, node, storage);
      return;
    }
    let result: ProposeResult | TransferResult | ConfChangeResult | null = null;
    switch (msg.type) {
      case 'tick':
        step(node, { type: 'tick', now: msg.now });
        break;
      case 'deliver':
        step(node, { type: 'deliver', now: msg.now, message: msg.message });
        break;
      case 'propose':
        result = node.propose(msg.command, msg.now);
        break;
      case 'timeout':
        node.timeout(msg.now);
        break;
      case 'setElectionTimer':
        node.setElectionTimer(msg.now, msg.ms);
        break;
      case 'transfer':
        result = { started: node.transferLeadership(msg.to, msg.now) };
        break;
      case 'confChange':
        result = { refusal: node.proposeConfChange(msg.change, msg.now) };
        break;
      case 'addMember':
        break; // the membership was widened on arrival (admit); the core needs nothing (thesis §4.1)
    }
    await finish(msg.seq, node, storage, result, null);
  };

  /**
   * A node started mid-life from a checkpoint (a lab fork, not a Raft
   * recovery): its disk is wiped and written with the saved durable state
   * (Figure 2's persistent state, §7's snapshot), read back and checked like
   * a recovered disk; then the core resumes with the saved volatile state
   * and PRNG. Without `running` (the node was crashed) only the disk is
   * written, and the answer says the node is down.
   */
  const resume = async (msg: Extract<ToWorker, { type: 'resume' }>, members: Membership): Promise<void> => {
    const s = msg.settings;
    const disk = await options.openStorage(s.dbName);
    let written: PersistentState;
    try {
      await disk.wipe();
      await disk.apply(opsWriting(msg.disk));
      const loaded = await disk.load();
      const problem = recoveredDiskProblem(loaded, members, s.dbName);
      if (problem) throw new Error(problem);
      written = loaded;
    } catch (err) {
      disk.close?.();
      throw err;
    }
    if (!msg.running) {
      disk.close?.();
      const at = written.snapshot?.lastIncludedIndex ?? 0;
      options.post({
        v: PROTOCOL_VERSION,
        type: 'output',
        seq: msg.seq,
        persist: [],
        messages: [],
        events: [],
        deadline: Infinity,
        state: {
          role: 'follower',
          commitIndex: at,
          lastApplied: at,
          leader: 0,
          nextIndex: null,
          matchIndex: null,
          votes: [],
          electionDeadline: Infinity,
          electionTimeout: 0,
          preCandidate: false,
          transferee: 0,
          configChangePending: false,
        },
        result: null,
        recovered: written,
      });
      return;
    }
    storage = disk;
    const config = raftConfig(s);
    node = RaftNode.resume(config, written, msg.running.volatile);
    config.random.setState(msg.running.random);
    await finish(msg.seq, node, storage, null, written);
  };

  /** Hands one tick or delivery to the core (throws if the core, or an injected fault, fails on it). */
  const step = (core: RaftNode, input: BatchInput): void => {
    const injected = options.failInput?.(input) ?? null;
    if (injected !== null) throw new Error(injected);
    if (input.type === 'tick') core.tick(input.now);
    else core.step(input.message, input.now);
  };

  /**
   * Steps the core through a batch's inputs in order, exactly as if each
   * had come alone, then commits the persist ops of all of them in ONE
   * transaction, and only then posts every output in one message. Figure 2:
   * persistent state is "updated on stable storage before responding to
   * RPCs" — no output of the batch leaves before the whole batch is durable,
   * which holds a fortiori for each input's own ops. If the core throws on
   * an input, the outputs before it are still committed and answered (as
   * they would have been one by one) with the error, and the node takes
   * nothing more. If the commit fails, nothing of the batch leaves.
   */
  const batch = async (msg: Extract<ToWorker, { type: 'batch' }>, core: RaftNode, disk: Storage): Promise<void> => {
    const outputs: StepOutput[] = [];
    const persist: PersistOp[] = [];
    let error: string | null = null;
    for (const input of msg.inputs) {
      try {
        step(core, input);
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
        break;
      }
      const ready: Ready = core.takeReady();
      for (const op of ready.persist) persist.push(op);
      outputs.push({
        persist: ready.persist,
        messages: ready.messages,
        events: ready.events,
        deadline: core.nextDeadline(),
        state: volatileOf(core),
      });
    }
    if (error !== null) broken ??= error; // the core may be mid-way through the failed input
    await disk.apply(persist);
    options.post({ v: PROTOCOL_VERSION, type: 'outputs', seq: msg.seq, outputs, error });
  };

  const finish = async (
    seq: number,
    core: RaftNode,
    disk: Storage,
    result: ProposeResult | TransferResult | ConfChangeResult | null,
    recovered: PersistentState | null,
  ): Promise<void> => {
    const ready: Ready = core.takeReady();
    // Figure 2: persistent state is "updated on stable storage before
    // responding to RPCs". Nothing of this output (no vote, no
    // acknowledgement) may leave before its persist ops are durable.
    await disk.apply(ready.persist);
    options.post({
      v: PROTOCOL_VERSION,
      type: 'output',
      seq,
      persist: ready.persist,
      messages: ready.messages,
      events: ready.events,
      deadline: core.nextDeadline(),
      state: volatileOf(core),
      result,
      recovered,
    });
  };

  /**
   * The membership `msg` is handled under, or why it is refused before it is
   * queued. An init sets the membership at once, so deliveries queued behind
   * it are checked against it.
   */
  const admit = (msg: ToWorker): Membership | string => {
    if (msg.type === 'init' || msg.type === 'resume') {
      if (self) return msg.type === 'init' ? 'init received twice' : 'resume received after the node started';
      self = membershipOf(msg.settings);
      return self;
    }
    if (!self) return `${msg.type} received before init`;
    // A new node (addNode): deliveries queued after this are checked against the wider membership.
    if (msg.type === 'addMember') self = { id: self.id, members: new Set([...self.members, msg.id]) };
    return self;
  };

  return (data: unknown) => {
    const seq = typeof data === 'object' && data !== null && 'seq' in data && typeof data.seq === 'number' ? data.seq : null;
    const problem = invalidToWorker(data, self);
    if (problem) {
      fail(seq, `malformed message (${problem}): ${describeMessage(data)}`);
      return;
    }
    const msg = data as ToWorker;
    const members = admit(msg);
    if (typeof members === 'string') {
      fail(msg.seq, members);
      return;
    }
    chain = chain
      .then(() => handle(msg, members))
      .catch((err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        broken ??= message;
        fail(msg.seq, message);
      });
  };
}
