/** The one store of the renderer, made of slices (zustand's slices pattern); actions are plain functions. */
import { createStore, type StoreApi } from 'zustand';
import { initialAudit, type AuditSlice } from './audit-slice';
import { DEFAULT_LAYOUT, type ColumnLayout } from './column-layout';
import { initialConnection, type ConnectionSlice } from './connection-slice';
import { initialLab, type LabSlice } from './lab-slice';
import { initialLive, type LiveSlice } from './live-slice';
import { initialProcesses, type ProcessesSlice } from './processes-slice';
import { initialSegments, type SegmentsSlice } from './segments-slice';
import { initialSelection, type SelectionSlice } from './selection-slice';

export interface InspectorState {
  segments: SegmentsSlice;
  selection: SelectionSlice;
  connection: ConnectionSlice;
  lab: LabSlice;
  /** The table's columns as the user arranged them. */
  columns: ColumnLayout;
  live: LiveSlice;
  /** The audit log as the Audit log tab last read it. */
  audit: AuditSlice;
  /** The tab shown, and the process view. */
  processes: ProcessesSlice;
}

export type InspectorStore = StoreApi<InspectorState>;

export function initialState(): InspectorState {
  return {
    segments: initialSegments,
    selection: initialSelection,
    connection: initialConnection,
    lab: initialLab,
    columns: DEFAULT_LAYOUT,
    live: initialLive,
    audit: initialAudit,
    processes: initialProcesses,
  };
}

export function createInspectorStore(state: InspectorState = initialState()): InspectorStore {
  return createStore<InspectorState>()(() => state);
}
