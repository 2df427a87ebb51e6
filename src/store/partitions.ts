/** The partition presets, as groups for cluster.partition(). */
import type { NodeId } from '../raft';
import type { Checked } from './validate';

/** The leader alone on one side, everyone else on the other. */
export function isolateGroups(ids: readonly NodeId[], leader: NodeId | undefined): Checked<NodeId[][]> {
  if (leader === undefined) return { ok: false, error: 'There is no leader to isolate right now; wait for one to be elected.' };
  if (ids.length < 2) return { ok: false, error: 'A one-node cluster has no one to isolate its leader from.' };
  return { ok: true, value: [[leader], ids.filter((id) => id !== leader)] };
}

/**
 * A minority (the leader, if any, and its next neighbours) and a majority:
 * the majority can elect a leader and commit; the minority cannot (§5.2).
 */
export function minorityMajorityGroups(ids: readonly NodeId[], leader: NodeId | undefined): Checked<NodeId[][]> {
  const size = Math.floor((ids.length - 1) / 2);
  if (size < 1) return { ok: false, error: 'Splitting into a minority and a majority needs at least 3 nodes.' };
  const start = leader === undefined ? 0 : Math.max(0, ids.indexOf(leader));
  const minority: NodeId[] = [];
  for (let k = 0; k < size; k++) minority.push(ids[(start + k) % ids.length]!);
  const majority = ids.filter((id) => !minority.includes(id));
  return { ok: true, value: [minority.sort((a, b) => a - b), majority] };
}
