import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from './app';
import { connectStore, setHostStatus } from './store/actions';
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
    expect(host.calls).toEqual([
      { channel: 'host-info', request: {} }, // asked after each connection's snapshot
      { channel: 'lab-stop', request: { id: 'lab-1', keep: false } },
    ]);

    fireEvent.click(screen.getByTestId('create-button'));
    expect(screen.getByTestId('create-dialog')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByTestId('create-dialog')).toBeNull();

    fireEvent.click(screen.getByTestId('clean-stale-button'));
    expect(screen.getByTestId('cleanup-dialog')).toBeTruthy();
    await screen.findByRole('alert');
  });

  it('says read-only up front: a badge, and Create, Clean and the lab’s buttons off with the reason', async () => {
    const lab = [
      { id: 'lab-1', kind: 'pool' as const, storage: 'posix' as const, name: 'pulse-shm-9', inode: 9, slots: 2 },
    ];
    const host = recordingHost({ 'host-info': () => ({ ok: true, value: { readOnly: true } }) });
    const { store } = renderWith(<App />, { host });
    connectStore(store, host);
    act(() => host.push(fullPatch([segmentItem(segment('pulse-shm-1'))], 1, { ...HEADER, lab })));
    expect(await screen.findByTestId('read-only-badge')).toBeTruthy();
    const offButtons = [
      screen.getByTestId('create-button'),
      screen.getByTestId('clean-stale-button'),
      ...within(screen.getByTestId('lab-list')).getAllByRole('button'),
    ];
    for (const button of offButtons) {
      expect(button).toHaveProperty('disabled', true);
      expect(button.getAttribute('title')).toContain('read-only');
    }
  });

  it('dims the last state and turns the actions off while disconnected, and says so when the host refuses the page', () => {
    const lab = [
      { id: 'lab-1', kind: 'pool' as const, storage: 'posix' as const, name: 'pulse-shm-9', inode: 9, slots: 2 },
    ];
    const host = recordingHost({ 'host-info': () => ({ ok: true, value: { readOnly: false } }) });
    const { store } = renderWith(<App />, { host });
    connectStore(store, host);
    act(() => host.push(fullPatch([segmentItem(segment('pulse-shm-1'))], 1, { ...HEADER, lab })));
    expect(screen.getByTestId('app').className).toBe('app');
    act(() => setHostStatus(store, { status: 'disconnected', retryInMs: 1000 }));
    expect(screen.getByTestId('app').className).toContain('app--stale-data');
    for (const button of within(screen.getByTestId('lab-list')).getAllByRole('button')) {
      expect(button).toHaveProperty('disabled', true);
    }
    act(() => setHostStatus(store, { status: 'refused', retryInMs: null }));
    expect(screen.getByTestId('connection-status').textContent).toBe('Refused: open the new address');
    expect(screen.getByText('The inspector host no longer accepts this page')).toBeTruthy();
  });
});
