/**
 * The inside of a node's worker: receives one input at a time, runs the pure
 * core, makes its persist ops durable, and only then posts the output (with
 * the messages that depend on them). Independent of `self`, so Node tests can
 * run it in-process with fake-indexeddb.
 */
import { RaftNode, type PersistentState, type Ready } from '../raft';
import { raftConfig, type Storage } from '../sim';
import {
  describeMessage,
  invalidToWorker,
  PROTOCOL_VERSION,
  type FromWorker,
  type ToWorker,
  type VolatileState,
} from './protocol';

export interface NodeHostOptions {
  /** Posts a message to the main thread. */
  post(message: FromWorker): void;
  /** Opens this node's disk. */
  openStorage(dbName: string): Promise<Storage>;
}

/** Returns the worker's message handler. Inputs are handled strictly one after another. */
export function createNodeHost(options: NodeHostOptions): (data: unknown) => void {
  let node: RaftNode | null = null;
  let storage: Storage | null = null;
  let chain: Promise<void> = Promise.resolve();

  const fail = (seq: number | null, message: string) => {
    options.post({ v: PROTOCOL_VERSION, type: 'error', seq, message });
  };

  const handle = async (msg: ToWorker): Promise<void> => {
    if (msg.type === 'init') {
      if (node) throw new Error('init received twice');
      const s = msg.settings;
      storage = await options.openStorage(s.dbName);
      const recovered = await storage.load();
      node = new RaftNode(raftConfig(s), recovered, msg.now);
      await finish(msg.seq, node, storage, null, recovered);
      return;
    }
    if (!node || !storage) throw new Error(`${msg.type} received before init`);
    let result: { index: number; term: number; isLeader: boolean } | null = null;
    switch (msg.type) {
      case 'tick':
        node.tick(msg.now);
        break;
      case 'deliver':
        node.step(msg.message, msg.now);
        break;
      case 'propose':
        result = node.propose(msg.command, msg.now);
        break;
      case 'timeout':
        node.timeout(msg.now);
        break;
    }
    await finish(msg.seq, node, storage, result, null);
  };

  const finish = async (
    seq: number,
    core: RaftNode,
    disk: Storage,
    result: { index: number; term: number; isLeader: boolean } | null,
    recovered: PersistentState | null,
  ): Promise<void> => {
    const ready: Ready = core.takeReady();
    // Figure 2: persistent state is "updated on stable storage before responding to RPCs".
    await disk.apply(ready.persist);
    options.post({
      v: PROTOCOL_VERSION,
      type: 'output',
      seq,
      persist: ready.persist,
      messages: ready.messages,
      events: ready.events,
      deadline: core.nextDeadline(),
      state: volatileState(core),
      result,
      recovered,
    });
  };

  return (data: unknown) => {
    const problem = invalidToWorker(data);
    if (problem) {
      const seq = typeof data === 'object' && data !== null && 'seq' in data && typeof data.seq === 'number' ? data.seq : null;
      fail(seq, `malformed message (${problem}): ${describeMessage(data)}`);
      return;
    }
    const msg = data as ToWorker;
    chain = chain.then(
      () => handle(msg),
      () => undefined,
    ).catch((err: unknown) => {
      fail(msg.seq, err instanceof Error ? err.message : String(err));
    });
  };
}

export function volatileState(core: RaftNode): VolatileState {
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
  };
}
