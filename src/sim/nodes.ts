/**
 * The nodes' lives, as the cluster runs them: booting a runtime from a disk,
 * handing it timer ticks and messages, taking its outputs (mirror the
 * persist ops, report the events, release the messages, re-arm the timer),
 * and ending it — crashed by the user, or failed. Each node has one slot
 * that outlives its incarnations: the disk, the applied history, the timer.
 */
import { deepFreeze, type ConfChange, type NodeId } from '../raft';
import type { Network } from './network';
import type { ResolvedOptions } from './options';
import { loadNodes, resumeNodes, saveNodes, type NodeSave } from './nodes-save';
import { nodeSeed, storedView, type NodeOutput, type NodeRuntime, type NodeSettings } from './runtime';
import type { Call, QueueItem, Scheduler, TimerItem } from './scheduler';
import { MemoryStorage } from './storage';
import type { ClusterEvent, DiskSummary, NodeView, StartResult } from './types';

export type { NodeSave } from './nodes-save';

/** Creates a runtime for one node life; the worker transport supplies its own. */
export type RuntimeFactory = (settings: NodeSettings, disk: MemoryStorage) => NodeRuntime;

export interface NodeSlot {
  readonly id: NodeId;
  /** The stored state: the inline node's disk, or the mirror of a worker's IndexedDB. */
  readonly disk: MemoryStorage;
  runtime: NodeRuntime | null;
  incarnation: number;
  /** Virtual ms of the queued timer item, Infinity if none. */
  timerAt: number;
  timerGen: number;
  readonly applied: { index: number; command: string }[];
  /** A frozen copy of `applied`, handed out until the next apply. */
  appliedCopy: readonly { index: number; command: string }[] | null;
  /** A founding node (its initial configuration has every founding node as a voter); false for one added later. */
  readonly founder: boolean;
  /** Its removal was committed: it was shut down and is no longer one of `ids`. */
  removed: boolean;
}

/** Membership as the host keeps it (a checkpoint saves it). */
export interface MembershipSave {
  /** The nodes now, in id order. */
  readonly current: readonly NodeId[];
  /** Added nodes not yet seen in a committed configuration. */
  readonly joining: readonly NodeId[];
  /** Index of the latest committed configuration entry seen (0: none). */
  readonly confSeen: number;
}

export class Nodes {
  private readonly slots: NodeSlot[] = [];
  /** The nodes now, in id order (frozen; replaced on each change). */
  private current: readonly NodeId[];
  /** The founding nodes: the voters of the initial configuration. */
  readonly founders: readonly NodeId[];
  /** Added nodes not yet in a committed configuration: a committed configuration without them does not remove them. */
  private readonly joining = new Set<NodeId>();
  /** Index of the latest committed configuration entry acted on: an older one committed late changes nothing. */
  private confSeen = 0;

  constructor(
    ids: readonly NodeId[],
    private readonly options: ResolvedOptions,
    /** @internal (nodes-save.ts) */
    readonly makeRuntime: RuntimeFactory,
    private readonly net: Network,
    private readonly sched: Scheduler,
    /** @internal (nodes-save.ts) */
    readonly emit: (e: ClusterEvent) => void,
  ) {
    this.founders = Object.freeze([...ids]);
    this.current = this.founders;
    for (const id of ids) this.makeSlot(id, true);
    sched.batches = (id) => this.slot(id).runtime?.batching === true;
  }

  private makeSlot(id: NodeId, founder: boolean): NodeSlot {
    const slot: NodeSlot = {
      id,
      disk: new MemoryStorage(),
      runtime: null,
      incarnation: 0,
      timerAt: Infinity,
      timerGen: 0,
      applied: [],
      appliedCopy: null,
      founder,
      removed: false,
    };
    this.slots[id] = slot;
    return slot;
  }

  /** The nodes now, in id order. */
  get ids(): readonly NodeId[] {
    return this.current;
  }

  /** Every node id the cluster has had, removed ones included: 1..the highest. */
  get everIds(): NodeId[] {
    return Array.from({ length: this.slots.length - 1 }, (_, i) => i + 1);
  }

  /** Is `id` one of the nodes now? */
  has(id: NodeId): boolean {
    return this.slots[id]?.removed === false;
  }

