import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from './app';
import { connectStore } from './store/actions';
import { fullPatch, HEADER, incrementalPatch, segment, segmentItem, staleSegment } from './test-support/fixtures';
import { renderWith } from './test-support/render-app';
import { recordingHost } from './test-support/recording-host';

describe('App', () => {
  it('fills the table from the host patches, shows details, and opens the dialogs', async () => {
    const lab = [
      { id: 'lab-1', kind: 'pool' as const, storage: 'posix' as const, name: 'pulse-shm-9', inode: 9, slots: 16 },
    ];
    const host = recordingHost({ 'lab-stop': () => ({ ok: true, value: { stopped: true } }) });
    const { store } = renderWith(<App />, { host });
    connectStore(store, host);
    expect(screen.getByTestId('connection-status').textContent).toBe('Connecting…');

    act(() => host.push(fullPatch([segmentItem(segment('pulse-shm-1'))], 1, { ...HEADER, lab })));
    expect(screen.getByTestId('connection-status').textContent).toBe('Connected');
    act(() => host.push(incrementalPatch(2, { upserts: [segmentItem(staleSegment('pulse-shm-2'))] })));
    fireEvent.click(screen.getByTestId('segment-row-pulse-shm-2'));
    expect(within(screen.getByTestId('detail-pane')).getByText('pulse-shm-2')).toBeTruthy();

    act(() => host.push(incrementalPatch(3, { removals: ['seg:pulse-shm-2'] })));
    expect(screen.queryByTestId('segment-row-pulse-shm-2')).toBeNull();
    expect(screen.getByTestId('detail-pane').textContent).toContain('Select a segment');

    fireEvent.click(within(screen.getByTestId('lab-list')).getByRole('button', { name: 'Stop and remove' }));
    expect(host.calls).toEqual([{ channel: 'lab-stop', request: { id: 'lab-1', keep: false } }]);

    fireEvent.click(screen.getByTestId('create-button'));
    expect(screen.getByTestId('create-dialog')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByTestId('create-dialog')).toBeNull();

    fireEvent.click(screen.getByTestId('clean-stale-button'));
    expect(screen.getByTestId('cleanup-dialog')).toBeTruthy();
    await screen.findByRole('alert');
  });
});
