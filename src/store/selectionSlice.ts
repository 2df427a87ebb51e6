/** The selection slice: which node the inspector shows. */
import type { NodeId } from '../raft';
import type { LabGet, LabSet, OnNewCluster } from './labTypes';

export interface SelectionSlice {
  /** The node shown in the inspector, or null. */
  readonly selectedNode: NodeId | null;
  /** Selects a node (null: none); ids outside the cluster are ignored. */
  selectNode(id: NodeId | null): void;
  /** Selects the node, or deselects it if it was selected. */
  toggleNode(id: NodeId): void;
}

export function createSelectionSlice(set: LabSet, get: LabGet): { slice: SelectionSlice; onNewCluster: OnNewCluster } {
  // Ids are not always 1..n: Add node and Remove node change them (issue 13).
  const valid = (id: NodeId): boolean => Number.isInteger(id) && get().ids.includes(id);
  return {
    slice: {
      selectedNode: null,
      selectNode: (id) => {
        if (id === null || valid(id)) set({ selectedNode: id });
      },
      toggleNode: (id) => {
        if (valid(id)) set((s) => ({ selectedNode: s.selectedNode === id ? null : id }));
      },
    },
    // The selection survives a reset if the node is still there.
    onNewCluster: (_next, config, { selectedNode }) => ({
      selectedNode: selectedNode !== null && selectedNode <= config.nodes ? selectedNode : null,
    }),
  };
}