  /** The slot of a node, removed ones included (their queued items still come due). */
  slot(id: NodeId): NodeSlot {
    const slot = this.slots[id];
    if (!slot) throw new Error(`id must be a node id in ${describeIds(this.current)}, got ${id}`);
    return slot;
  }

  // ------------------------------------------------------------ membership

  /**
   * A new node, highest id ever + 1, empty disk, booted (alive): every live
   * node first learns that the id exists (its message checks), then the new
   * one starts. Its configuration is empty until the leader's entries reach
   * it (thesis §4.2.1). Returns its slot.
   */
  async add(): Promise<NodeSlot> {
    const id = this.slots.length;
    const slot = this.makeSlot(id, false);
    this.current = Object.freeze([...this.current, id]);
    this.joining.add(id);
    this.net.grow(id);
    this.emit({ kind: 'added', at: this.clock, node: id });
    for (const other of this.everIds) {
      const o = this.slots[other]!;
      if (other === id || !o.runtime) continue;
      const r = this.absorb(o, o.runtime.addMember(id, this.clock));
      if (r !== true) await r;
    }
    const booted = this.boot(slot);
    if (booted) await booted;
    return slot;
  }

  /** Asks node `slot` (a leader) to hand leadership to `to` (thesis §3.10): whether it started. */
  transfer(slot: NodeSlot, to: NodeId): boolean | Promise<boolean> {
    if (!slot.runtime) return false;
    return this.withResult(slot, slot.runtime.transferLeadership(to, this.clock), (o) => o.started, false);
  }

  /** Asks node `slot` (a leader) for a single-server change (thesis §4.1): null if taken, else why not. */
  confChange(slot: NodeSlot, change: ConfChange): string | null | Promise<string | null> {
    if (!slot.runtime) return `node ${slot.id} is not running`;
    return this.withResult(slot, slot.runtime.proposeConfChange(change, this.clock), (o) => o.refusal, `node ${slot.id} failed`);
  }

  /** Takes an output that carries an answer; `failed` if the node failed meanwhile. */
  private withResult<O extends NodeOutput, T>(slot: NodeSlot, out: O | Promise<O>, pick: (o: O) => T, failed: T): T | Promise<T> {
    if (out instanceof Promise) {
      return out.then(
        async (o) => {
          await this.absorbSafely(slot, o);
          return slot.runtime ? pick(o) : failed;
        },
        async (err: unknown) => {
          await this.fail(slot, err);
          return failed;
        },
      );
    }
    const r = this.absorbSafely(slot, out);
    if (r instanceof Promise) return r.then(() => failed);
    return slot.runtime ? pick(out) : failed;
  }

  /**
   * A configuration entry was committed at some node (thesis §4.1): every
   * node that was a member and is not in it any more is shut down and leaves
   * `ids`. Only the newest committed configuration counts (a node catching
   * up commits older ones late); an added node not yet in any committed one
   * is joining, not removed.
   */
  private configCommitted(index: number, members: readonly NodeId[]): void {
    if (index <= this.confSeen) return;
    this.confSeen = index;
    for (const id of members) this.joining.delete(id);
    for (const id of this.current) {
      if (members.includes(id) || this.joining.has(id)) continue;
      this.removing.push({ id, index });
    }
  }

  /** Removals found while an output was taken, carried out once it is taken. */
  private removing: { id: NodeId; index: number }[] = [];

  private finishRemovals(): void {
    while (this.removing.length > 0) {
      const { id, index } = this.removing.shift()!;
      const slot = this.slots[id]!;
      if (slot.removed) continue;
      slot.removed = true;
      this.current = Object.freeze(this.current.filter((n) => n !== id));
      const runtime = slot.runtime;
      slot.runtime = null;
      slot.timerGen += 1;
      slot.timerAt = Infinity;
      this.emit({ kind: 'removed', at: this.clock, node: id, index });
      this.net.dropTo(id, 'receiver crashed');
      const r = runtime?.terminate();
      if (r instanceof Promise) r.catch(() => undefined);
    }
  }

  /** Membership as plain data (a checkpoint). */
  saveMembership(): MembershipSave {
    return { current: [...this.current], joining: [...this.joining], confSeen: this.confSeen };
  }

