/**
 * The nodes in a checkpoint (checkpoint.ts): every node's slot as plain
 * data — its disk (the durable state, Figure 2 and §7), its life count, its
 * timer, what it applied, and, if running, its volatile state and PRNG —
 * and the nodes put back from it: inline runtimes resumed on this thread,
 * or, on a transport whose nodes run elsewhere (workers), each node life
 * re-created and told to resume. A lab facility, not a Raft recovery.
 */
import type { NodeId, PersistentState } from '../raft';
import type { Nodes } from './nodes';
import { InlineRuntime, type InlineNodeSave } from './runtime';

/** One node as plain data. */
export interface NodeSave {
  readonly id: NodeId;
  /** What is on its disk: the durable state (Figure 2, §7). */
  readonly disk: PersistentState;
  /** Lives so far (its PRNG seed derives from it). */
  readonly incarnation: number;
  readonly timerAt: number;
  readonly timerGen: number;
  readonly applied: readonly { index: number; command: string }[];
  /** Its volatile state and PRNG if it is running; null if crashed. */
  readonly running: InlineNodeSave | null;
}

/** Every node as plain data; inline nodes only (a worker keeps its node's volatile state to itself). */
export function saveNodes(nodes: Nodes): NodeSave[] {
  return nodes.everIds.map((id) => {
    const slot = nodes.slot(id);
    let running: InlineNodeSave | null = null;
    if (slot.runtime) {
      if (!(slot.runtime instanceof InlineRuntime)) {
        throw new Error('checkpoint() needs the inline transport: a worker keeps its node’s volatile state to itself');
      }
      running = slot.runtime.save();
    }
    return {
      id,
      disk: slot.disk.state(),
      incarnation: slot.incarnation,
      timerAt: slot.timerAt,
      timerGen: slot.timerGen,
      applied: slot.applied.slice(),
      running,
    };
  });
}

/** The slot's own fields from a save (its runtime is the caller's business). */
function loadSlot(nodes: Nodes, n: NodeSave) {
  const slot = nodes.slot(n.id);
  slot.disk.replace(n.disk);
  slot.incarnation = n.incarnation;
  slot.timerAt = n.timerAt;
  slot.timerGen = n.timerGen;
  slot.applied.length = 0;
  slot.applied.push(...n.applied);
  slot.appliedCopy = null;
  return slot;
}

/** Puts saved nodes back with inline runtimes resumed mid-life. */
export function loadNodes(nodes: Nodes, saved: readonly NodeSave[]): void {
  for (const n of saved) {
    const slot = loadSlot(nodes, n);
    slot.runtime = n.running ? InlineRuntime.resume(nodes.settingsOf(slot), slot.disk, n.running) : null;
  }
}

/**
 * Puts saved nodes back on a transport whose nodes run elsewhere: each
 * node life is re-created and told to resume — its disk written with the
 * saved durable state, its core with the saved volatile state; a node that
 * was crashed only gets its disk written. Outputs are taken in id order; a
 * resumed node whose timer disagrees with the saved one has failed.
 */
export async function resumeNodes(nodes: Nodes, saved: readonly NodeSave[]): Promise<void> {
  const started = saved.map((n) => {
    const slot = loadSlot(nodes, n);
    const runtime = nodes.makeRuntime(nodes.settingsOf(slot), slot.disk);
    if (!runtime.resume) throw new Error('this transport cannot resume a node from a checkpoint');
    slot.runtime = n.running ? runtime : null;
    if (n.running) {
      runtime.onFault?.((reason) => {
        if (slot.runtime === runtime) void nodes.fail(slot, new Error(reason));
      });
    }
    const out = Promise.resolve(runtime.resume(nodes.clock, n.disk, n.running));
    out.catch(() => undefined); // handled in order below
    return { slot, runtime, out, running: n.running !== null };
  });
  for (const { slot, runtime, out, running } of started) {
    try {
      const o = await out;
      if (running && o.deadline !== slot.timerAt) throw new Error(`resumed with its timer at ${o.deadline} ms, not ${slot.timerAt} ms`);
    } catch (err) {
      if (running) await nodes.fail(slot, err);
      else nodes.emit({ kind: 'error', at: nodes.clock, node: slot.id, message: err instanceof Error ? err.message : String(err) });
    }
    if (!running) await runtime.terminate();
  }
}
