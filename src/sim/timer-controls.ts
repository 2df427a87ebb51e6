/**
 * The presenter's timer controls (RaftScope's): align every election timer,
 * for an instant split vote, or spread them, so one node clearly times out
 * first. Lab controls, not Raft rules: Raft randomizes election timeouts
 * (§5.2) so that split votes are rare; these override the current draw only.
 */
import type { NodeId } from '../raft';
import type { Nodes } from './nodes';

/** How long from now each of `count` nodes' timers runs, by its place `i` in id order. */
export type TimeoutPlan = (i: number, count: number) => number;

/** Everyone at the shortest election timeout: they all time out together. */
export function alignedTimeouts([min]: readonly [number, number]): TimeoutPlan {
  return () => min;
}

/** Evenly over [min, max], the lowest id first (one node alone gets min). */
export function spreadTimeouts([min, max]: readonly [number, number]): TimeoutPlan {
  return (i, count) => (count <= 1 ? min : min + Math.round((i * (max - min)) / (count - 1)));
}

/**
 * Sets the election timer of every live node that is not a leader, in id
 * order, to `plan(i, count)` ms from now. Every plan gives at least
 * electionTimeoutMs[0], so each deadline is at least min(heartbeat, election
 * timeout) ahead of the input that set it: the scheduler's look-ahead
 * (Nodes.arm) still holds.
 */
export async function setElectionTimers(nodes: Nodes, plan: TimeoutPlan): Promise<void> {
  const targets: NodeId[] = nodes.ids.filter((id) => {
    const v = nodes.view(id);
    return v.alive && v.role !== 'leader';
  });
  for (let i = 0; i < targets.length; i++) {
    await nodes.setElectionTimer(nodes.slot(targets[i]!), plan(i, targets.length));
  }
}
