/**
 * An imported trace played as a read-only Cluster: the ring, the logs, the
 * space-time diagram, the timeline and the safety monitor read it through
 * the same interface as a live run. There is no engine: `step()` takes the
 * trace's next event, every action refuses ("an imported trace").
 *
 * Node state is folded from the trace's events as Figure 2 names it
 * (currentTerm, votedFor, log[], commitIndex, lastApplied, role); the
 * events are turned into Raft Lab's ClusterEvents, worded from the trace.
 */
import { KvStateMachine, type Entry, type Message, type NodeId, type Role } from '../raft';
import { DEFAULT_NETWORK } from '../sim/options';
import type {
  Cluster,
  ClusterEvent,
  ClusterStats,
  InFlightMessage,
  NetworkOptions,
  NodeView,
  ResolvedClusterOptions,
  StartResult,
} from '../sim/types';
import type { ClusterCheckpoint } from '../sim/checkpoint';
import type { TraceFormatName } from './adapter';
import type { LocatedEvent, TraceEntry, TraceMessage, TraceMeta } from './format';
import type { NodeNames } from './names';
import type { TraceProblem } from './reader';

/** A whole imported trace: what the importer hands to the views and the checker. */
export interface ImportedTrace {
  readonly format: TraceFormatName;
  readonly events: readonly LocatedEvent[];
  readonly names: NodeNames;
  readonly meta: TraceMeta | null;
  /** Lines that could not be read (skipped). */
  readonly problems: readonly TraceProblem[];
  /** Lines in the file. */
  readonly lines: number;
  /** The file's name or URL, for the label. */
  readonly source: string;
}

/** Every action on an imported trace throws this. */
export class ImportedTraceError extends Error {
  constructor(what: string) {
    super(`This is an imported trace: ${what} is off (there is no engine to act on; start a new run to experiment).`);
    this.name = 'ImportedTraceError';
  }
}

/** A message the trace sent and never shows arriving is drawn this long (virtual ms) at most. */
const DEFAULT_FLIGHT_MS = 20;
/** A seek takes this many events between yields to the page. */
export const SEEK_SLICE = 20_000;

interface Fold {
  alive: boolean;
  role: Role;
  term: number;
  vote: NodeId;
  commitIndex: number;
  lastApplied: number;
  /** Entries after the snapshot. */
  log: Entry[];
  snapshotIndex: number;
  snapshotTerm: number;
  leader: NodeId;
  votes: Set<NodeId>;
  matchIndex: Map<NodeId, number>;
  voters: NodeId[] | null;
  kv: KvStateMachine;
  /** The durable state last reported in a `persist` event ("term:vote:last:snapshot"). */
  persisted: string;
}

function newFold(): Fold {
  return {
    alive: true,
    role: 'follower',
    term: 0,
    vote: 0,
    commitIndex: 0,
    lastApplied: 0,
    log: [],
    snapshotIndex: 0,
    snapshotTerm: 0,
    leader: 0,
    votes: new Set(),
    matchIndex: new Map(),
    voters: null,
    kv: new KvStateMachine(),
    persisted: '0:0:0:0',
  };
}

function lastIndex(f: Fold): number {
  return f.snapshotIndex + f.log.length;
}

function termAt(f: Fold, index: number): number | undefined {
  if (index === f.snapshotIndex) return f.snapshotTerm;
  return f.log[index - f.snapshotIndex - 1]?.term;
}

/** Send/receive pairs, found before playing: a message is in flight from its send to its receive. Read-only once made. */
export interface Pairing {
  /** Message id of the send at event i, or of the receive at event i. */
  readonly messageOf: Map<number, number>;
  /** Time each message arrives (or is dropped), if the trace shows it. */
  readonly endOf: Map<number, number>;
  /** Receives with no send in the trace (a message id of their own). */
  readonly orphans: Set<number>;
  readonly flightMs: number;
}

function messageKey(from: string, to: string, msg: TraceMessage): string {
  return `${from}>${to}:${msg.type}:${msg.term}`;
}

