import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { setHostStatus } from '../store/actions';
import { fullPatch, HEADER, memfdItem, segment, segmentItem, staleSegment } from '../test-support/fixtures';
import { renderWith } from '../test-support/render-app';
import { Header } from './header';

const noop = () => {};

describe('Header', () => {
  it('before the first snapshot: waiting, connecting, actions disabled', () => {
    renderWith(<Header onCreate={noop} onClean={noop} />);
    expect(screen.getByTestId('header-capacity').textContent).toContain('Waiting for the first scan');
    expect(screen.getByTestId('connection-status').textContent).toBe('Connecting…');
    expect((screen.getByTestId('create-button') as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId('clean-stale-button') as HTMLButtonElement).disabled).toBe(true);
  });

  it('with data: capacity, counts by state, reclaimable bytes, all formatted', () => {
    const MiB = 1024 * 1024;
    renderWith(<Header onCreate={noop} onClean={noop} />, {
      patches: [
        fullPatch([
          segmentItem(segment('pulse-shm-1')),
          segmentItem(staleSegment('pulse-shm-2', { allocated: 3 * MiB })),
          segmentItem(staleSegment('pulse-shm-3', { allocated: 5 * MiB })),
          memfdItem(77),
        ]),
      ],
    });
    const capacity = screen.getByTestId('header-capacity');
    expect(capacity.textContent).toContain('/dev/shm');
    expect(capacity.textContent).toContain('100.0 MiB used of 4.0 GiB, 3.9 GiB free');
    expect(within(capacity).getByRole('meter')).toBeTruthy();
    expect(screen.getByTestId('state-count-live').textContent).toBe('live 1');
    expect(screen.getByTestId('state-count-stale').textContent).toBe('stale 2');
    expect(screen.getByTestId('state-count-held').textContent).toBe('held 1');
    expect(screen.getByTestId('reclaimable').textContent).toBe('Reclaimable: 8.0 MiB in 2 stale segments');
    expect(screen.getByTestId('connection-status').textContent).toBe('Connected');
    expect((screen.getByTestId('create-button') as HTMLButtonElement).disabled).toBe(false);
  });

  it('counts as reclaimable what the engine says a plain cleanup removes, not every stale row', () => {
    const MiB = 1024 * 1024;
    renderWith(<Header onCreate={noop} onClean={noop} />, {
      patches: [
        fullPatch([
          segmentItem(staleSegment('pulse-shm-2', { allocated: 3 * MiB })),
          // Stale, but some holder could not be inspected: the engine keeps it unless named.
          segmentItem(
            staleSegment('pulse-shm-3', { allocated: 5 * MiB, holdersIncomplete: 'holders unknown', removal: 'named' }),
          ),
          // A zombie's segment goes only when zombies are included.
          segmentItem(staleSegment('pulse-shm-4', { allocated: 7 * MiB, state: 'stale-zombie', removal: 'opt-in' })),
        ]),
      ],
    });
    expect(screen.getByTestId('reclaimable').textContent).toBe('Reclaimable: 3.0 MiB in 1 stale segment');
  });

  it('shows a lost connection with its retry time, and a child PID namespace as a note', () => {
    const { store } = renderWith(<Header onCreate={noop} onClean={noop} />, {
      patches: [fullPatch([], 1, { ...HEADER, initialPidNamespace: false })],
    });
    act(() => setHostStatus(store, { status: 'disconnected', retryInMs: 4000 }));
    expect(screen.getByTestId('connection-status').textContent).toBe('Disconnected, retrying in 4 s');
    expect((screen.getByTestId('clean-stale-button') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByRole('note').textContent).toContain('child PID namespace');
  });

  it('shows the engine’s note on processes it could not inspect', () => {
    const message = '57 processes could not be inspected: segments they could hold are marked "holders unknown"';
    renderWith(<Header onCreate={noop} onClean={noop} />, {
      patches: [
        fullPatch([], 1, {
          ...HEADER,
          findings: [{ severity: 'low', kind: 'inspector', subject: '/proc', message }],
        }),
      ],
    });
    expect(screen.getByTestId('proc-note').textContent).toBe(message);
  });
});
