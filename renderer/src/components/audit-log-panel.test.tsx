import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { AuditLogView, AuditRecord } from '../../../protocol/audit';
import type { ResponseOf } from '../../../protocol/channels';
import { formatTime } from '../../../protocol/format';
import { App } from '../app';
import { noteCleanupRun } from '../store/audit-actions';
import { NOW } from '../test-support/fixtures';
import { renderWith } from '../test-support/render-app';
import { recordingHost } from '../test-support/recording-host';
import { AuditLogPanel } from './audit-log-panel';
import { CleanupDialog } from './cleanup-dialog';

const MiB = 1024 * 1024;

const record = (name: string, overrides: Partial<AuditRecord> = {}): AuditRecord => ({
  time: NOW,
  via: 'websocket',
  uid: 1000,
  pid: 4321,
  dir: '/dev/shm',
  name,
  dev: 23,
  inode: 7,
  reason: 'no process has PID 4242',
  bytes: 2 * MiB,
  outcome: 'removed',
  message: null,
  ...overrides,
});

const kept = (records: AuditRecord[], extra: Partial<Extract<AuditLogView, { kept: true }>> = {}): AuditLogView => ({
  kept: true,
  file: '/home/u/.local/share/shm-inspector/audit.jsonl',
  records,
  more: false,
  torn: null,
  unreadable: 0,
  ...extra,
});

describe('AuditLogPanel', () => {
  it('reads the log when it opens and shows each record: time, via, who, name, size freed, outcome', async () => {
    const host = recordingHost({
      'audit-log': () => ({
        ok: true,
        value: kept([
          record('odd\udcff\u202e', {
            via: 'cli',
            uid: 0,
            pid: 99,
            outcome: 'CHANGED',
            message: 'replaced; not removed',
          }),
          record('pulse-shm-1'),
          record('pulse-shm-0', { via: 'ipc', uid: null, pid: null }),
        ]),
      }),
    });
    renderWith(<AuditLogPanel />, { host });
    const rows = await screen.findAllByTestId('audit-record');
    expect(host.calls).toEqual([{ channel: 'audit-log', request: { limit: 500 } }]);
    const cells = rows.map((row) =>
      within(row)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    );
    const time = formatTime(NOW, { date: true });
    expect(cells).toEqual([
      [time, 'command line', 'uid 0, PID 99', 'odd\\xff\\u202e', '—', 'CHANGED: replaced; not removed'],
      [time, 'browser', 'uid 1000, PID 4321', 'pulse-shm-1', '2.0 MiB', 'removed'],
      [time, 'desktop app', '—', 'pulse-shm-0', '2.0 MiB', 'removed'],
    ]);
    expect(screen.getByTestId('audit-summary').textContent).toBe(
      'The newest 3 records from /home/u/.local/share/shm-inspector/audit.jsonl',
    );
  });

  it('reads again on Refresh and after a cleanup this page ran, and says when older records exist or a line was torn', async () => {
    let records = [record('pulse-shm-1')];
    const host = recordingHost({
      'audit-log': () => ({
        ok: true,
        value: kept(records, { more: true, torn: 'the audit log F ends with an incomplete line', unreadable: 2 }),
      }),
    });
    const { store } = renderWith(<AuditLogPanel />, { host });
    expect(await screen.findAllByTestId('audit-record')).toHaveLength(1);
    expect(screen.getByTestId('audit-summary').textContent).toContain('(older ones are in the file)');
    expect(screen.getByTestId('audit-summary').textContent).toContain('2 lines that could not be read skipped');
    expect(screen.getByRole('note').textContent).toContain('ends with an incomplete line');

    records = [record('pulse-shm-2'), ...records];
    fireEvent.click(screen.getByTestId('audit-refresh'));
    await waitFor(() => expect(screen.getAllByTestId('audit-record')).toHaveLength(2));

    records = [record('pulse-shm-3'), ...records];
    act(() => noteCleanupRun(store));
    await waitFor(() => expect(screen.getAllByTestId('audit-record')).toHaveLength(3));
    expect(host.calls.filter((call) => call.channel === 'audit-log')).toHaveLength(3);
  });

  it('says a read-only host keeps no log as a note, not a failure', async () => {
    const host = recordingHost({
      'audit-log': () => ({ ok: true, value: { kept: false, why: 'this host deletes nothing (read-only)' } }),
    });
    renderWith(<AuditLogPanel />, { host });
    expect((await screen.findByTestId('audit-none')).textContent).toBe(
      'No audit log: this host deletes nothing (read-only).',
    );
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows a failed read as an error', async () => {
    const host = recordingHost({ 'audit-log': () => ({ ok: false, error: { code: 'EACCES', message: 'denied' } }) });
    renderWith(<AuditLogPanel />, { host });
    expect((await screen.findByRole('alert')).textContent).toContain('denied (EACCES)');
  });
});

describe('The Audit log tab', () => {
  it('opens from the tab bar and reads the log again when a cleanup run from this page ends', async () => {
    const executed: ResponseOf<'execute-cleanup'> = {
      dryRun: false,
      removed: [{ name: 'pulse-shm-2', bytes: MiB, size: MiB + 40, reason: 'no process has PID 4242' }],
      kept: [],
      failed: [],
      bytesFreed: MiB,
      remaining: 0,
    };
    const host = recordingHost({
      'audit-log': () => ({ ok: true, value: kept([]) }),
      'plan-cleanup': () => ({
        ok: true,
        value: {
          planId: 'plan-1',
          dir: '/dev/shm',
          options: { includeZombie: false, includeReused: false, force: [] },
          remove: [
            {
              name: 'pulse-shm-2',
              dev: 23,
              inode: 2,
              birthTime: null,
              state: 'stale',
              bytes: MiB,
              size: MiB + 40,
              reason: 'no process has PID 4242',
            },
          ],
          keep: [],
          failed: [],
        },
      }),
      'execute-cleanup': () => ({ ok: true, value: executed }),
    });
    renderWith(
      <>
        <App />
        <CleanupDialog onClose={() => {}} />
      </>,
      { host },
    );
    expect(host.calls.some((call) => call.channel === 'audit-log')).toBe(false);
    fireEvent.click(screen.getByTestId('tab-audit'));
    expect((await screen.findByTestId('audit-summary')).textContent).toContain('Nothing has been removed yet.');
    const reads = () => host.calls.filter((call) => call.channel === 'audit-log').length;
    expect(reads()).toBe(1);

    fireEvent.click(await screen.findByTestId('cleanup-confirm'));
    await screen.findByTestId('cleanup-result');
    await waitFor(() => expect(reads()).toBe(2));
  });
});