/** Pairs each receive with its send: by `id` where the trace gives one, else the oldest unclaimed send of the same type and term on that link. */
export function pairMessages(events: readonly LocatedEvent[]): Pairing {
  const messageOf = new Map<number, number>();
  const endOf = new Map<number, number>();
  const orphans = new Set<number>();
  const byId = new Map<string, number>();
  const byKey = new Map<string, number[]>();
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  let next = 1;
  events.forEach((e, i) => {
    if (e.kind === 'send') {
      const id = next++;
      messageOf.set(i, id);
      sentAt.set(id, e.t);
      if (e.id !== undefined) byId.set(`${e.node}>${e.to}:${e.id}`, id);
      else {
        const key = messageKey(e.node, e.to, e.msg);
        let queue = byKey.get(key);
        if (!queue) byKey.set(key, (queue = []));
        queue.push(id);
      }
    } else if (e.kind === 'receive' || e.kind === 'drop') {
      const from = e.kind === 'receive' ? e.from : e.from;
      const to = e.kind === 'receive' ? e.node : e.to;
      let id: number | undefined;
      if (e.id !== undefined) {
        const key = `${from}>${to}:${e.id}`;
        id = byId.get(key);
        // A duplicate delivery is the same id again: it stays claimable.
      } else if (e.msg) {
        id = byKey.get(messageKey(from, to, e.msg))?.shift();
      }
      if (id === undefined) {
        if (e.kind === 'drop') return;
        id = next++;
        orphans.add(i);
      } else {
        const start = sentAt.get(id)!;
        if (e.kind === 'receive') latencies.push(e.t - start);
      }
      messageOf.set(i, id);
      endOf.set(id, Math.max(endOf.get(id) ?? 0, e.t));
    }
  });
  latencies.sort((a, b) => a - b);
  const median = latencies.length ? latencies[latencies.length >> 1]! : 0;
  return { messageOf, endOf, orphans, flightMs: Math.max(DEFAULT_FLIGHT_MS, median * 3) };
}

function entryList(msg: TraceMessage): TraceEntry[] {
  return Array.isArray(msg.entries) ? msg.entries : Array.from({ length: msg.entries ?? 0 }, () => ({ term: msg.term, command: '' }));
}

/** A trace's RPC as a Raft Lab message, defaults where the trace is silent. */
export function toMessage(from: NodeId, to: NodeId, msg: TraceMessage): Message {
  const base = { from, to, term: msg.term };
  switch (msg.type) {
    case 'RequestVote':
    case 'PreVote':
      return { ...base, type: msg.type, lastLogIndex: msg.lastLogIndex ?? 0, lastLogTerm: msg.lastLogTerm ?? 0 };
    case 'RequestVoteReply':
    case 'PreVoteReply':
      return { ...base, type: msg.type, voteGranted: msg.voteGranted ?? false };
    case 'AppendEntries': {
      const prev = msg.prevLogIndex ?? 0;
      const entries = entryList(msg).map((e, i): Entry => ({ index: prev + i + 1, term: e.term, command: e.command ?? '' }));
      return {
        ...base,
        type: 'AppendEntries',
        prevLogIndex: prev,
        prevLogTerm: msg.prevLogTerm ?? 0,
        entries,
        leaderCommit: msg.leaderCommit ?? 0,
      };
    }
    case 'AppendEntriesReply':
      return {
        ...base,
        type: 'AppendEntriesReply',
        success: msg.success ?? false,
        prevLogIndex: msg.prevLogIndex ?? 0,
        matchIndex: msg.matchIndex ?? 0,
        conflictIndex: msg.conflictIndex ?? 0,
        conflictTerm: msg.conflictTerm ?? 0,
      };
    case 'InstallSnapshot':
      return {
        ...base,
        type: 'InstallSnapshot',
        snapshot: { lastIncludedIndex: msg.lastIncludedIndex ?? 0, lastIncludedTerm: msg.lastIncludedTerm ?? 0, data: {} },
      };
    case 'InstallSnapshotReply':
      return { ...base, type: 'InstallSnapshotReply', lastIncludedIndex: msg.lastIncludedIndex ?? 0 };
    case 'TimeoutNow':
      return { ...base, type: 'TimeoutNow' };
  }
}

