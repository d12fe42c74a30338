/**
 * What the selected rows are, for the actions on them: the directory entries a Remove can
 * plan (memfd pools and deleted segments have no name to remove), what can be copied, and
 * which the app itself keeps alive (Release).
 */
import type { HeldItem, InspectorItem } from '../../../protocol/channels';
import type { InspectorState } from './inspector-store';
import { toRow } from './rows';
import { actionIds } from './selection-actions';
import { selectVisibleIds } from './selectors';

export interface SelectedTargets {
  /** The selected items shown in the table, in the order selected. */
  items: InspectorItem[];
  /** Names of selected directory entries: what Remove plans. */
  entryNames: string[];
  /** The selected rows' names as the table shows them (memfd:<name>:<inode> for a pool). */
  names: string[];
  /** Full paths: directory entries and deleted segments have one, a memfd pool none. */
  paths: string[];
  /** The owners' PIDs (the marker's, for a directory entry), once each. */
  ownerPids: number[];
  /** The holds of the app among the selected items. */
  held: HeldItem[];
}

/** Whether `held` is the hold on `item`: the same name and inode, or the same memfd. */
export function isHeldItem(held: HeldItem, item: InspectorItem): boolean {
  if (item.type === 'segment')
    return held.kind === 'posix' && held.name === item.segment.name && held.inode === item.segment.inode;
  if (item.type === 'memfd')
    return held.kind === 'memfd' && held.dev === item.memfd.dev && held.inode === item.memfd.inode;
  return false;
}

export function selectedTargets(state: InspectorState): SelectedTargets {
  // Only rows in view are acted on: a row selected, then hidden by a filter, is not removed unseen.
  const visible = new Set(selectVisibleIds(state));
  const items = actionIds(state.selection).flatMap((id) => {
    const item = visible.has(id) ? state.segments.items.get(id) : undefined;
    return item ? [item] : [];
  });
  const dir = state.segments.directory?.dir ?? null;
  const entryNames: string[] = [];
  const names: string[] = [];
  const paths: string[] = [];
  const ownerPids = new Set<number>();
  for (const item of items) {
    const row = toRow(item);
    names.push(row.name);
    if (item.type === 'segment') {
      entryNames.push(item.segment.name);
      if (dir !== null) paths.push(`${dir.replace(/\/+$/, '')}/${item.segment.name}`);
    } else if (item.type === 'deleted') {
      paths.push(item.deleted.path);
    }
    if (row.owner) ownerPids.add(row.owner.pid);
  }
  const held = state.lab.held.filter((hold) => items.some((item) => isHeldItem(hold, item)));
  return { items, entryNames, names, paths, ownerPids: [...ownerPids], held };
}
