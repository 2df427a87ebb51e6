/**
 * The command slice: the Command box's submission, sent to the live leader
 * with the highest term (like a client), and followed after every flush until
 * it is committed or lost.
 */
import { clusterCalls } from './calls';
import type { FlushFollower, LabGet, LabSet, LabState, OnNewCluster } from './labTypes';
import { showCommand } from './narrate';
import { entryAt, liveLeader } from './snapshot';
import type { NodeSnapshot, PendingCommand } from './types';
import { parseCommand } from './validate';

export interface CommandSlice {
  /** The last submitted command, followed until it commits. */
  readonly pending: PendingCommand | null;
  /** Sends a command to the live leader with the highest term; true if a leader took it. */
  submitCommand(text: string): Promise<boolean>;
}

/** A command's fate, from what the nodes now hold (§5.3: committed once a majority stores it). */
function followPending(p: PendingCommand | null, nodes: readonly NodeSnapshot[]): PendingCommand | null {
  if (!p || p.state !== 'waiting') return p;
  for (const n of nodes) {
    if (n.commitIndex < p.index) continue;
    if (p.index <= n.snapshotIndex) return { ...p, state: 'committed' };
    const e = entryAt(n, p.index);
    if (e) return { ...p, state: e.term === p.term ? 'committed' : 'lost' };
  }
  return p;
}

/** Tells the user when the command's fate is decided. */
function announce(before: LabState, after: LabState): void {
  const pending = after.pending;
  if (pending === before.pending || !pending) return;
  const what = `“${showCommand(pending.command)}” (index ${pending.index}, term ${pending.term})`;
  if (pending.state === 'committed') {
    after.notify('command', 'success', `${what} is committed: a majority stores it, so it will never be lost.`);
  } else if (pending.state === 'lost') {
    after.notify(
      'command',
      'error',
      `${what} was lost: it was never committed (no majority stored it), and a newer leader's entry replaced it. Submit it again.`,
    );
  }
}

export function createCommandSlice(set: LabSet, get: LabGet): { slice: CommandSlice; follower: FlushFollower; onNewCluster: OnNewCluster } {
  const { run, notify } = clusterCalls(get);
  const slice: CommandSlice = {
    pending: null,
    async submitCommand(text) {
      get().leaveReview(); // an action returns to the present, so its note is seen
      const checked = parseCommand(text);
      if (!checked.ok) {
        notify('command', 'error', checked.error);
        return false;
      }
      const leader = liveLeader(get().nodes);
      if (!leader) {
        notify(
          'command',
          'error',
          'No leader right now, so there is no one to send it to. Wait for an election to finish (a node marked L), then submit again.',
        );
        return false;
      }
      const result = await run('command', (c) => c.start(leader.id, checked.value));
      if (!result) return false;
      if (!result.isLeader) {
        notify('command', 'error', `Node ${leader.id} is no longer the leader, so it refused the command. Try again in a moment.`);
        return false;
      }
      set({ pending: { command: checked.value, index: result.index, term: result.term, leader: leader.id, state: 'waiting' } });
      notify(
        'command',
        'info',
        `Sent “${checked.value}” to leader node ${leader.id}: it is entry ${result.index} in term ${result.term}, uncommitted until a majority stores it.`,
      );
      get().sync(); // a one-node cluster commits at once
      return true;
    },
  };
  return {
    slice,
    follower: {
      derive: (before, nodes) => ({ pending: followPending(before.pending, nodes) }),
      after: announce,
    },
    onNewCluster: () => ({ pending: null }),
  };
}
