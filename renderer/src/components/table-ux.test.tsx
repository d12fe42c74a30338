import { act, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatTime } from '../../../protocol/format';
import { App } from '../app';
import { connectStore } from '../store/actions';
import { DEFAULT_WIDTHS } from '../store/column-layout';
import {
  fullPatch,
  incrementalPatch,
  memfdItem,
  NOW,
  segment,
  segmentItem,
  staleSegment,
} from '../test-support/fixtures';
import { renderWith } from '../test-support/render-app';
import { recordingHost } from '../test-support/recording-host';

const patch = fullPatch([
  segmentItem(segment('pulse-shm-1689912345')),
  segmentItem(staleSegment('pulse-shm-2')),
  segmentItem(segment('pulse-shm-3')),
  memfdItem(77),
]);

const grid = () => screen.getByRole('grid', { name: 'Shared memory segments' });
const rowIds = () =>
  within(grid())
    .getAllByRole('row')
    .map((row) => row.getAttribute('data-testid'))
    .filter((id) => id !== null);

afterEach(() => vi.useRealTimers());

describe('the table’s keyboard', () => {
  it('/ and Ctrl+F focus the search field, Escape returns to the table with the search kept', () => {
    renderWith(<App />, { patches: [patch] });
    const search = screen.getByTestId('filter-search');
    grid().focus();
    fireEvent.keyDown(grid(), { key: '/' });
    expect(document.activeElement).toBe(search);
    fireEvent.change(search, { target: { value: 'shm-2' } });
    const escape = fireEvent.keyDown(search, { key: 'Escape' });
    expect(escape).toBe(false); // the browser's own Escape would empty a search field
    expect(document.activeElement).toBe(grid());
    expect((search as HTMLInputElement).value).toBe('shm-2');
    expect(rowIds()).toEqual(['segment-row-pulse-shm-2']);

    fireEvent.keyDown(grid(), { key: 'f', ctrlKey: true });
    expect(document.activeElement).toBe(search);
    // A / typed into a text field is text.
    const process = screen.getByTestId('filter-process');
    process.focus();
    expect(fireEvent.keyDown(process, { key: '/' })).toBe(true);
    expect(document.activeElement).toBe(process);
    fireEvent.keyDown(process, { key: 'Escape' });
    expect(document.activeElement).toBe(grid());
  });

  it('Escape in the detail pane returns to the table; the shortcuts are off while a dialog is open', () => {
    renderWith(<App />, { patches: [patch] });
    grid().focus();
    fireEvent.keyDown(grid(), { key: 'ArrowDown' });
    fireEvent.keyDown(grid(), { key: 'Enter' });
    expect(document.activeElement).toBe(screen.getByTestId('detail-pane'));
    fireEvent.keyDown(screen.getByTestId('detail-pane'), { key: 'Escape' });
    expect(document.activeElement).toBe(grid());

    fireEvent.click(screen.getByTestId('create-button'));
    const dialog = screen.getByTestId('create-dialog');
    fireEvent.keyDown(document.activeElement ?? dialog, { key: 'f', ctrlKey: true });
    expect(dialog.contains(document.activeElement)).toBe(true);
  });

  it('R in the table asks the host to rescan, and the Rescan button says so', async () => {
    const host = recordingHost({ 'scan-now': () => ({ ok: true, value: { seq: 2 } }) });
    renderWith(<App />, { patches: [patch], host });
    fireEvent.keyDown(grid(), { key: 'r' });
    await act(async () => {});
    expect(host.calls.map((call) => call.channel)).toEqual(['scan-now']);
    expect(screen.getByTestId('rescan-button').getAttribute('title')).toContain('R in the table');
    // R typed in a filter is a letter.
    fireEvent.keyDown(screen.getByTestId('filter-search'), { key: 'r' });
    await act(async () => {});
    expect(host.calls).toHaveLength(1);
  });
});

