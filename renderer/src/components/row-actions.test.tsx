import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  HEADER,
  fullPatch,
  incrementalPatch,
  memfdItem,
  segment,
  segmentItem,
  staleSegment,
} from '../test-support/fixtures';
import { applyPatch } from '../store/apply-patch';
import { recordingHost } from '../test-support/recording-host';
import { renderWith } from '../test-support/render-app';
import { HeldList } from './held-list';
import { SegmentTable } from './segment-table';
import { TableFilters } from './table-filters';

const patch = fullPatch([
  segmentItem(segment('pulse-shm-1')),
  segmentItem(staleSegment('pulse-shm-2')),
  segmentItem(staleSegment('pulse-shm-3')),
  segmentItem(staleSegment('zz-foreign', { pulse: false, state: 'foreign', marker: null })),
  memfdItem(77),
]);

const row = (name: string) => screen.getByTestId(`segment-row-${name}`);
const selectedRows = () =>
  within(screen.getByTestId('segment-table'))
    .getAllByRole('row')
    .filter((element) => element.getAttribute('aria-selected') === 'true')
    .map((element) => element.getAttribute('data-testid')?.replace('segment-row-', ''));

// jsdom has no clipboard (a browser's needs a secure context and a permission): this one
// records what the app writes. The Playwright tests read the real one back.
let clipboard: string[] = [];
beforeEach(() => {
  clipboard = [];
  Object.defineProperty(navigator, 'clipboard', {
    configurable: true,
    value: { writeText: (text: string) => Promise.resolve(void clipboard.push(text)) },
  });
});
afterEach(() => {
  Reflect.deleteProperty(navigator, 'clipboard');
});

describe('Selecting rows', () => {
  it('click selects one, Ctrl-click toggles one, Shift-click takes the range from the last click', () => {
    const { store } = renderWith(<SegmentTable />, { patches: [patch] });
    fireEvent.click(row('pulse-shm-1'));
    expect(selectedRows()).toEqual(['pulse-shm-1']);
    fireEvent.click(row('pulse-shm-3'), { ctrlKey: true });
    expect(selectedRows()).toEqual(['pulse-shm-1', 'pulse-shm-3']);
    fireEvent.click(row('pulse-shm-1'), { ctrlKey: true });
    expect(selectedRows()).toEqual(['pulse-shm-3']);
    // The range runs from the anchor (the last plain or Ctrl click) to the Shift-click, as shown.
    fireEvent.click(row('memfd:pulseaudio:77'), { shiftKey: true });
    expect(selectedRows()).toEqual(['memfd:pulseaudio:77', 'pulse-shm-1']);
    fireEvent.click(row('pulse-shm-3'), { shiftKey: true });
    expect(selectedRows()).toEqual(['pulse-shm-1', 'pulse-shm-2', 'pulse-shm-3']);
    expect(store.getState().selection.selectedId).toBe('seg:pulse-shm-3');
    expect(screen.getByRole('grid').getAttribute('aria-multiselectable')).toBe('true');
  });

  it('Shift+arrows, Home and End extend the selection, Space toggles the current row, Ctrl+A takes every row shown', () => {
    renderWith(<SegmentTable />, { patches: [patch] });
    const grid = screen.getByRole('grid');
    fireEvent.click(row('pulse-shm-1'));
    fireEvent.keyDown(grid, { key: 'ArrowDown', shiftKey: true });
    fireEvent.keyDown(grid, { key: 'ArrowDown', shiftKey: true });
    expect(selectedRows()).toEqual(['pulse-shm-1', 'pulse-shm-2', 'pulse-shm-3']);
    fireEvent.keyDown(grid, { key: ' ' });
    expect(selectedRows()).toEqual(['pulse-shm-1', 'pulse-shm-2']);
    // Space made pulse-shm-3 the anchor: the range now runs from there.
    fireEvent.keyDown(grid, { key: 'ArrowUp', shiftKey: true });
    expect(selectedRows()).toEqual(['pulse-shm-2', 'pulse-shm-3']);
    fireEvent.keyDown(grid, { key: 'End', shiftKey: true });
    expect(selectedRows()).toEqual(['pulse-shm-3', 'zz-foreign']);
    fireEvent.keyDown(grid, { key: 'Home', shiftKey: true });
    expect(selectedRows()).toEqual(['memfd:pulseaudio:77', 'pulse-shm-1', 'pulse-shm-2', 'pulse-shm-3']);
    fireEvent.keyDown(grid, { key: 'a', ctrlKey: true });
    expect(selectedRows()).toHaveLength(5);
    // A plain arrow goes back to one row.
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    expect(selectedRows()).toHaveLength(1);
  });

  it('drops rows that are gone from the selection', () => {
    const { store } = renderWith(<SegmentTable />, { patches: [patch] });
    fireEvent.click(row('pulse-shm-2'));
    fireEvent.click(row('pulse-shm-3'), { ctrlKey: true });
    act(() => store.setState((state) => applyPatch(state, incrementalPatch(2, { removals: ['seg:pulse-shm-3'] }))));
    expect([...store.getState().selection.selectedIds]).toEqual(['seg:pulse-shm-2']);
    expect(store.getState().selection.selectedId).toBeNull();
    expect(selectedRows()).toEqual(['pulse-shm-2']);
  });
});

