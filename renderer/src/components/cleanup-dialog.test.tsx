import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { RequestChannel, ResponseOf, Result } from '../../../protocol/channels';
import { renderWith } from '../test-support/render-app';
import { recordingHost } from '../test-support/recording-host';
import { CleanupDialog } from './cleanup-dialog';
import { BATCH } from './use-cleanup-run';

const MiB = 1024 * 1024;

const plan = (
  options = { includeZombie: false, includeReused: false, force: [] as string[] },
): ResponseOf<'plan-cleanup'> => ({
  planId: 'plan-1',
  dir: '/dev/shm',
  options,
  remove: [
    {
      name: 'pulse-shm-2',
      dev: 23,
      inode: 2,
      birthTime: null,
      state: 'stale',
      bytes: 8 * MiB,
      size: 64 * MiB + 40,
      reason: 'no process has PID 4242',
    },
  ],
  keep: [{ name: 'pulse-shm-1', state: 'live', reason: 'the owner runs', cause: 'the owner runs', forceable: false }],
  failed: [],
});

const result: ResponseOf<'execute-cleanup'> = {
  dryRun: false,
  removed: [{ name: 'pulse-shm-2', bytes: 8 * MiB, size: 64 * MiB + 40, reason: 'no process has PID 4242' }],
  kept: [{ name: 'pulse-shm-1', state: 'live', reason: 'the owner runs', cause: 'the owner runs', forceable: false }],
  failed: [],
  bytesFreed: 8 * MiB,
  remaining: 0,
};

describe('CleanupDialog', () => {
  it('shows the plan (what goes, what stays, why, bytes freed), then the result of executing it', async () => {
    const host = recordingHost({
      'plan-cleanup': (request) => ({ ok: true, value: plan({ ...request }) }),
      'execute-cleanup': () => ({ ok: true, value: result }),
    });
    renderWith(<CleanupDialog onClose={() => {}} />, { host });
    expect(screen.getByRole('status').textContent).toContain('Planning');

    const shown = await screen.findByTestId('cleanup-plan');
    expect(shown.textContent).toContain('Removes 1 segment from /dev/shm, freeing 8.0 MiB.');
    const goes = within(screen.getByTestId('cleanup-remove-pulse-shm-2'));
    expect(goes.getByTestId('state-badge').textContent).toBe('stale');
    expect(goes.getByText('no process has PID 4242')).toBeTruthy();
    expect(screen.getByTestId('cleanup-keep-pulse-shm-1').textContent).toContain('the owner runs');

    fireEvent.click(screen.getByTestId('cleanup-confirm'));
    const done = await screen.findByTestId('cleanup-result');
    expect(done.textContent).toContain('Removed 1 segment, freed 8.0 MiB.');
    expect(screen.queryByTestId('cleanup-confirm')).toBeNull();
    expect(host.calls).toEqual([
      { channel: 'plan-cleanup', request: { includeZombie: false, includeReused: false, force: [] } },
      { channel: 'execute-cleanup', request: { planId: 'plan-1', limit: BATCH } },
    ]);
  });

  it('plans again with zombie owners included when asked', async () => {
    const host = recordingHost({ 'plan-cleanup': (request) => ({ ok: true, value: plan({ ...request }) }) });
    renderWith(<CleanupDialog onClose={() => {}} />, { host });
    await screen.findByTestId('cleanup-plan');
    fireEvent.click(screen.getByLabelText(/owner is a zombie/));
    await screen.findByTestId('cleanup-plan');
    expect(host.calls.map((call) => call.request)).toEqual([
      { includeZombie: false, includeReused: false, force: [] },
      { includeZombie: true, includeReused: false, force: [] },
    ]);
  });

  it('offers nothing to confirm when the plan removes nothing', async () => {
    const host = recordingHost({ 'plan-cleanup': () => ({ ok: true, value: { ...plan(), remove: [] } }) });
    renderWith(<CleanupDialog onClose={() => {}} />, { host });
    expect((await screen.findByTestId('cleanup-plan')).textContent).toContain('Nothing to remove in /dev/shm.');
    expect((screen.getByTestId('cleanup-confirm') as HTMLButtonElement).disabled).toBe(true);
  });

  it('shows failures per segment, CHANGED in words', async () => {
    const host = recordingHost({
      'plan-cleanup': () => ({ ok: true, value: plan() }),
      'execute-cleanup': () => ({
        ok: true,
        value: {
          ...result,
          removed: [],
          bytesFreed: 0,
          failed: [{ name: 'pulse-shm-2', code: 'CHANGED', message: 'inode differs' }],
        },
      }),
    });
    renderWith(<CleanupDialog onClose={() => {}} />, { host });
    fireEvent.click(await screen.findByTestId('cleanup-confirm'));
    const done = await screen.findByTestId('cleanup-result');
    expect(done.textContent).toContain('1 segment could not be removed');
    expect(done.textContent).toContain('pulse-shm-2: changed since the plan, left alone (inode differs)');
  });

  it("shows the engine's refusal with what to do", async () => {
    const host = recordingHost({
      'plan-cleanup': () => ({ ok: false, error: { code: 'EACCES', message: 'cannot read /dev/shm' } }),
    });
    renderWith(<CleanupDialog onClose={() => {}} />, { host });
    expect((await screen.findByRole('alert')).textContent).toContain('Permission denied: cannot read /dev/shm');
    expect(screen.queryByTestId('cleanup-confirm')).toBeNull();
  });
});