describe('the table’s columns', () => {
  it('hides and shows columns from the column menu; the grid’s column count follows', () => {
    renderWith(<App />, { patches: [patch] });
    expect(grid().getAttribute('aria-colcount')).toBe('8');
    fireEvent.click(screen.getByTestId('column-menu-button'));
    const menu = screen.getByTestId('column-menu');
    expect((within(menu).getByLabelText('Name') as HTMLInputElement).disabled).toBe(true);
    fireEvent.click(within(menu).getByLabelText('Mode / uid'));
    fireEvent.click(within(menu).getByLabelText('Age'));
    expect(grid().getAttribute('aria-colcount')).toBe('6');
    expect(
      within(grid())
        .getAllByRole('columnheader')
        .map((header) => header.dataset.column),
    ).toEqual(['name', 'kind', 'size', 'state', 'owner', 'attached']);
    for (const row of within(grid()).getAllByRole('row').slice(1)) {
      expect(within(row).getAllByRole('gridcell')).toHaveLength(6);
    }
    // Escape closes the menu and gives focus back to its button.
    fireEvent.keyDown(within(menu).getByLabelText('Age'), { key: 'Escape' });
    expect(screen.queryByTestId('column-menu')).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId('column-menu-button'));
    fireEvent.click(screen.getByTestId('column-menu-button'));
    fireEvent.click(screen.getByTestId('column-reset'));
    expect(grid().getAttribute('aria-colcount')).toBe('8');
  });

  it('resizes a column from the keyboard on its header’s edge, within bounds', () => {
    const { store } = renderWith(<App />, { patches: [patch] });
    const edge = screen.getByRole('separator', { name: 'Resize Owner' });
    expect(edge.getAttribute('aria-valuenow')).toBe(String(DEFAULT_WIDTHS.owner));
    fireEvent.keyDown(edge, { key: 'ArrowRight' });
    fireEvent.keyDown(edge, { key: 'ArrowRight', shiftKey: true });
    expect(store.getState().columns.widths.owner).toBe(DEFAULT_WIDTHS.owner + 16 + 64);
    expect(edge.getAttribute('aria-valuenow')).toBe(String(DEFAULT_WIDTHS.owner + 80));
    expect(grid().style.getPropertyValue('--grid-columns')).toContain(`${DEFAULT_WIDTHS.owner + 80}px`);
    for (let i = 0; i < 40; i += 1) fireEvent.keyDown(edge, { key: 'ArrowLeft', shiftKey: true });
    expect(store.getState().columns.widths.owner).toBe(40);
    fireEvent.keyDown(edge, { key: 'Home' });
    expect(store.getState().columns.widths.owner).toBe(DEFAULT_WIDTHS.owner);
  });

  it('shows a name’s tail whatever the width, and the whole name on hover', () => {
    renderWith(<App />, { patches: [patch] });
    const name = within(screen.getByTestId('segment-row-memfd:pulseaudio:77')).getAllByRole('gridcell')[0];
    expect(name?.getAttribute('title')).toBe('memfd:pulseaudio:77');
    expect(name?.querySelector('.visible-text__tail')?.textContent).toBe('ulseaudio:77');
    expect(name?.textContent).toBe('memfd:pulseaudio:77');
  });
});

describe('the table’s states', () => {
  it('says how many rows the filters show, and the state counts set the State filter', () => {
    const { store } = renderWith(<App />, { patches: [patch] });
    expect(screen.getByTestId('shown-count').textContent).toBe('4 of 4 shown');
    const stale = screen.getByTestId('state-count-stale');
    expect(stale.getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(stale);
    expect(store.getState().segments.filter.state).toBe('stale');
    expect((screen.getByTestId('filter-state') as HTMLSelectElement).value).toBe('stale');
    expect(rowIds()).toEqual(['segment-row-pulse-shm-2']);
    expect(screen.getByTestId('shown-count').textContent).toBe('1 of 4 shown');
    expect(stale.getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(stale);
    expect(store.getState().segments.filter.state).toBe('all');
  });

  it('shows when the last patch arrived; paused, it keeps the rows and counts what waits; Resume applies it', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: NOW });
    const host = recordingHost();
    const { store } = renderWith(<App />, { host });
    connectStore(store, host);
    expect(screen.getByTestId('last-refresh').textContent).toBe('No update yet');
    act(() => host.push(patch));
    expect(screen.getByTestId('last-refresh').textContent).toBe(`Updated ${formatTime(NOW)}`);

    fireEvent.click(screen.getByTestId('pause-button'));
    vi.setSystemTime(NOW + 2000);
    act(() => host.push(incrementalPatch(2, { upserts: [segmentItem(segment('pulse-shm-4'))] })));
    act(() => host.push(incrementalPatch(3, { removals: ['seg:pulse-shm-3'] })));
    expect(rowIds()).toHaveLength(4);
    expect(screen.queryByTestId('segment-row-pulse-shm-4')).toBeNull();
    expect(screen.getByTestId('last-refresh').textContent).toBe(
      `Paused, showing ${formatTime(NOW)} (2 updates waiting)`,
    );
    expect(screen.getByTestId('pause-button').getAttribute('aria-pressed')).toBe('true');

    fireEvent.click(screen.getByTestId('pause-button'));
    expect(screen.getByTestId('segment-row-pulse-shm-4')).toBeTruthy();
    expect(screen.queryByTestId('segment-row-pulse-shm-3')).toBeNull();
    expect(screen.getByTestId('last-refresh').textContent).toBe(`Updated ${formatTime(NOW + 2000)}`);
  });
});
