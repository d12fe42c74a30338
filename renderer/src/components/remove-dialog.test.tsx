import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { RequestOf, ResponseOf } from '../../../protocol/channels';
import type { PlannedRemoval } from '../../../protocol/cleanup';
import { recordingHost } from '../test-support/recording-host';
import { renderWith } from '../test-support/render-app';
import { RemoveDialog } from './remove-dialog';

const removal = (name: string, state: PlannedRemoval['state']): PlannedRemoval => ({
  name,
  dev: 1,
  inode: name.length,
  birthTime: null,
  state,
  bytes: 4096,
  size: 4136,
  reason: state === 'stale' ? 'no process has PID 4242' : `forced by name (${state}: ...)`,
});

/** What the engine answers for the selection: stale goes, foreign only when forced, live never. */
function plan(request: RequestOf<'plan-cleanup'>): ResponseOf<'plan-cleanup'> {
  const forced = new Set(request.force);
  return {
    planId: `plan-${request.force.length}`,
    dir: '/dev/shm',
    options: { includeZombie: false, includeReused: false, force: request.force },
    remove: [removal('pulse-shm-2', 'stale'), ...(forced.has('notes.txt') ? [removal('notes.txt', 'foreign')] : [])],
    keep: [
      {
        name: 'pulse-shm-1',
        state: 'live',
        reason: 'owner PID 3349 (pulseaudio) is running',
        cause: 'owner PID 3349 (pulseaudio) is running',
        forceable: false,
      },
      ...(forced.has('notes.txt')
        ? []
        : [
            {
              name: 'notes.txt',
              state: 'foreign' as const,
              reason: 'foreign: not a PulseAudio segment; only removed when named with --force',
              cause: 'foreign: not a PulseAudio segment',
              forceable: true,
            },
          ]),
    ],
    failed: [],
  };
}

describe('RemoveDialog', () => {
  it('asks before a foreign file goes, in the UI’s words, and plans again with it forced when confirmed', async () => {
    const host = recordingHost({
      'plan-cleanup': (request) => ({ ok: true, value: plan(request) }),
      'execute-cleanup': () => ({
        ok: true,
        value: {
          dryRun: false,
          removed: [
            { name: 'pulse-shm-2', bytes: 4096, size: 4136, reason: '' },
            { name: 'notes.txt', bytes: 4096, size: 4136, reason: '' },
          ],
          kept: [],
          failed: [],
          bytesFreed: 8192,
          remaining: 0,
        },
      }),
    });
    const names = ['pulse-shm-1', 'pulse-shm-2', 'notes.txt'];
    renderWith(<RemoveDialog names={names} onClose={() => {}} />, { host });
    const confirm = await screen.findByTestId('confirm-force');
    expect(confirm.textContent).toContain('Remove anyway: 1 foreign entry (notes.txt)');
    expect(confirm.textContent).toContain('some other program made these files and may still use them');
    // The command line's advice is not the UI's.
    expect(screen.getByTestId('remove-dialog').textContent).not.toContain('--force');
    expect(screen.getByTestId('cleanup-confirm').textContent).toBe('Remove 1');

    fireEvent.click(screen.getByTestId('confirm-force-foreign'));
    await waitFor(() => expect(screen.getByTestId('cleanup-confirm').textContent).toBe('Remove 2'));
    expect((screen.getByTestId('confirm-force-foreign') as HTMLInputElement).checked).toBe(true);
    expect(host.calls.map((call) => call.request)).toEqual([
      { includeZombie: false, includeReused: false, force: [], selected: names },
      { includeZombie: false, includeReused: false, force: ['notes.txt'], selected: names },
    ]);

    fireEvent.click(screen.getByTestId('cleanup-confirm'));
    expect((await screen.findByTestId('cleanup-result')).textContent).toContain('Removed 2 segments, freed 8.0 KiB.');
    expect(host.calls.at(-1)).toMatchObject({ channel: 'execute-cleanup', request: { planId: 'plan-1' } });
  });

  it('shows a live entry as staying, with the engine’s reason, and offers no way to force it', async () => {
    const host = recordingHost({ 'plan-cleanup': (request) => ({ ok: true, value: plan(request) }) });
    renderWith(<RemoveDialog names={['pulse-shm-1']} onClose={() => {}} />, { host });
    await screen.findByTestId('cleanup-plan');
    const kept = within(screen.getByTestId('cleanup-plan')).getByText(/Stays: 2 segments/);
    expect(kept).toBeTruthy();
    expect(screen.getByTestId('cleanup-keep-pulse-shm-1').textContent).toContain('is running');
    expect(screen.queryByTestId('confirm-force-live')).toBeNull();
  });
});