export class TraceCluster implements Cluster {
  readonly ids: readonly NodeId[];
  private readonly folds = new Map<NodeId, Fold>();
  /** The trace's send/receive pairs (shared by every cluster of one trace: the app's seeks, a pairing made in the import worker). */
  readonly pairing: Pairing;
  private readonly messages = new Map<number, InFlightMessage>();
  private readonly history: ClusterEvent[] = [];
  private readonly listeners = new Set<(e: ClusterEvent) => void>();
  private readonly appliedLists = new Map<NodeId, { index: number; command: string }[]>();
  private readonly counts: ClusterStats = { messages: 0, bytes: 0, byType: {} };
  private position = 0;
  private clock = 0;
  private destroyed = false;
  /** The trace says how nodes voted: `vote` events, else granted RequestVoteReplies (then read as votes). */
  private readonly voteEvents: boolean;
  private readonly votesKnown: boolean;

  constructor(
    readonly imported: ImportedTrace,
    pairing?: Pairing,
  ) {
    this.ids = imported.names.ids;
    for (const id of this.ids) {
      this.folds.set(id, newFold());
      this.appliedLists.set(id, []);
    }
    this.pairing = pairing ?? pairMessages(imported.events);
    this.voteEvents = imported.events.some((e) => e.kind === 'vote');
    this.votesKnown = this.voteEvents || imported.events.some((e) => e.kind === 'send' && e.msg.type === 'RequestVoteReply');
  }

  /** Events in the trace. */
  get length(): number {
    return this.imported.events.length;
  }

  /** The trace event `step()` would take next (undefined at the end). */
  peek(): LocatedEvent | undefined {
    return this.imported.events[this.position];
  }

  /** The trace event at an index (0-based, as `processed()` counts). */
  eventAt(index: number): LocatedEvent | undefined {
    return this.imported.events[index];
  }

  now(): number {
    return this.clock;
  }

  processed(): number {
    return this.position;
  }

  runFor(ms: number): Promise<void> {
    if (!(ms >= 0)) return Promise.reject(new RangeError(`ms must be a number >= 0, got ${ms}`));
    const until = this.clock + ms;
    while (this.position < this.length && this.imported.events[this.position]!.t <= until) this.take();
    this.clock = Math.max(this.clock, until);
    return Promise.resolve();
  }

  runUntil(pred: () => boolean, maxMs: number): Promise<boolean> {
    const until = this.clock + maxMs;
    while (!pred()) {
      const e = this.peek();
      if (!e || e.t > until) {
        this.clock = Math.max(this.clock, until);
        return Promise.resolve(pred());
      }
      this.take();
    }
    return Promise.resolve(true);
  }

  step(): Promise<boolean> {
    return Promise.resolve(this.stepSync());
  }

