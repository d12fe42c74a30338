import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Patch } from '../../../protocol/channels';
import type { ProcessSummary, ProcessView } from '../../../protocol/processes';
import { App } from '../app';
import { connectStore, setFilter } from '../store/actions';
import { selectProcess } from '../store/process-actions';
import { fullPatch, incrementalPatch, memfdItem, segment, segmentItem } from '../test-support/fixtures';
import { renderWith } from '../test-support/render-app';
import { recordingHost } from '../test-support/recording-host';

function summary(pid: number, overrides: Partial<ProcessSummary> = {}): ProcessSummary {
  return {
    pid,
    comm: `prog${pid}`,
    cmdline: `/usr/bin/prog${pid} --x`,
    uid: 1000,
    user: 'alice',
    holds: [],
    bytes: 0,
    rw: 0,
    ro: 0,
    created: [],
    createdAlive: 0,
    createdStale: 0,
    pulse: true,
    client: null,
    ...overrides,
  };
}

const MiB = 1024 * 1024;
const VIEW: ProcessView = {
  processes: [
    summary(3349, {
      comm: 'pulseaudio',
      holds: [
        { id: 'memfd:1:77', access: 'rw', bytes: 64 * MiB },
        { id: 'seg:pulse-shm-1', access: 'rw', bytes: 64 * MiB + 40 },
      ],
      bytes: 128 * MiB + 40,
      rw: 2,
      created: ['seg:pulse-shm-1'],
      createdAlive: 1,
    }),
    summary(5000, {
      comm: 'paplay',
      holds: [{ id: 'memfd:1:77', access: 'ro', bytes: 64 * MiB }],
      bytes: 64 * MiB,
      ro: 1,
      user: 'bob',
      client: { name: 'Firefox', binary: 'firefox-esr' },
    }),
  ],
  pulseNames: { available: true },
};

function start(view: ProcessView = VIEW) {
  const host = recordingHost();
  const rendered = renderWith(<App />, { host });
  connectStore(rendered.store, host);
  const items = [
    segmentItem(segment('pulse-shm-1')),
    segmentItem(segment('other-app', { pulse: false })),
    memfdItem(77),
  ];
  const patch: Patch = { ...fullPatch(items), processes: view };
  act(() => host.push(patch));
  fireEvent.click(screen.getByTestId('tab-processes'));
  return { ...rendered, host };
}

const rowPids = () =>
  within(screen.getByTestId('process-table'))
    .getAllByRole('row')
    .slice(1)
    .map((row) => row.getAttribute('data-testid'));

describe('the Processes tab', () => {
  it('lists each process with program, client name, user, items, bytes and the rw/ro split', () => {
    start();
    const row = screen.getByTestId('process-row-5000');
    const cells = within(row)
      .getAllByRole('gridcell')
      .map((cell) => cell.textContent);
    expect(cells).toEqual(['5000', 'paplay', 'Firefox', 'bob', '1', '64.0 MiB', '0 / 1', '']);
    expect(within(screen.getByTestId('process-row-3349')).getAllByRole('gridcell').at(-1)?.textContent).toBe(
      '1 live, 0 stale',
    );
    expect(screen.getByTestId('process-row-3349').textContent).toContain('pulseaudio');
  });

  it('sorts by a column, a second click reversing, with aria-sort on the header', () => {
    start();
    expect(rowPids()).toEqual(['process-row-3349', 'process-row-5000']);
    fireEvent.click(screen.getByTestId('process-sort-bytes'));
    expect(rowPids()).toEqual(['process-row-3349', 'process-row-5000']);
    expect(screen.getByTestId('process-sort-bytes').closest('th')?.getAttribute('aria-sort')).toBe('descending');
    fireEvent.click(screen.getByTestId('process-sort-bytes'));
    expect(rowPids()).toEqual(['process-row-5000', 'process-row-3349']);
    fireEvent.click(screen.getByTestId('process-sort-client'));
    // A process PulseAudio has no name for sorts after the named ones.
    expect(rowPids()).toEqual(['process-row-5000', 'process-row-3349']);
    expect(screen.getByTestId('process-sort-pid').closest('th')?.getAttribute('aria-sort')).toBe('none');
  });

  it('moves the selection with the keyboard and shows the process’s detail', () => {
    start();
    const grid = screen.getByRole('grid', { name: 'Processes' });
    grid.focus();
    fireEvent.keyDown(grid, { key: 'ArrowDown' });
    expect(screen.getByTestId('process-row-3349').getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(grid, { key: 'End' });
    expect(screen.getByTestId('process-row-5000').getAttribute('aria-selected')).toBe('true');
    expect(grid.getAttribute('aria-activedescendant')).toBe(screen.getByTestId('process-row-5000').id);
    fireEvent.keyDown(grid, { key: 'Enter' });
    const detail = screen.getByTestId('process-detail');
    expect(document.activeElement).toBe(detail);
    expect(screen.getByTestId('process-cmdline').textContent).toBe('/usr/bin/prog5000 --x');
    expect(screen.getByTestId('process-client').textContent).toBe('Firefox (firefox-esr)');
    expect(within(detail).getByTestId('process-holds').textContent).toContain('read-only (ro)');
  });

  it('jumps from a process’s item to its row in Segments, selected, clearing a filter that hid it', () => {
    const { store } = start();
    act(() => setFilter(store, { search: 'other-app' }));
    fireEvent.click(screen.getByTestId('tab-segments'));
    expect(screen.queryByTestId('segment-row-pulse-shm-1')).toBeNull();
    fireEvent.click(screen.getByTestId('tab-processes'));
    fireEvent.click(screen.getByTestId('process-row-3349'));
    fireEvent.click(within(screen.getByTestId('process-created')).getByTestId('process-item-seg:pulse-shm-1'));
    expect(screen.getByTestId('tab-segments').getAttribute('aria-selected')).toBe('true');
    expect(screen.getByTestId('segment-row-pulse-shm-1').getAttribute('aria-selected')).toBe('true');
    expect(within(screen.getByTestId('detail-pane')).getByTestId('detail-name').textContent).toBe('pulse-shm-1');
  });

  it('links a segment’s owner and holders back to their process', () => {
    const { store } = start();
    fireEvent.click(screen.getByTestId('tab-segments'));
    fireEvent.click(screen.getByTestId('segment-row-pulse-shm-1'));
    const detail = screen.getByTestId('detail-pane');
    fireEvent.click(within(within(detail).getByTestId('attached-list')).getByTestId('process-link-3349'));
    expect(screen.getByTestId('tab-processes').getAttribute('aria-selected')).toBe('true');
    expect(screen.getByTestId('process-row-3349').getAttribute('aria-selected')).toBe('true');
    act(() => selectProcess(store, 5000));
    fireEvent.click(screen.getByTestId('tab-segments'));
    fireEvent.click(within(screen.getByTestId('owner-process')).getByTestId('process-link-3349'));
    expect(screen.getByTestId('process-detail').textContent).toContain('PID 3349 pulseaudio');
  });

  it('says in one line why PulseAudio names are missing, and shows a later view', () => {
    const { host } = start({ ...VIEW, pulseNames: { available: false, reason: 'pactl is not installed' } });
    expect(screen.getByTestId('process-names-note').textContent).toBe(
      'PulseAudio client names unavailable: pactl is not installed.',
    );
    act(() => host.push({ ...incrementalPatch(2, {}), processes: { processes: [], pulseNames: null } }));
    expect(screen.queryByTestId('process-names-note')).toBeNull();
    expect(screen.getByTestId('process-empty').textContent).toContain('No process');
  });
});
