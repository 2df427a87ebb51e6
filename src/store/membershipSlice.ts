/**
 * The membership slice (issue 13): the actions beyond Figure 2 that change
 * who leads or who is in the cluster — hand leadership over (thesis §3.10),
 * add a node, remove one (single-server changes, thesis §4.1, §4.2.1). The
 * engine refuses what cannot be done now (no live leader, a change still
 * uncommitted, the last voter) without changing anything; the refusal
 * becomes a notice in plain words: under the ring for Add and Remove node
 * ('membership'), in the inspector for a transfer ('transfer').
 */
import type { NodeId } from '../raft';
import type { Cluster } from '../sim';
import { clusterCalls } from './calls';
import { MAX_NODES } from './defaults';
import type { LabGet } from './labTypes';
import { nodeById } from './snapshot';

export interface MembershipSlice {
  /**
   * Asks leader `from` to hand leadership to voter `to` (thesis §3.10); true
   * if it started. Refused with a notice if `from` is not a live leader or
   * `to` is not another voter of its configuration.
   */
  transferLeadership(from: NodeId, to: NodeId): Promise<boolean>;
  /** Adds a node (the next id) as a learner, to be made a voter once caught up (thesis §4.2.1); its id, or null if refused. */
  addNode(): Promise<NodeId | null>;
  /** Asks the leader to remove node `id` (thesis §4.1); true if the change was handed to the leader. */
  removeNode(id: NodeId): Promise<boolean>;
}

/** The engine's message without its "addNode: " prefix (the notice says what was tried). */
function reason(text: string): string {
  return text.replace(/^(addNode|removeNode|transferLeadership): /, '');
}

export function createMembershipSlice(get: LabGet): MembershipSlice {
  const { run, notify } = clusterCalls(get);
  /** Runs a change; a refusal becomes a notice starting with `failed`. */
  const change = async <T>(
    area: 'membership' | 'transfer',
    failed: string,
    call: (c: Cluster) => Promise<T>,
  ): Promise<{ ok: true; value: T } | { ok: false }> => {
    let error: string | null = null;
    const value = await run<T>(area, async (c) => {
      try {
        return await call(c);
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
        throw err;
      }
    });
    if (error !== null) {
      notify(area, 'error', `${failed}: ${reason(error)}. Nothing was changed.`);
      return { ok: false };
    }
    return { ok: true, value: value as T };
  };

  return {
    async transferLeadership(from, to) {
      const leader = nodeById(get().nodes, from);
      const result = await change('transfer', 'Could not transfer leadership', (c) => c.transferLeadership(from, to));
      if (!result.ok) return false;
      if (!result.value) {
        const why =
          !leader || !leader.alive || leader.role !== 'leader'
            ? `node ${from} is not a live leader`
            : `node ${to} is not another voter of its configuration`;
        notify('transfer', 'error', `Could not transfer leadership: ${why}. Nothing was changed.`);
        return false;
      }
      notify(
        'transfer',
        'info',
        `Node ${from} is handing leadership to node ${to}: it takes no new commands, catches node ${to} up, then sends it TimeoutNow (thesis §3.10).`,
      );
      return true;
    },

    async addNode() {
      if (get().ids.length >= MAX_NODES) {
        notify('membership', 'error', `Could not add a node: the lab shows at most ${MAX_NODES} nodes. Nothing was changed.`);
        return null;
      }
      const result = await change('membership', 'Could not add a node', (c) => c.addNode());
      if (!result.ok) return null;
      notify(
        'membership',
        'success',
        `Node ${result.value} joined with an empty disk as a learner: the leader catches it up (it does not vote yet), then makes it a voter by a configuration entry (thesis §4.2.1).`,
      );
      return result.value;
    },

    async removeNode(id) {
      const result = await change('membership', `Could not remove node ${id}`, (c) => c.removeNode(id));
      if (!result.ok) return false;
      notify(
        'membership',
        'info',
        `The leader appended a configuration entry without node ${id}; it takes effect at once and, once committed, node ${id} is shut down and leaves the ring (thesis §4.1).`,
      );
      return true;
    },
  };
}
