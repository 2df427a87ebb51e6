/** The node actions slice: what the inspector does to one node (crash, restart, time out, its cable). */
import type { NodeId } from '../raft';
import { clusterCalls } from './calls';
import type { LabGet } from './labTypes';

export interface NodeActionsSlice {
  crash(id: NodeId): Promise<void>;
  restart(id: NodeId): Promise<void>;
  /** Fires the node's election timer now. */
  timeoutNode(id: NodeId): Promise<void>;
  /** Unplugs the node's cable. */
  disconnect(id: NodeId): void;
  /** Plugs it back in. */
  reconnect(id: NodeId): void;
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
      const node = get().nodes[id - 1];
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
  };
}
