/**
 * Rebuilds a run from its recorded actions: each action is applied at its
 * virtual time, after every event due up to that time. With the same options
 * and seed this gives the same history as the original run when its actions
 * were taken between runFor/runUntil calls (as in scripts and tests). An
 * action taken in the middle of a run (the UI does this) may land on the
 * other side of an event due at the very same virtual millisecond.
 */
import type { Cluster, ClusterAction } from './types';

export async function replayActions(cluster: Cluster, actions: readonly ClusterAction[], untilMs?: number): Promise<void> {
  for (const a of actions) {
    if (a.at < cluster.now()) throw new Error(`actions must be in time order: ${a.kind} at ${a.at} ms comes after ${cluster.now()} ms`);
    await cluster.runFor(a.at - cluster.now());
    await applyAction(cluster, a);
  }
  if (untilMs !== undefined && untilMs > cluster.now()) await cluster.runFor(untilMs - cluster.now());
}

/** Applies one recorded action now. */
export async function applyAction(cluster: Cluster, a: ClusterAction): Promise<void> {
  switch (a.kind) {
    case 'start':
      await cluster.start(a.id, a.command);
      return;
    case 'timeout':
      return cluster.timeout(a.id);
    case 'crash':
      return cluster.crash(a.id);
    case 'restart':
      return cluster.restart(a.id);
    case 'disconnect':
      return cluster.disconnect(a.id);
    case 'connect':
      return cluster.connect(a.id);
    case 'setLink':
      return cluster.setLink(a.from, a.to, a.up);
    case 'partition':
      return cluster.partition(a.groups.map((g) => g.slice()));
    case 'heal':
      return cluster.heal();
    case 'setNetwork':
      return cluster.setNetwork(a.opts);
    case 'dropMessage':
      cluster.dropMessage(a.id);
      return;
  }
}