describe('CleanupDialog at scale', () => {
  const many = (count: number) =>
    Array.from({ length: count }, (_, i) => ({
      name: `pulse-shm-${100000 + i}`,
      dev: 1,
      inode: i,
      birthTime: null,
      state: 'stale' as const,
      bytes: (i % 7) * 4096,
      size: 65576,
      reason: 'no process has PID 4242',
    }));

  it('renders only the plan rows in view of 5,000, and sorts them by bytes freed', async () => {
    const remove = many(5000);
    const host = recordingHost({ 'plan-cleanup': () => ({ ok: true, value: { ...plan(), remove } }) });
    renderWith(<CleanupDialog onClose={() => {}} />, { host });
    const list = await screen.findByTestId('plan-removals');
    const shown = () =>
      within(list)
        .getAllByRole('listitem')
        .map((item) => item.textContent ?? '');
    expect(shown().length).toBeGreaterThan(5);
    expect(shown().length).toBeLessThan(100);
    expect(shown()[0]).toContain('pulse-shm-100000');
    fireEvent.click(screen.getByTestId('plan-sort-bytes'));
    fireEvent.click(screen.getByTestId('plan-sort-bytes'));
    expect(shown()[0]).toContain('24.0 KiB');
    expect(screen.getByTestId('plan-sort-bytes').getAttribute('aria-pressed')).toBe('true');
  });

  it('shows n of N and the bytes freed while it runs in batches, and stops between batches on Cancel', async () => {
    const remove = many(250);
    // Each batch is answered when the test says so, as a slow engine would.
    const answers: ((value: ResponseOf<'execute-cleanup'>) => void)[] = [];
    const base = recordingHost({ 'plan-cleanup': () => ({ ok: true, value: { ...plan(), remove } }) });
    const slow = (request: unknown): Promise<Result<ResponseOf<'execute-cleanup'>>> =>
      new Promise((resolve) => {
        base.calls.push({ channel: 'execute-cleanup', request });
        answers.push((value) => resolve({ ok: true, value }));
      });
    const host = {
      ...base,
      request: ((channel: RequestChannel, request: unknown) =>
        channel === 'execute-cleanup' ? slow(request) : base.request(channel, request as never)) as typeof base.request,
    };
    renderWith(<CleanupDialog onClose={() => {}} />, { host });
    fireEvent.click(await screen.findByTestId('cleanup-confirm'));
    const batch = (done: number, remaining: number) => ({
      dryRun: false,
      removed: remove.slice(done, done + BATCH).map(({ name, bytes, size, reason }) => ({ name, bytes, size, reason })),
      kept: [],
      failed: [],
      bytesFreed: BATCH * 4096,
      remaining,
    });
    expect((await screen.findByTestId('cleanup-progress')).textContent).toContain('0 of 250');
    await waitFor(() => expect(answers).toHaveLength(1));
    answers[0]?.(batch(0, 150));
    await waitFor(() =>
      expect(screen.getByTestId('cleanup-progress').textContent).toContain('100 of 250, 400.0 KiB freed'),
    );
    expect(screen.getByRole('progressbar')).toHaveProperty('value', 100);
    fireEvent.click(screen.getByTestId('cleanup-cancel-run'));
    await waitFor(() => expect(answers).toHaveLength(2));
    answers[1]?.(batch(100, 50));
    const summary = await screen.findByTestId('cleanup-result');
    expect(summary.textContent).toContain('Cancelled: 50 segments of the plan left in place.');
    expect(summary.textContent).toContain('Removed 200 segments, freed 800.0 KiB.');
    // Two batches asked for, no third after Cancel.
    expect(base.calls.filter((call) => call.channel === 'execute-cleanup')).toHaveLength(2);
  });
});

describe('CleanupDialog in the UI’s words', () => {
  it('says how to remove a kept entry anyway from the UI, not with the command line’s --force', async () => {
    const keep = [
      {
        name: 'notes.txt',
        state: 'foreign' as const,
        reason: 'foreign: not a PulseAudio segment; only removed when named with --force',
        cause: 'foreign: not a PulseAudio segment',
        forceable: true,
      },
      {
        name: 'pulse-shm-9',
        state: 'stale' as const,
        reason:
          'owner PID 9 no longer exists, but still held by PID 12 (x, rw); name it with --force to remove the name anyway (the mappings stay valid)',
        cause: 'owner PID 9 no longer exists, but still held by PID 12 (x, rw)',
        forceable: true,
      },
      {
        name: 'pulse-shm-1',
        state: 'live' as const,
        reason: 'the owner runs',
        cause: 'the owner runs',
        forceable: false,
      },
    ];
    const host = recordingHost({ 'plan-cleanup': () => ({ ok: true, value: { ...plan(), keep } }) });
    renderWith(<CleanupDialog onClose={() => {}} />, { host });
    await screen.findByTestId('cleanup-plan');
    expect(screen.getByTestId('cleanup-dialog').textContent).not.toContain('--force');
    expect(screen.getByTestId('cleanup-keep-notes.txt').textContent).toContain(
      'foreign: not a PulseAudio segment; to remove it anyway, select its row and choose Remove…',
    );
    expect(screen.getByTestId('cleanup-keep-pulse-shm-9').textContent).toContain(
      'still held by PID 12 (x, rw); to remove',
    );
    expect(screen.getByTestId('cleanup-keep-pulse-shm-1').textContent).toContain('the owner runs');
  });
});
