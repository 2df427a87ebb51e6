/**
 * The node actions slice: what the inspector does to one node (crash,
 * restart, time out, its cable), and the presenter's timer controls for all
 * of them (align, spread).
 */
import type { NodeId } from '../raft';
import { clusterCalls } from './calls';
import { DEFAULT_ELECTION_TIMEOUT_MS } from './defaults';
import type { LabGet } from './labTypes';
import { nodeById } from './snapshot';

export interface NodeActionsSlice {
  crash(id: NodeId): Promise<void>;
  restart(id: NodeId): Promise<void>;
  /** Fires the node's election timer now. */
  timeoutNode(id: NodeId): Promise<void>;
  /** Unplugs the node's cable. */
  disconnect(id: NodeId): void;
  /** Plugs it back in. */
  reconnect(id: NodeId): void;
  /** Every live non-leader's election timer set to fire at the same moment: an instant split vote (RaftScope's "align timers"). */
  alignTimers(): Promise<void>;
  /** Their timers spread over the election timeout range, lowest id first: one node clearly times out first. */
  spreadTimers(): Promise<void>;
}

export function createNodeActionsSlice(get: LabGet): NodeActionsSlice {
  const { run, runNow, notify } = clusterCalls(get);
  return {
    async crash(id) {
      await run('node', (c) => c.crash(id));
    },

    async restart(id) {
      await run('node', (c) => c.restart(id));
    },

    async timeoutNode(id) {
      const node = nodeById(get().nodes, id);
      if (node && node.alive && node.role === 'leader') {
        notify('node', 'info', `Node ${id} is the leader: it has no election timer to fire.`);
        return;
      }
      await run('node', (c) => c.timeout(id));
    },

    disconnect(id) {
      runNow('node', (c) => c.disconnect(id));
    },

    reconnect(id) {
      runNow('node', (c) => c.connect(id));
    },

    async alignTimers() {
      const waiting = get().nodes.filter((n) => n.alive && n.role !== 'leader');
      if (waiting.length === 0) return notify('timers', 'info', 'No live node is waiting on an election timer (a leader has none).');
      await run('timers', (c) => c.alignTimers());
      const [min] = get().config.electionTimeoutMs ?? DEFAULT_ELECTION_TIMEOUT_MS;
      notify(
        'timers',
        'info',
        `Timers aligned: nodes ${waiting.map((n) => n.id).join(', ')} will all time out together in ${min} ms and split the vote — watch randomized timeouts (§5.2) settle it.`,
      );
    },

    async spreadTimers() {
      const waiting = get().nodes.filter((n) => n.alive && n.role !== 'leader');
      if (waiting.length === 0) return notify('timers', 'info', 'No live node is waiting on an election timer (a leader has none).');
      await run('timers', (c) => c.spreadTimers());
      notify(
        'timers',
        'info',
        `Timers spread: node ${waiting[0]!.id} times out first and should win the election before the others' timers fire (§5.2).`,
      );
    },
  };
}
