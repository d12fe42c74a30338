import {
  useCallback,
  useRef,
  useState,
  type KeyboardEvent,
  type MouseEvent,
  type ReactNode,
  type RefObject,
} from 'react';
import type { ErrorValue } from '../../../protocol/channels';
import { plural } from '../../../protocol/format';
import { useHost } from '../host/host-context';
import { select } from '../store/actions';
import type { InspectorStore } from '../store/inspector-store';
import { selectAll, selectRange, toggleSelected } from '../store/selection-actions';
import { selectedTargets } from '../store/selected-targets';
import { useInspectorStore } from '../store/store-context';
import { describeProblem } from './describe-problem';
import { countEntries, RemoveDialog } from './remove-dialog';
import { RowMenu, type MenuEntry } from './row-menu';
import { useChangesOff } from './change-button';

/** Modifier keys of a click, as the selection reads them. */
export interface ClickKeys {
  shift: boolean;
  /** Ctrl, or Cmd on a Mac. */
  toggle: boolean;
}

export function clickKeys(event: MouseEvent | KeyboardEvent): ClickKeys {
  return { shift: event.shiftKey, toggle: event.ctrlKey || event.metaKey };
}

/** Shift with these extends the selection by as many rows (Home and End: to the first or last). */
const RANGE_MOVES: Readonly<Record<string, number>> = {
  ArrowDown: 1,
  ArrowUp: -1,
  PageDown: 10,
  PageUp: -10,
  Home: -Infinity,
  End: Infinity,
};

const NOT_REMOVABLE =
  'Only entries of the shm directory can be removed: a memfd pool or a deleted segment goes when its last holder lets go.';

