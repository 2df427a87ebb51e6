/**
 * The command slice: the Command box's submission, sent by default to the
 * live leader with the highest term (like a client that follows the newest
 * leader), or to a node the user chose (RaftScope's "request": a follower
 * refuses and says who it thinks leads), and followed after every flush until
 * it is committed or lost.
 */
import { clusterCalls } from './calls';
import type { FlushFollower, LabGet, LabSet, LabState, OnNewCluster } from './labTypes';
import { showCommand } from './narrate';
import { entryAt, liveLeader } from './snapshot';
import type { NodeId } from '../raft';
import type { NodeSnapshot, PendingCommand } from './types';
import { parseCommand } from './validate';

/** Where the Command box sends: the newest live leader, or one chosen node. */
export type CommandTarget = 'leader' | NodeId;

export interface CommandSlice {
  /** The last submitted command, followed until it commits. */
  readonly pending: PendingCommand | null;
  /** Where the next command goes (default: the newest leader). */
  readonly commandTarget: CommandTarget;
  /** Chooses where commands go; anything but 'leader' or a node of this cluster is refused with a notice. */
  setCommandTarget(target: CommandTarget): void;
  /**
   * Sends a command to `target` (default: the chosen commandTarget); true if a
   * leader took it. A chosen node that is not the leader refuses (§5.1: only
   * the leader takes client requests; a follower redirects to the leader it knows).
   */
  submitCommand(text: string, target?: CommandTarget): Promise<boolean>;
}

/** Why a chosen node refused: who it thinks leads (§5.1, §8: a follower redirects the client). */
function refusal(n: NodeSnapshot, nodes: readonly NodeSnapshot[]): string {
  if (!n.alive) return `Node ${n.id} is crashed, so nothing answered the request. Restart it, or send to the newest leader.`;
  if (!n.connected) return `Node ${n.id} is cut off from the network; a real client could not reach it. Plug its cable back in first.`;
  const role = n.role === 'candidate' ? 'a candidate' : n.role === 'leader' ? 'no longer the leader' : 'a follower';
  const known = n.leader > 0 ? nodes.find((m) => m.id === n.leader) : undefined;
  const redirect = known
    ? `it thinks node ${known.id} leads (term ${n.term}) and would send the client there.`
    : 'it knows no leader in its term, so it cannot redirect the client.';
  return `Node ${n.id} is ${role}, so it refused the command: only the leader takes requests — ${redirect}`;
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
    commandTarget: 'leader',
    setCommandTarget(target) {
      if (target === 'leader' || (Number.isInteger(target) && get().ids.includes(target))) {
        set({ commandTarget: target });
        return;
      }
      notify(
        'command',
        'error',
        `There is no node ${String(target)} to send to: choose the newest leader or one of nodes ${get().ids.join(', ')}.`,
      );
    },
    async submitCommand(text, target = get().commandTarget) {
      get().leaveReview(); // an action returns to the present, so its note is seen
      const checked = parseCommand(text);
      if (!checked.ok) {
        notify('command', 'error', checked.error);
        return false;
      }
      if (target !== 'leader') {
        const chosen = get().nodes.find((n) => n.id === target);
        if (!chosen) {
          notify(
            'command',
            'error',
            `There is no node ${String(target)} to send to: choose the newest leader or one of nodes ${get().ids.join(', ')}.`,
          );
          return false;
        }
        if (!chosen.alive || !chosen.connected) {
          notify('command', 'error', refusal(chosen, get().nodes));
          return false;
        }
      }
      const leader = target === 'leader' ? liveLeader(get().nodes) : get().nodes.find((n) => n.id === target);
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
        // The node answered as Start() does: not the leader (its view, after the call).
        const now = get().nodes.find((n) => n.id === leader.id);
        if (target !== 'leader' && now) notify('command', 'error', refusal(now, get().nodes));
        else notify('command', 'error', `Node ${leader.id} is no longer the leader, so it refused the command. Try again in a moment.`);
        return false;
      }
      set({ pending: { command: checked.value, index: result.index, term: result.term, leader: leader.id, state: 'waiting' } });
      // A leader the user chose may be a stale one (a minority's): say so, its entry may be lost (§5.4).
      const newest = liveLeader(get().nodes);
      const stale =
        newest && newest.id !== leader.id && newest.term > result.term
          ? ` Careful: node ${newest.id} leads a newer term (${newest.term}), so this entry can never commit — it will be lost when node ${leader.id} hears of it.`
          : '';
      notify(
        'command',
        'info',
        `Sent “${checked.value}” to leader node ${leader.id}: it is entry ${result.index} in term ${result.term}, uncommitted until a majority stores it.${stale}`,
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
    // The chosen node stays chosen if the new cluster still has it.
    onNewCluster: (_next, config, { commandTarget }) => ({
      pending: null,
      commandTarget: commandTarget !== 'leader' && commandTarget > config.nodes ? 'leader' : commandTarget,
    }),
  };
}