  /** Puts saved membership back: slots for every id up to `highest`, the removed ones marked. */
  loadMembership(highest: NodeId, m: MembershipSave | undefined): void {
    for (let id = this.slots.length; id <= highest; id++) this.makeSlot(id, false);
    this.net.grow(highest);
    if (!m) return;
    this.current = Object.freeze([...m.current]);
    for (const id of this.everIds) this.slots[id]!.removed = !m.current.includes(id);
    this.joining.clear();
    for (const id of m.joining) this.joining.add(id);
    this.confSeen = m.confSeen;
  }

  /** Virtual ms now. */
  get clock(): number {
    return this.sched.clock;
  }

  /** A node's state now, frozen (a crashed node: what is on its disk). */
  view(id: NodeId): NodeView {
    const slot = this.slot(id);
    return deepFreeze(slot.runtime ? slot.runtime.view() : storedView(id, slot.disk, this.votersOf(slot)));
  }

  /** The initial configuration's voters, for this node: the founders, or none for a node added later (it learns them). */
  votersOf(slot: NodeSlot): readonly NodeId[] {
    return slot.founder ? this.founders : [];
  }

  /** Everything the node applied since creation, across restarts (frozen). */
  applied(id: NodeId): readonly { index: number; command: string }[] {
    const slot = this.slot(id);
    slot.appliedCopy ??= Object.freeze(slot.applied.slice());
    return slot.appliedCopy;
  }

  // ------------------------------------------------------------ lifecycle

  /**
   * Boots every node (the first life of each). Runtimes start in parallel
   * but their outputs are taken in id order, so the history does not depend
   * on which worker answers first. Returns a promise if any runtime is
   * asynchronous.
   */
  bootAll(): void | Promise<void> {
    const outputs = this.ids.map((id) => this.launch(this.slot(id)));
    if (outputs.every((o) => !(o instanceof Promise))) {
      outputs.forEach((o, i) => this.absorbBoot(this.slot(this.ids[i]!), o as NodeOutput));
      return;
    }
    return (async () => {
      for (let i = 0; i < outputs.length; i++) {
        const slot = this.slot(this.ids[i]!);
        try {
          this.absorbBoot(slot, await outputs[i]!);
        } catch (err) {
          await this.fail(slot, err);
        }
      }
    })();
  }

  /** Takes a first life's boot output, reporting what it recovered from a non-empty disk. */
  private absorbBoot(slot: NodeSlot, out: NodeOutput): void {
    const disk = diskSummary(slot.disk);
    if (disk.term > 0 || disk.lastIndex > 0) this.emit({ kind: 'recover', at: this.clock, node: slot.id, ...disk });
    this.absorbNow(slot, out);
  }

  /** A new life of a node: a fresh runtime recovering from its disk. */
  boot(slot: NodeSlot): void | Promise<void> {
    const r = this.absorb(slot, this.launch(slot));
    return r === true ? undefined : r;
  }

  /** The settings of the node's present life. */
  settingsOf(slot: NodeSlot): NodeSettings {
    const o = this.options;
    return {
      id: slot.id,
      nodes: this.everIds,
      voters: this.votersOf(slot),
      electionTimeoutMs: o.electionTimeoutMs,
      heartbeatMs: o.heartbeatMs,
      snapshotThreshold: o.snapshotThreshold,
      leaderNoop: o.leaderNoop,
      faults: o.faults,
      preVote: o.preVote,
      checkQuorum: o.checkQuorum,
      seed: nodeSeed(o.seed, slot.id, slot.incarnation),
      storageKey: o.storageKey,
    };
  }

  private launch(slot: NodeSlot): NodeOutput | Promise<NodeOutput> {
    slot.incarnation += 1;
    const runtime = this.makeRuntime(this.settingsOf(slot), slot.disk);
    slot.runtime = runtime;
    runtime.onFault?.((reason) => {
      if (slot.runtime === runtime) void this.fail(slot, new Error(reason));
    });
    if (slot.incarnation > 1) this.emit({ kind: 'restart', at: this.clock, node: slot.id });
    return runtime.boot(this.clock);
  }

  /** Ends the node's life: volatile state and messages on their way to it are lost; its disk stays. */
  kill(slot: NodeSlot, reason: string, cause: 'user' | 'restart' | 'failure'): void | Promise<void> {
    const runtime = slot.runtime;
    if (!runtime) return;
    slot.runtime = null;
    slot.timerGen += 1; // its queued timer is now stale
    slot.timerAt = Infinity;
    this.emit({ kind: 'crash', at: this.clock, node: slot.id, reason, cause });
    this.net.dropTo(slot.id, 'receiver crashed');
    return runtime.terminate();
  }

