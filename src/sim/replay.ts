/**
 * Rebuilds a run from its recorded actions. Each action carries where it
 * took effect: its virtual time `at` and `after`, the number of events the
 * run had taken before it. Replay runs the cluster to exactly that position
 * (`Cluster.runToPosition`) and applies the action there, so with the same
 * options and seed it rebuilds the very same history — the same trace event
 * for event, the same node views, the same action log — wherever the
 * actions were taken: between runFor calls, between single step()s, at the
 * same millisecond as a due event, after runUntil stopped, on either
 * transport.
 *
 * An action without `after` (recorded before positions existed) is applied
 * by time alone, after every event due up to its `at`, as replay used to do;
 * that is exact only for actions taken between runFor/runUntil calls.
 */
import type { Cluster, ClusterAction } from './types';
import { describe } from './validate';

/**
 * Applies `actions` to `cluster` (made with the options and seed of the run
 * that recorded them) at their recorded positions, then runs on to
 * `untilMs` if given. Throws an Error naming the action if the actions are
 * malformed or out of order (`at` and `after` must not decrease).
 */
export async function replayActions(cluster: Cluster, actions: readonly ClusterAction[], untilMs?: number): Promise<void> {
  checkOrder(actions);
  for (const a of actions) {
    if (a.after === undefined) {
      if (a.at < cluster.now()) throw new Error(`actions must be in time order: ${a.kind} at ${a.at} ms comes after ${cluster.now()} ms`);
      await cluster.runFor(a.at - cluster.now());
    } else {
      await cluster.runToPosition(a.after, a.at);
    }
    await applyAction(cluster, a);
  }
  if (untilMs !== undefined && untilMs > cluster.now()) await cluster.runFor(untilMs - cluster.now());
}

/** Refuses, naming the action, a log whose positions are malformed or go backwards. */
function checkOrder(actions: readonly ClusterAction[]): void {
  if (!Array.isArray(actions)) throw new Error(`actions must be an array of recorded actions, got ${describe(actions)}`);
  let at = 0;
  let after = 0;
  actions.forEach((a: ClusterAction, i) => {
    const name = `actions[${i}]`;
    if (typeof a !== 'object' || a === null) throw new Error(`${name} must be a recorded action, got ${describe(a)}`);
    if (typeof a.at !== 'number' || !Number.isFinite(a.at) || a.at < 0) {
      throw new Error(`${name}.at must be a finite number >= 0, got ${describe(a.at)}`);
    }
    if (a.after !== undefined && (typeof a.after !== 'number' || !Number.isInteger(a.after) || a.after < 0)) {
      throw new Error(`${name}.after must be an integer >= 0, got ${describe(a.after)}`);
    }
    if (a.at < at) {
      throw new Error(`actions must be in order: ${name} (${a.kind} at ${a.at} ms) comes after an action at ${at} ms`);
    }
    if (a.after !== undefined && a.after < after) {
      throw new Error(`actions must be in order: ${name} (${a.kind} after ${a.after} events) comes after an action after ${after} events`);
    }
    at = a.at;
    if (a.after !== undefined) after = a.after;
  });
}

/** Applies one recorded action now (its position is the caller's business). */
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
    case 'alignTimers':
      return cluster.alignTimers();
    case 'spreadTimers':
      return cluster.spreadTimers();
    case 'setNetwork':
      return cluster.setNetwork(a.opts);
    case 'dropMessage':
      cluster.dropMessage(a.id);
      return;
    case 'transferLeadership':
      await cluster.transferLeadership(a.from, a.to);
      return;
    case 'addNode': {
      const id = await cluster.addNode();
      if (id !== a.id) throw new Error(`replay diverged: addNode created node ${id}, the recording node ${a.id}`);
      return;
    }
    case 'removeNode':
      return cluster.removeNode(a.id);
    default:
      throw new Error(`unknown action kind ${describe((a as { kind: unknown }).kind)}`);
  }
}