  /**
   * Steps until `processed()` is `after`, then sets the clock to `at` (the
   * timeline's seek). Yields to the event loop every SEEK_SLICE events, so
   * a seek across a long trace does not freeze the page.
   */
  async runToPosition(after: number, at: number): Promise<void> {
    let slice = 0;
    while (this.position < after && this.position < this.length) {
      this.take();
      if (++slice === SEEK_SLICE) {
        slice = 0;
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    }
    this.clock = Math.max(this.clock, at);
  }

  /** Synchronous twin of step(), for the checker and tests. */
  stepSync(): boolean {
    if (this.position >= this.length) return false;
    this.take();
    return true;
  }

  node(id: NodeId): NodeView {
    const f = this.folds.get(id);
    if (!f) throw new RangeError(`id must be a node id in ${this.ids.join(', ')}, got ${id}`);
    const leading = f.alive && f.role === 'leader';
    const matchIndex: Record<number, number> = {};
    const nextIndex: Record<number, number> = {};
    if (leading) {
      for (const peer of this.ids) {
        if (peer === id) continue;
        const match = f.matchIndex.get(peer) ?? 0;
        matchIndex[peer] = match;
        nextIndex[peer] = Math.max(match + 1, 1);
      }
    }
    return {
      id,
      alive: f.alive,
      role: f.alive ? f.role : 'follower',
      term: f.term,
      votedFor: f.vote,
      commitIndex: f.commitIndex,
      lastApplied: f.lastApplied,
      log: f.log.slice(),
      snapshotIndex: f.snapshotIndex,
      snapshotTerm: f.snapshotTerm,
      leader: f.alive ? f.leader : 0,
      ...(leading ? { nextIndex, matchIndex } : {}),
      votes: f.alive && f.role === 'candidate' ? [...f.votes] : [],
      electionDeadline: Infinity,
      electionTimeout: 0,
      kv: f.kv.view(),
      config: { voters: f.voters ?? [...this.ids], learners: [] },
      preCandidate: false,
      transferee: 0,
      configChangePending: false,
    };
  }

  applied(id: NodeId): readonly { index: number; command: string }[] {
    this.node(id);
    return this.appliedLists.get(id)!;
  }

  inFlight(): readonly InFlightMessage[] {
    const now = this.clock;
    return [...this.messages.values()].filter((m) => m.deliverAt >= now || this.pairing.endOf.has(m.id));
  }

  subscribe(listener: (e: ClusterEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  trace(): readonly ClusterEvent[] {
    return this.history;
  }

  stats(): ClusterStats {
    return { ...this.counts, byType: { ...this.counts.byType } };
  }

  actions(): readonly never[] {
    return [];
  }

  creationOptions(): ResolvedClusterOptions {
    const options: ResolvedClusterOptions = {
      nodes: this.ids.length,
      seed: 0,
      transport: 'inline',
      electionTimeoutMs: [150, 300],
      heartbeatMs: 50,
      network: { ...DEFAULT_NETWORK },
      snapshotThreshold: 0,
      leaderNoop: false,
      storageKey: '',
      faults: [],
      preVote: false,
      checkQuorum: false,
    };
    return Object.freeze(options);
  }

  network(): Required<NetworkOptions> {
    return { ...DEFAULT_NETWORK };
  }

  linkUp(): boolean {
    return true;
  }

  connected(): boolean {
    return true;
  }

  // Actions: there is no engine.
  start(): Promise<StartResult> {
    return Promise.reject(new ImportedTraceError('submitting a command'));
  }
  timeout(): Promise<void> {
    return Promise.reject(new ImportedTraceError('timing a node out'));
  }
  alignTimers(): Promise<void> {
    return Promise.reject(new ImportedTraceError('aligning timers'));
  }
  spreadTimers(): Promise<void> {
    return Promise.reject(new ImportedTraceError('spreading timers'));
  }
  crash(): Promise<void> {
    return Promise.reject(new ImportedTraceError('crashing a node'));
  }
  restart(): Promise<void> {
    return Promise.reject(new ImportedTraceError('restarting a node'));
  }
  transferLeadership(): Promise<boolean> {
    return Promise.reject(new ImportedTraceError('transferring leadership'));
  }
  addNode(): Promise<number> {
    return Promise.reject(new ImportedTraceError('adding a node'));
  }
  removeNode(): Promise<void> {
    return Promise.reject(new ImportedTraceError('removing a node'));
  }
  disconnect(): void {
    throw new ImportedTraceError('unplugging a node');
  }
  connect(): void {
    throw new ImportedTraceError('plugging a node in');
  }
  setLink(): void {
    throw new ImportedTraceError('cutting a link');
  }
  partition(): void {
    throw new ImportedTraceError('partitioning');
  }
  heal(): void {
    throw new ImportedTraceError('healing the network');
  }
  setNetwork(): void {
    throw new ImportedTraceError('changing the network');
  }
  dropMessage(): boolean {
    throw new ImportedTraceError('dropping a message');
  }
  checkpoint(): ClusterCheckpoint {
    throw new ImportedTraceError('a checkpoint');
  }

  destroy(): Promise<void> {
    this.destroyed = true;
    this.listeners.clear();
    return Promise.resolve();
  }

  // ---------------------------------------------------------------- playing

  private emit(e: ClusterEvent): void {
    this.history.push(e);
    for (const listener of this.listeners) {
      try {
        listener(e);
      } catch (err) {
        console.error('Raft Lab: a trace listener failed:', err);
      }
    }
  }

  private take(): void {
    if (this.destroyed) return;
    const index = this.position;
    const e = this.imported.events[index]!;
    this.position += 1;
    this.clock = Math.max(this.clock, e.t);
    const at = this.clock;
    const names = this.imported.names;
    const node = names.idOf(e.node);
    const f = this.folds.get(node)!;
    const from = `(trace line ${e.line})`;
    const said = (fallback: string): string => (e.reason ? `${e.reason} ${from}` : `${fallback} ${from}`);
    switch (e.kind) {
      case 'state': {
        if (e.voters) {
          // The configuration in force at it (thesis §4.1): majorities are counted among these voters.
          f.voters = e.voters.map((n) => names.idOf(n)).sort((a, b) => a - b);
          this.emit({
            kind: 'config',
            at,
            node,
            term: f.term,
            index: lastIndex(f),
            config: { voters: f.voters, learners: [] },
            committed: false,
            inForce: true,
            reason: said(`node ${node}'s voters are ${f.voters.join(', ') || 'none'}`),
          });
        }
        const newTerm = e.term !== undefined && e.term !== f.term;
        if (newTerm) {
          // Figure 2: a new term starts with no vote and no leader known.
          f.term = e.term!;
          f.leader = 0;
          if (e.vote === undefined) f.vote = 0;
        }
        if (e.vote !== undefined) f.vote = e.vote ? names.idOf(e.vote) : 0;
        const role = e.role;
        // A campaign's start, which lets the monitor check its majority (§5.2) — only where the trace shows the votes.
        if (this.votesKnown && role === 'candidate' && (f.role !== 'candidate' || newTerm)) {
          this.emit({
            kind: 'timeout',
            at,
            node,
            term: f.term,
            reason: said(`node ${node} started an election for term ${f.term}`),
          });
        }
        if (newTerm) this.emit({ kind: 'term', at, node, term: f.term, reason: said(`node ${node} is now in term ${f.term}`) });
        if (role !== undefined && (role !== f.role || newTerm)) {
          f.role = role;
          f.votes = new Set(role === 'candidate' && f.vote === node ? [node] : []);
          f.matchIndex = new Map();
          if (role === 'leader') f.leader = node;
          this.emit({
            kind: 'role',
            at,
            node,
            role,
            term: f.term,
            reason: said(`node ${node} became ${role} in term ${f.term}`),
          });
        }
        if (e.commitIndex !== undefined && e.commitIndex !== f.commitIndex) this.commit(f, node, e.commitIndex, at);
        this.persisted(f, node, at);
        break;
      }
      case 'send': {
        const to = names.idOf(e.to);
        const id = this.pairing.messageOf.get(index)!;
        const payload = toMessage(node, to, e.msg);
        const end = this.pairing.endOf.get(id);
        const message: InFlightMessage = {
          id,
          from: node,
          to,
          type: payload.type,
          sentAt: at,
          deliverAt: end ?? e.deliverAt ?? at + this.pairing.flightMs,
          payload,
          duplicate: false,
        };
        this.messages.set(id, message);
        // A trace without vote events: a RequestVoteReply sent is the vote it carries.
        if (!this.voteEvents && payload.type === 'RequestVoteReply') this.vote(f, node, payload.term, to, payload.voteGranted, at, null);
        this.counts.messages += 1;
        this.counts.bytes += JSON.stringify(payload).length;
        this.counts.byType[payload.type] = (this.counts.byType[payload.type] ?? 0) + 1;
        this.emit({ kind: 'send', at, message });
        break;
      }
      case 'receive': {
        const fromId = names.idOf(e.from);
        const id = this.pairing.messageOf.get(index)!;
        const payload = toMessage(fromId, node, e.msg);
        const message = this.messages.get(id) ?? {
          id,
          from: fromId,
          to: node,
          type: payload.type,
          sentAt: at,
          deliverAt: at,
          payload,
          duplicate: false,
        };
        if ((this.pairing.endOf.get(id) ?? at) <= at) this.messages.delete(id);
        this.emit({ kind: 'deliver', at, message: { ...message, deliverAt: at } });
        this.received(f, payload);
        break;
      }
      case 'drop': {
        const id = this.pairing.messageOf.get(index);
        const message = id === undefined ? undefined : this.messages.get(id);
        if (message) {
          this.messages.delete(message.id);
          this.emit({ kind: 'drop', at, message, reason: 'lost' });
        }
        break;
      }
      case 'vote':
        this.vote(f, node, e.term, names.idOf(e.candidate), e.granted, at, e.reason ? said('') : null);
        break;
      case 'append':
        this.append(f, node, e.index, e.entries, at);
        break;
      case 'truncate':
        this.truncate(f, node, e.from, at);
        break;
      case 'commit':
        this.commit(f, node, e.commitIndex, at);
        break;
      case 'apply': {
        const command = e.command ?? termCommand(f, e.index);
        f.lastApplied = Math.max(f.lastApplied, e.index);
        f.kv.apply(command);
        this.appliedLists.get(node)!.push({ index: e.index, command });
        this.emit({ kind: 'apply', at, node, index: e.index, term: e.term, command });
        break;
      }
      case 'crash':
        // Its volatile state is gone; the view shows what a restart starts from (Figure 2, §7).
        f.alive = false;
        f.role = 'follower';
        f.leader = 0;
        f.votes = new Set();
        f.commitIndex = f.snapshotIndex;
        f.lastApplied = f.snapshotIndex;
        this.emit({ kind: 'crash', at, node, reason: said(`node ${node} crashed`), cause: 'failure' });
        break;
      case 'restart':
        // Volatile state starts over (Figure 2); the state machine from the snapshot (§7).
        f.alive = true;
        f.role = 'follower';
        f.leader = 0;
        f.commitIndex = f.snapshotIndex;
        f.lastApplied = f.snapshotIndex;
        f.kv = new KvStateMachine();
        this.appliedLists.set(node, []);
        this.emit({ kind: 'restart', at, node });
        break;
      case 'snapshot':
        this.snapshot(f, node, e.index, e.term, e.how ?? 'compacted', at);
        break;
    }
  }

  /** Figure 2, RequestVote receiver: the node's answer (its votedFor, if granted). */
  private vote(f: Fold, node: NodeId, term: number, candidate: NodeId, granted: boolean, at: number, reason: string | null): void {
    if (term > f.term) {
      f.term = term;
      f.leader = 0;
      f.vote = 0;
    }
    if (granted && term === f.term) f.vote = candidate;
    this.emit({
      kind: 'vote',
      at,
      node,
      term,
      candidate,
      granted,
      reason:
        reason ??
        `node ${node} ${granted ? 'granted' : 'refused'} its vote to node ${candidate} in term ${term} (trace line ${this.imported.events[this.position - 1]!.line})`,
    });
    this.persisted(f, node, at);
  }

  /** What a received RPC tells the view: the leader it heard from, votes, matchIndex. */
  private received(f: Fold, m: Message): void {
    if (m.type === 'AppendEntries' || m.type === 'InstallSnapshot') {
      if (m.term >= f.term && f.role !== 'leader') f.leader = m.from;
    } else if (m.type === 'RequestVoteReply' && m.voteGranted && f.role === 'candidate' && m.term === f.term) {
      f.votes.add(m.from);
    } else if (m.type === 'AppendEntriesReply' && m.success && f.role === 'leader' && m.term <= f.term && m.matchIndex > 0) {
      f.matchIndex.set(m.from, Math.max(f.matchIndex.get(m.from) ?? 0, m.matchIndex));
    }
  }

  /** Figure 2, AppendEntries receiver rules 3–4 (the format's `append`): keep what matches, replace from a conflict. */
  private append(f: Fold, node: NodeId, index: number, entries: readonly TraceEntry[], at: number): void {
    let i = 0;
    // Entries inside the snapshot are committed and kept (§7).
    while (i < entries.length && index + i <= f.snapshotIndex) i++;
    while (i < entries.length && termAt(f, index + i) === entries[i]!.term && index + i <= lastIndex(f)) i++;
    if (i >= entries.length) return;
    const from = index + i;
    if (from > lastIndex(f) + 1) {
      // A gap: the trace never said what came before. Unknown entries, shown as such.
      for (let k = lastIndex(f) + 1; k < from; k++) f.log.push({ index: k, term: 0, command: '' });
    }
    const truncatedFrom = from <= lastIndex(f) ? from : null;
    if (truncatedFrom !== null) f.log.length = truncatedFrom - f.snapshotIndex - 1;
    const written = entries.slice(i).map((e, k): Entry => ({ index: from + k, term: e.term, command: e.command ?? '' }));
    f.log.push(...written);
    this.emit({ kind: 'append', at, node, term: f.term, fromIndex: from, entries: written, truncatedFrom });
    this.persisted(f, node, at);
  }

  private truncate(f: Fold, node: NodeId, from: number, at: number): void {
    if (from > lastIndex(f)) return;
    const keep = Math.max(0, from - f.snapshotIndex - 1);
    f.log.length = keep;
    this.emit({ kind: 'append', at, node, term: f.term, fromIndex: from, entries: [], truncatedFrom: from });
    this.persisted(f, node, at);
  }

  private commit(f: Fold, node: NodeId, commitIndex: number, at: number): void {
    if (commitIndex === f.commitIndex) return;
    f.commitIndex = commitIndex;
    this.emit({ kind: 'commit', at, node, term: f.term, commitIndex });
  }

  private snapshot(f: Fold, node: NodeId, index: number, term: number, how: 'compacted' | 'installed', at: number): void {
    // §7 / Figure 13 step 6: keep the entries after the snapshot if the log holds its last entry; else none.
    const keepTail = termAt(f, index) === term && index <= lastIndex(f);
    const tail = keepTail ? f.log.slice(index - f.snapshotIndex) : [];
    f.log = tail;
    f.snapshotIndex = index;
    f.snapshotTerm = term;
    if (how === 'installed') {
      f.commitIndex = Math.max(f.commitIndex, index);
      f.lastApplied = Math.max(f.lastApplied, index);
    }
    this.emit({ kind: 'snapshot', at, node, lastIncludedIndex: index, lastIncludedTerm: term, reason: how });
    this.persisted(f, node, at);
  }

  /** The node's durable state changed: a `persist` event, as a live run reports (the space-time diagram and the disks read it). */
  private persisted(f: Fold, node: NodeId, at: number): void {
    const key = `${f.term}:${f.vote}:${lastIndex(f)}:${f.snapshotIndex}`;
    if (key === f.persisted) return;
    f.persisted = key;
    this.emit({ kind: 'persist', at, node, term: f.term, votedFor: f.vote, lastIndex: lastIndex(f), snapshotIndex: f.snapshotIndex });
  }
}

/** The command of the entry at `index` in the node's log, '' if unknown. */
function termCommand(f: Fold, index: number): string {
  return f.log[index - f.snapshotIndex - 1]?.command ?? '';
}
