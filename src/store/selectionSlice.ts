/** The selection slice: which node the inspector shows. */
import type { NodeId } from '../raft';
import type { LabGet, LabSet } from './labTypes';

export interface SelectionSlice {
  /** The node shown in the inspector, or null. */
  readonly selectedNode: NodeId | null;
  /** Selects a node (null: none); ids outside the cluster are ignored. */
  selectNode(id: NodeId | null): void;
  /** Selects the node, or deselects it if it was selected. */
  toggleNode(id: NodeId): void;
}

export function createSelectionSlice(set: LabSet, get: LabGet): SelectionSlice {
  const valid = (id: NodeId): boolean => Number.isInteger(id) && id >= 1 && id <= get().cluster.ids.length;
  return {
    selectedNode: null,
    selectNode: (id) => {
      if (id === null || valid(id)) set({ selectedNode: id });
    },
    toggleNode: (id) => {
      if (valid(id)) set((s) => ({ selectedNode: s.selectedNode === id ? null : id }));
    },
  };
}