  /** A runtime that failed (a worker that threw, answered nonsense or stopped answering) is a crashed node. */
  fail(slot: NodeSlot, err: unknown): void | Promise<void> {
    const message = err instanceof Error ? err.message : String(err);
    this.emit({ kind: 'error', at: this.clock, node: slot.id, message });
    if (slot.runtime) return this.kill(slot, `it failed: ${message}`, 'failure');
  }

  /** Stops every runtime (destroy). */
  terminateAll(): Promise<void> {
    const pending: Promise<void>[] = [];
    for (const id of this.everIds) {
      const slot = this.slot(id);
      const r = slot.runtime?.terminate();
      if (r) pending.push(r);
      slot.runtime = null;
    }
    return Promise.all(pending).then(() => undefined);
  }

  // ----------------------------------------------------------- checkpoints

  /** Every node as plain data (nodes-save.ts). */
  save(): NodeSave[] {
    return saveNodes(this);
  }

  /** Puts saved nodes back, inline runtimes resumed mid-life (nodes-save.ts). */
  load(saved: readonly NodeSave[]): void {
    loadNodes(this, saved);
  }

  /** Puts saved nodes back on a transport whose nodes run elsewhere (nodes-save.ts). */
  resumeAll(saved: readonly NodeSave[]): Promise<void> {
    return resumeNodes(this, saved);
  }

  /** The timer items still live (not stale), for a checkpoint of the queue. */
  liveTimers(items: readonly QueueItem[]): TimerItem[] {
    return items.filter(
      (i): i is TimerItem => i.kind === 'timer' && i.gen === this.slot(i.node).timerGen && this.slot(i.node).runtime !== null,
    );
  }

  // --------------------------------------------------------------- inputs

  /** A client command at the node, like Start(): index -1 unless a live leader took it. */
  propose(slot: NodeSlot, command: string): StartResult | Promise<StartResult> {
    const refused = (): StartResult => ({ index: -1, term: slot.disk.currentTerm, isLeader: false });
    if (!slot.runtime) return refused();
    const out = slot.runtime.propose(command, this.clock);
    if (out instanceof Promise) {
      return out.then(
        async (o) => {
          await this.absorbSafely(slot, o);
          return slot.runtime ? o.result : refused();
        },
        async (err: unknown) => {
          // The node failed while taking the command: it is crashed, and
          // the command was not taken (like Start() on a dead server).
          await this.fail(slot, err);
          return refused();
        },
      );
    }
    const r = this.absorbSafely(slot, out);
    if (r instanceof Promise) return r.then(refused);
    return slot.runtime ? out.result : refused();
  }

  /** Fires the node's election timer now. */
  timeout(slot: NodeSlot): void | Promise<void> {
    if (!slot.runtime) return;
    const r = this.absorb(slot, slot.runtime.timeout(this.clock));
    return r === true ? undefined : r;
  }

  /** Sets the node's election timer to fire `ms` from now (a lab control; see RaftNode.setElectionTimer). */
  setElectionTimer(slot: NodeSlot, ms: number): void | Promise<void> {
    if (!slot.runtime) return;
    const r = this.absorb(slot, slot.runtime.setElectionTimer(ms, this.clock));
    return r === true ? undefined : r;
  }

  /**
   * First half of handling a queue item (the scheduler's dispatch): decide
   * whether it reaches a node and, if so, hand it over. Emits nothing.
   */
  dispatch(item: QueueItem): Call {
    if (item.kind === 'timer') {
      const slot = this.slot(item.node);
      if (item.gen !== slot.timerGen || !slot.runtime) return null;
      slot.timerAt = Infinity;
      return slot.runtime.tick(item.at);
    }
    if (item.cancelled) return null;
    const runtime = this.slot(item.to).runtime;
    if (!runtime || this.net.fate(item, true) !== null) return null;
    return runtime.deliver(item.payload, item.at);
  }

