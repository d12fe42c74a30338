import { fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fullPatch, NOW, memfdItem, segment, segmentItem, staleSegment } from '../test-support/fixtures';
import { renderWith } from '../test-support/render-app';
import { DetailPane } from './detail-pane';
import { SegmentTable } from './segment-table';
import { TableFilters } from './table-filters';

const patch = fullPatch([
  segmentItem(segment('pulse-shm-1')),
  segmentItem(staleSegment('pulse-shm-2')),
  segmentItem(segment('pulse-shm-3')),
  memfdItem(77),
]);

const rowNames = () =>
  within(screen.getByTestId('segment-table'))
    .getAllByRole('row')
    .map((row) => row.getAttribute('data-testid'))
    .filter((id) => id !== null);

describe('SegmentTable', () => {
  it('renders a grid with one row per segment and announces the total', () => {
    renderWith(<SegmentTable />, { patches: [patch] });
    const grid = screen.getByRole('grid', { name: 'Shared memory segments' });
    expect(grid.getAttribute('aria-rowcount')).toBe('5');
    expect(rowNames()).toEqual([
      'segment-row-memfd:pulseaudio:77',
      'segment-row-pulse-shm-1',
      'segment-row-pulse-shm-2',
      'segment-row-pulse-shm-3',
    ]);
  });

  afterEach(() => vi.useRealTimers());

  it('shows state as text with the reason in the title, and formatted sizes, modes, owners and ages', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: NOW });
    renderWith(<SegmentTable />, { patches: [patch] });
    const row = screen.getByTestId('segment-row-pulse-shm-2');
    const badge = within(row).getByTestId('state-badge');
    expect(badge.textContent).toBe('stale');
    expect(badge.getAttribute('title')).toBe('no process has PID 4242');
    expect(row.textContent).toContain('64.0 MiB / 2.0 MiB');
    expect(row.textContent).toContain('0700 · uid 1000');
    expect(row.textContent).toContain('4242 (gone)');
    expect(row.textContent).toContain('5 min');
    expect(screen.getByTestId('segment-row-pulse-shm-1').textContent).toContain('3349:rw');
  });

  it('renders only the rows in view of a long list', () => {
    const many = Array.from({ length: 2000 }, (_, i) => segmentItem(segment(`pulse-shm-${1000 + i}`)));
    renderWith(<SegmentTable />, { patches: [fullPatch(many)] });
    expect(screen.getByRole('grid').getAttribute('aria-rowcount')).toBe('2001');
    const rendered = rowNames().length;
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(100);
  });

  it('selects with a click and moves the selection with the arrow keys, Home and End', () => {
    const { store } = renderWith(
      <>
        <SegmentTable />
        <DetailPane />
      </>,
      { patches: [patch] },
    );
    fireEvent.click(screen.getByTestId('segment-row-pulse-shm-1'));
    expect(store.getState().selection.selectedId).toBe('seg:pulse-shm-1');
    expect(screen.getByTestId('segment-row-pulse-shm-1').getAttribute('aria-selected')).toBe('true');

    const grid = screen.getByRole('grid');
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    expect(store.getState().selection.selectedId).toBe('seg:pulse-shm-2');
    expect(grid.getAttribute('aria-activedescendant')).toBe(screen.getByTestId('segment-row-pulse-shm-2').id);
    fireEvent.keyDown(grid, { key: 'ArrowUp' });
    fireEvent.keyDown(grid, { key: 'ArrowUp' });
    expect(store.getState().selection.selectedId).toBe('memfd:1:77');
    fireEvent.keyDown(grid, { key: 'ArrowUp' });
    expect(store.getState().selection.selectedId).toBe('memfd:1:77');
    fireEvent.keyDown(grid, { key: 'End' });
    expect(store.getState().selection.selectedId).toBe('seg:pulse-shm-3');
    expect(within(screen.getByTestId('detail-pane')).getByText('pulse-shm-3')).toBeTruthy();

    fireEvent.keyDown(grid, { key: 'Enter' });
    expect(document.activeElement).toBe(screen.getByTestId('detail-pane'));
  });

  it('sorts by a clicked column, and reverses on the second click; state by severity, not the alphabet', () => {
    renderWith(<SegmentTable />, { patches: [patch] });
    fireEvent.click(screen.getByTestId('sort-state'));
    // stale first, then held (the memfd pool), then live.
    expect(rowNames()).toEqual([
      'segment-row-pulse-shm-2',
      'segment-row-memfd:pulseaudio:77',
      'segment-row-pulse-shm-1',
      'segment-row-pulse-shm-3',
    ]);
    expect(screen.getByTestId('sort-state').parentElement?.getAttribute('aria-sort')).toBe('ascending');
    fireEvent.click(screen.getByTestId('sort-state'));
    expect(rowNames()[0]).toBe('segment-row-pulse-shm-1');
    expect(screen.getByTestId('sort-state').parentElement?.getAttribute('aria-sort')).toBe('descending');
  });

  it('filters through labelled controls, and says so when nothing matches', () => {
    renderWith(
      <>
        <TableFilters />
        <SegmentTable />
      </>,
      { patches: [patch] },
    );
    fireEvent.change(screen.getByLabelText('State'), { target: { value: 'stale' } });
    expect(rowNames()).toEqual(['segment-row-pulse-shm-2']);
    fireEvent.change(screen.getByLabelText('Search'), { target: { value: 'nothing like this' } });
    expect(rowNames()).toEqual([]);
    expect(screen.getByRole('status').textContent).toContain('No segment matches the filters');
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(rowNames()).toHaveLength(4);
    fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'memfd' } });
    fireEvent.change(screen.getByLabelText('Process'), { target: { value: '5000' } });
    expect(rowNames()).toEqual(['segment-row-memfd:pulseaudio:77']);
  });

  it('says it is waiting before the first snapshot, and what to do when the directory is empty', () => {
    const { unmount } = renderWith(<SegmentTable />);
    expect(screen.getByRole('status').textContent).toContain('Waiting for the first scan');
    unmount();
    renderWith(<SegmentTable />, { patches: [fullPatch([])] });
    expect(screen.getByRole('status').textContent).toMatch(/No shared memory in \/dev\/shm.*Create/);
  });

  it('leaves Enter on a column header to the header (it sorts), never to the grid (select and jump to details)', () => {
    renderWith(
      <>
        <SegmentTable />
        <DetailPane />
      </>,
      { patches: [patch] },
    );
    const sortButton = screen.getByTestId('sort-name');
    sortButton.focus();
    const notPrevented = fireEvent.keyDown(sortButton, { key: 'Enter' });
    expect(notPrevented).toBe(true); // the browser's Enter-activates-button stays
    expect(document.activeElement).toBe(sortButton);
    expect(screen.getByTestId('detail-pane').textContent).toContain('Select a segment');
  });
});
