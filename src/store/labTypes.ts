/** The lab store's whole state: three typed slices. */
import type { StoreApi } from 'zustand/vanilla';
import type { ClusterSlice } from './clusterSlice';
import type { SelectionSlice } from './selectionSlice';
import type { SettingsSlice } from './settingsSlice';

export type LabState = ClusterSlice & SelectionSlice & SettingsSlice;
export type LabStore = StoreApi<LabState>;
export type LabSet = LabStore['setState'];
export type LabGet = LabStore['getState'];