  /**
   * Second half, in queue order: emit what happened and take the node's output.
   *
   * An item handed over in a batch behind one on which its node failed
   * (src/sim/scheduler.ts) must end as it would have unbatched, where its
   * dispatch would have found the node crashed: a delivery was dropped with
   * the node (kill → Network.dropTo: cancelled, not an event); a delivery
   * or timer whose node has no runtime any more is taken as never handed
   * over (the node's answer, a rejection, is ignored).
   */
  complete(item: QueueItem, call: Call): boolean | Promise<void> {
    if (item.kind === 'timer') {
      const slot = this.slot(item.node);
      if (call !== null && !slot.runtime) return false; // its node crashed meanwhile: stale, as dispatch would have found it
      return call === null ? false : this.absorb(slot, call);
    }
    if (item.cancelled) return false; // dropped meanwhile (its receiver crashed)
    const slot = this.slot(item.to);
    if (call === null || !slot.runtime) {
      this.net.drop(item, this.net.fate(item, slot.runtime !== null) ?? 'receiver crashed');
      return true;
    }
    this.net.delivered(item);
    this.emit({ kind: 'deliver', at: this.clock, message: item.public });
    return this.absorb(slot, call);
  }

  // -------------------------------------------------------------- outputs

  /**
   * Takes a node's output: persist (mirror) first, then events, then release
   * its messages to the network, then re-arm its timer.
   */
  private absorb(slot: NodeSlot, out: NodeOutput | Promise<NodeOutput>): true | Promise<void> {
    if (out instanceof Promise) {
      return out.then(
        (o) => this.absorbSafely(slot, o),
        (err: unknown) => this.fail(slot, err),
      );
    }
    const r = this.absorbSafely(slot, out);
    return r instanceof Promise ? r : true;
  }

  /**
   * Takes an output, or — if it cannot be taken (persist ops that do not fit
   * the disk) — fails the node, so a bad output never wedges the run.
   */
  private absorbSafely(slot: NodeSlot, out: NodeOutput): void | Promise<void> {
    try {
      this.absorbNow(slot, out);
    } catch (err) {
      return this.fail(slot, err);
    }
  }

  private absorbNow(slot: NodeSlot, out: NodeOutput): void {
    const { ready } = out;
    if (!slot.runtime) return; // crashed while the output was on its way
    if (ready.persist.length > 0) {
      slot.disk.apply(ready.persist); // all or nothing: throws before any change
      this.emit({ kind: 'persist', at: this.clock, node: slot.id, ...diskSummary(slot.disk) });
    }
    for (const e of ready.events) {
      if (e.kind === 'apply') {
        slot.applied.push(Object.freeze({ index: e.index, command: e.command }));
        slot.appliedCopy = null;
      } else if (e.kind === 'config' && e.committed) {
        this.configCommitted(e.index, [...e.config.voters, ...e.config.learners]);
      }
      this.emit(e);
    }
    for (const m of ready.messages) this.net.send(m);
    this.arm(slot, out.deadline);
    if (this.removing.length > 0) this.finishRemovals();
  }

  /**
   * Keeps exactly one live timer item per node, at the node's own next
   * deadline: when the deadline moves (earlier or later) the queued item goes
   * stale and a new one is queued. A node is therefore never ticked before
   * its deadline. That matters for the windowed dispatch: a tick at a stale
   * time would answer with the real deadline, which may fall inside the
   * look-ahead window after events already handed out, and run out of order
   * (virtual time going back). Every deadline a node sets is at least the
   * minimum heartbeat or election timeout ahead of the input that set it
   * (§5.2), which is what the look-ahead relies on.
   */
  private arm(slot: NodeSlot, deadline: number): void {
    if (deadline === slot.timerAt) return;
    slot.timerAt = deadline;
    slot.timerGen += 1;
    if (deadline === Infinity) return;
    this.sched.queue.push({ kind: 'timer', at: Math.max(deadline, this.clock), seq: 0, node: slot.id, gen: slot.timerGen });
  }
}

/** What a disk holds, in brief (persist and recover events). */
export function diskSummary(d: MemoryStorage): DiskSummary {
  const snapshotIndex = d.storedSnapshot?.lastIncludedIndex ?? 0;
  return { term: d.currentTerm, votedFor: d.vote, lastIndex: d.lastIndex, snapshotIndex };
}

/** "1..5", or "1, 2, 4, 6" once membership changes have left gaps. */
export function describeIds(ids: readonly NodeId[]): string {
  const contiguous = ids.every((id, i) => id === i + 1);
  return contiguous && ids.length > 1 ? `1..${ids.length}` : ids.join(', ');
}