/** Writes `lines` to the clipboard; says what was copied, or why not. */
async function copyLines(lines: string[], what: string): Promise<string> {
  try {
    await navigator.clipboard.writeText(lines.join('\n'));
    return `Copied ${plural(lines.length, what)}.`;
  } catch (error) {
    return `Could not copy: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/**
 * The actions on the selected rows, for the table: selecting with the mouse's modifiers,
 * the keys (Delete, Ctrl+A, Ctrl+C, Space, Shift+F10 and the Menu key), the context menu,
 * and the Remove dialog. The table keeps only the hooks; what each action does is here.
 */
export function useRowActions(ids: readonly string[], grid: RefObject<HTMLElement | null>) {
  const store = useInspectorStore();
  const host = useHost();
  const changesOff = useChangesOff();
  const [menu, setMenu] = useState<{ x: number; y: number } | null>(null);
  const [removing, setRemoving] = useState<string[] | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // Read when a key or click comes, so the handlers keep their identity (the rows are memoized).
  const idsRef = useRef(ids);
  idsRef.current = ids;

  const onRowClick = useCallback(
    (id: string, keys: ClickKeys) => clickSelect(store, idsRef.current, id, keys),
    [store],
  );

  /** The Remove dialog for the selected directory entries; or why not, said where the copy notices are. */
  const openRemove = useCallback(() => {
    const names = selectedTargets(store.getState()).entryNames;
    if (changesOff !== null) setNotice(changesOff);
    else if (names.length === 0) setNotice(NOT_REMOVABLE);
    else setRemoving(names);
  }, [store, changesOff]);

  const copy = useCallback(async (lines: string[], what: string) => setNotice(await copyLines(lines, what)), []);

  const release = useCallback(
    async (ids: string[]) => {
      const failures: ErrorValue[] = [];
      for (const id of ids) {
        const result = await host.request('release', { id });
        if (!result.ok) failures.push(result.error);
      }
      const [failure] = failures;
      setNotice(failure ? describeProblem(failure, null).title : `Released ${plural(ids.length, 'segment')}.`);
    },
    [host],
  );

  const onRowContextMenu = useCallback(
    (id: string, event: MouseEvent) => {
      event.preventDefault();
      // A right-click on a row outside the selection selects that row, as file managers do.
      if (!store.getState().selection.selectedIds.has(id)) select(store, id);
      setMenu({ x: event.clientX, y: event.clientY });
    },
    [store],
  );

  /** The menu from the keyboard: under the current row (the grid's active descendant). */
  const openMenuAtCurrentRow = useCallback(() => {
    const current = grid.current?.getAttribute('aria-activedescendant');
    const rect = (current ? document.getElementById(current) : grid.current)?.getBoundingClientRect();
    setMenu({ x: (rect?.left ?? 0) + 24, y: rect?.bottom ?? 0 });
  }, [grid]);

  /** The browser's own contextmenu event on the grid itself (the Menu key, Shift+F10): ours instead. */
  const onGridContextMenu = useCallback(
    (event: MouseEvent) => {
      if (event.target !== event.currentTarget) return;
      event.preventDefault();
      openMenuAtCurrentRow();
    },
    [openMenuAtCurrentRow],
  );

  /** The table's keys for the selection and its actions; true when the key was one of them. */
  const onKeyDown = useCallback(
    (event: KeyboardEvent<HTMLElement>, moveTo: (delta: number) => string | null): boolean => {
      const keys = clickKeys(event);
      const key = event.key;
      const extend = RANGE_MOVES[key];
      if (keys.shift && extend !== undefined) {
        const target = moveTo(extend);
        if (target !== null) selectRange(store, ids, target);
      } else if (keys.toggle && key.toLowerCase() === 'a') {
        selectAll(store, ids);
      } else if (keys.toggle && key.toLowerCase() === 'c') {
        const names = selectedTargets(store.getState()).names;
        if (names.length > 0) void copy(names, 'name');
      } else if (key === ' ' && !keys.toggle) {
        const current = store.getState().selection.selectedId;
        if (current !== null) toggleSelected(store, current);
      } else if (key === 'Delete') {
        openRemove();
      } else if (key === 'ContextMenu' || (keys.shift && key === 'F10')) {
        openMenuAtCurrentRow();
      } else {
        return false;
      }
      event.preventDefault();
      return true;
    },
    [store, ids, copy, openRemove, openMenuAtCurrentRow],
  );

  let element: ReactNode = null;
  if (menu) {
    const targets = selectedTargets(store.getState());
    const none = (what: string) => `No selected row has ${what}.`;
    const entries: MenuEntry[] = [
      {
        id: 'remove',
        label: targets.entryNames.length > 1 ? `Remove ${countEntries(targets.entryNames.length)}…` : 'Remove…',
        shortcut: 'Delete',
        disabled: changesOff ?? (targets.entryNames.length === 0 ? NOT_REMOVABLE : null),
        run: openRemove,
      },
      ...(targets.held.length > 0
        ? [
            {
              id: 'release',
              label: `Release (stop keeping ${targets.held.length === 1 ? 'it' : 'them'} alive)`,
              disabled: changesOff,
              run: () => void release(targets.held.map((held) => held.id)),
            },
          ]
        : []),
      {
        id: 'copy-name',
        label: targets.names.length > 1 ? `Copy ${targets.names.length} names` : 'Copy name',
        shortcut: 'Ctrl+C',
        disabled: targets.names.length === 0 ? none('a name') : null,
        run: () => void copy(targets.names, 'name'),
      },
      {
        id: 'copy-path',
        label: targets.paths.length > 1 ? `Copy ${targets.paths.length} full paths` : 'Copy full path',
        disabled: targets.paths.length === 0 ? none('a path (a memfd pool has none)') : null,
        run: () => void copy(targets.paths, 'path'),
      },
      {
        id: 'copy-pid',
        label: targets.ownerPids.length > 1 ? `Copy ${targets.ownerPids.length} owner PIDs` : 'Copy owner PID',
        disabled: targets.ownerPids.length === 0 ? none('an owner PID') : null,
        run: () => void copy(targets.ownerPids.map(String), 'PID'),
      },
    ];
    element = (
      <RowMenu
        entries={entries}
        x={menu.x}
        y={menu.y}
        onClose={() => {
          setMenu(null);
          grid.current?.focus();
        }}
      />
    );
  }

  return {
    onRowClick,
    onRowContextMenu,
    onGridContextMenu,
    onKeyDown,
    element: (
      <>
        {element}
        {removing && <RemoveDialog names={removing} onClose={() => setRemoving(null)} />}
        {notice !== null && (
          <p className="row-actions__notice" role="status" data-testid="row-actions-notice">
            {notice}
          </p>
        )}
      </>
    ),
  };
}

/** Selects `id` the way a click with `keys` does: for tests and the table alike. */
export function clickSelect(store: InspectorStore, ids: readonly string[], id: string, keys: ClickKeys): void {
  if (keys.shift) selectRange(store, ids, id);
  else if (keys.toggle) toggleSelected(store, id);
  else select(store, id);
}