describe('Acting on what is shown', () => {
  it('leaves a selected row that a filter hides out of Copy and Remove', async () => {
    const host = recordingHost();
    renderWith(
      <>
        <TableFilters />
        <SegmentTable />
      </>,
      { patches: [patch], host },
    );
    fireEvent.click(row('pulse-shm-2'));
    fireEvent.click(row('zz-foreign'), { ctrlKey: true });
    fireEvent.change(screen.getByTestId('filter-kind'), { target: { value: 'pulse' } });
    fireEvent.keyDown(screen.getByRole('grid'), { key: 'c', ctrlKey: true });
    await waitFor(() => expect(clipboard).toEqual(['pulse-shm-2']));
    fireEvent.keyDown(screen.getByRole('grid'), { key: 'Delete' });
    await waitFor(() => expect(host.calls).toHaveLength(1));
    expect(host.calls[0]?.request).toMatchObject({ selected: ['pulse-shm-2'] });
  });
});

describe('Copying and the context menu', () => {
  it('Ctrl+C copies the selected rows’ names, one a line', async () => {
    renderWith(<SegmentTable />, { patches: [patch] });
    fireEvent.click(row('pulse-shm-2'));
    fireEvent.click(row('zz-foreign'), { ctrlKey: true });
    fireEvent.keyDown(screen.getByRole('grid'), { key: 'c', ctrlKey: true });
    await waitFor(() => expect(clipboard).toEqual(['pulse-shm-2\nzz-foreign']));
    // The notice comes after the clipboard's promise settles: a turn after the write itself.
    await waitFor(() => expect(screen.getByTestId('row-actions-notice').textContent).toBe('Copied 2 names.'));
  });

  it('right-click opens a menu that copies the full path and the owner PID', async () => {
    renderWith(<SegmentTable />, { patches: [patch] });
    fireEvent.contextMenu(row('pulse-shm-1'));
    const menu = screen.getByRole('menu', { name: 'Row actions' });
    expect(
      within(menu)
        .getAllByRole('menuitem')
        .map((item) => item.textContent),
    ).toEqual(['Remove…Delete', 'Copy nameCtrl+C', 'Copy full path', 'Copy owner PID']);
    expect(document.activeElement).toBe(within(menu).getAllByRole('menuitem')[0]);
    fireEvent.click(screen.getByTestId('row-menu-copy-path'));
    await waitFor(() => expect(clipboard).toEqual([`${HEADER.dir}/pulse-shm-1`]));
    expect(screen.queryByRole('menu')).toBeNull();
    fireEvent.contextMenu(row('pulse-shm-1'));
    fireEvent.click(screen.getByTestId('row-menu-copy-pid'));
    await waitFor(() => expect(clipboard).toEqual([`${HEADER.dir}/pulse-shm-1`, '3349']));
  });

  it('opens from the keyboard (Shift+F10, the Menu key), moves with the arrows, closes with Escape', () => {
    renderWith(<SegmentTable />, { patches: [patch] });
    const grid = screen.getByRole('grid');
    fireEvent.click(row('pulse-shm-1'));
    fireEvent.keyDown(grid, { key: 'F10', shiftKey: true });
    const items = within(screen.getByRole('menu')).getAllByRole('menuitem');
    fireEvent.keyDown(items[0] as HTMLElement, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(items[1]);
    fireEvent.keyDown(items[1] as HTMLElement, { key: 'Escape' });
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(grid);
    fireEvent.keyDown(grid, { key: 'ContextMenu' });
    expect(screen.getByRole('menu')).toBeTruthy();
  });

  it('offers no Remove for a memfd pool (it has no name to remove) and no path to copy', () => {
    renderWith(<SegmentTable />, { patches: [patch] });
    fireEvent.contextMenu(row('memfd:pulseaudio:77'));
    expect(screen.getByTestId('row-menu-remove').getAttribute('aria-disabled')).toBe('true');
    expect(screen.getByTestId('row-menu-remove').getAttribute('title')).toMatch(/memfd pool/);
    expect(screen.getByTestId('row-menu-copy-path').getAttribute('aria-disabled')).toBe('true');
    fireEvent.keyDown(screen.getByRole('menu'), { key: 'Escape' });
    fireEvent.keyDown(screen.getByRole('grid'), { key: 'Delete' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByTestId('row-actions-notice').textContent).toMatch(/^Only entries of the shm directory/);
  });

  it('opens under the current row when the browser’s own contextmenu event comes to the grid (the Menu key)', () => {
    renderWith(<SegmentTable />, { patches: [patch] });
    fireEvent.click(row('pulse-shm-2'));
    const event = fireEvent.contextMenu(screen.getByRole('grid'));
    expect(event, 'the browser’s menu is not shown').toBe(false);
    expect(screen.getByRole('menu')).toBeTruthy();
  });
});

describe('Remove from the table', () => {
  it('Delete plans the selected entries only, and the menu’s Remove does the same', async () => {
    const host = recordingHost({
      'plan-cleanup': () => ({
        ok: true,
        value: {
          planId: 'p',
          dir: HEADER.dir,
          options: { includeZombie: false, includeReused: false, force: [] },
          remove: [],
          keep: [],
          failed: [],
        },
      }),
    });
    renderWith(<SegmentTable />, { patches: [patch], host });
    fireEvent.click(row('pulse-shm-2'));
    fireEvent.click(row('memfd:pulseaudio:77'), { ctrlKey: true });
    fireEvent.click(row('pulse-shm-3'), { ctrlKey: true });
    fireEvent.keyDown(screen.getByRole('grid'), { key: 'Delete' });
    expect(await screen.findByRole('dialog', { name: 'Remove 2 selected entries' })).toBeTruthy();
    expect(host.calls).toEqual([
      {
        channel: 'plan-cleanup',
        request: { includeZombie: false, includeReused: false, force: [], selected: ['pulse-shm-2', 'pulse-shm-3'] },
      },
    ]);
  });

  it('is off in a read-only host, with the reason', () => {
    const { store } = renderWith(<SegmentTable />, { patches: [patch] });
    act(() => store.setState((state) => ({ connection: { ...state.connection, readOnly: true } })));
    fireEvent.contextMenu(row('pulse-shm-2'));
    expect(screen.getByTestId('row-menu-remove').getAttribute('title')).toMatch(/read-only/);
    fireEvent.keyDown(screen.getByRole('menu'), { key: 'Escape' });
    fireEvent.keyDown(screen.getByRole('grid'), { key: 'Delete' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByTestId('row-actions-notice').textContent).toMatch(/read-only/);
  });
});

describe('What the app keeps alive', () => {
  it('lists each hold with a Release that asks the engine, and offers Release in the row menu', async () => {
    const held = { id: 'held-1', kind: 'posix' as const, name: 'pulse-shm-1', dev: 23, inode: 1011, until: null };
    const host = recordingHost({ release: () => ({ ok: true, value: { released: true } }) });
    const withHeld = fullPatch([segmentItem(segment('pulse-shm-1'))], 1, { ...HEADER, held: [held] });
    renderWith(
      <>
        <SegmentTable />
        <HeldList />
      </>,
      { patches: [withHeld], host },
    );
    expect(screen.getByTestId('held-pulse-shm-1').textContent).toContain('until released');
    fireEvent.click(screen.getByTestId('release-held-1'));
    await waitFor(() => expect(host.calls).toEqual([{ channel: 'release', request: { id: 'held-1' } }]));
    fireEvent.contextMenu(row('pulse-shm-1'));
    fireEvent.click(screen.getByTestId('row-menu-release'));
    await waitFor(() => expect(host.calls).toHaveLength(2));
    expect(await screen.findByTestId('row-actions-notice')).toHaveProperty('textContent', 'Released 1 segment.');
  });
});
