import { act, screen, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { select } from '../store/actions';
import { applyPatch } from '../store/apply-patch';
import {
  fullPatch,
  HEADER,
  incrementalPatch,
  memfdItem,
  NOW,
  pool,
  samples,
  segment,
  segmentItem,
  staleSegment,
} from '../test-support/fixtures';
import { formatTime } from '../../../protocol/format';
import { FakeUPlot } from '../test-support/fake-uplot';
import { renderWith } from '../test-support/render-app';
import { DetailPane } from './detail-pane';

beforeEach(() => {
  FakeUPlot.instances = [];
});

function renderSelected(id: string, patches = [fullPatch([])]) {
  const rendered = renderWith(<DetailPane />, { patches });
  act(() => select(rendered.store, id));
  return rendered;
}

describe('DetailPane', () => {
  it('asks for a selection when there is none', () => {
    renderWith(<DetailPane />, { patches: [fullPatch([segmentItem(segment('pulse-shm-1'))])] });
    expect(screen.getByTestId('detail-pane').textContent).toContain('Select a segment');
  });

  it('decodes the marker: magic, PID and reserved bytes beside their hex', () => {
    renderSelected('seg:pulse-shm-1', [fullPatch([segmentItem(segment('pulse-shm-1'))])]);
    const marker = screen.getByTestId('marker');
    expect(marker.textContent).toContain('fe ca ef be');
    expect(marker.textContent).toContain('magic 0xbeefcafe (PulseAudio’s)');
    expect(marker.textContent).toContain('15 0d 00 00');
    expect(marker.textContent).toContain('PID 3349');
    expect(marker.textContent).toContain('reserved (zero)');
  });

  it('explains a live owner and a stale one', () => {
    const patch = fullPatch([segmentItem(segment('pulse-shm-1')), segmentItem(staleSegment('pulse-shm-2'))]);
    const { store } = renderSelected('seg:pulse-shm-1', [patch]);
    expect(screen.getByTestId('owner-summary').textContent).toBe(
      'The marker names PID 3349: pulseaudio (state S), which started 55 min before the segment was created.',
    );
    act(() => select(store, 'seg:pulse-shm-2'));
    expect(screen.getByTestId('owner-summary').textContent).toBe(
      'The marker names PID 4242; no process has that PID now.',
    );
    expect(screen.getByTestId('state-badge').textContent).toBe('stale');
  });

  it('calls a PID reused only when the engine does: an owner that started just after the birth time, within its margin, is the creator', () => {
    const justAfter = segment('pulse-shm-1', {
      birthTime: NOW - 60_000,
      owner: { pid: 3349, comm: 'pulseaudio', state: 'S', startTime: NOW - 60_000 + 400 },
    });
    const reused = staleSegment('pulse-shm-2', {
      state: 'stale-pid-reused',
      birthTime: NOW - 60_000,
      owner: { pid: 4242, comm: 'bash', state: 'S', startTime: NOW - 30_000 },
    });
    const { store } = renderSelected('seg:pulse-shm-1', [fullPatch([segmentItem(justAfter), segmentItem(reused)])]);
    expect(screen.getByTestId('owner-summary').textContent).not.toContain('reused');
    expect(screen.getByTestId('owner-summary').textContent).toContain('its creator');
    act(() => select(store, 'seg:pulse-shm-2'));
    expect(screen.getByTestId('owner-summary').textContent).toContain('after the segment was created: a reused PID');
  });

  it('says when the holders may be incomplete, and why an unverifiable owner could not be inspected', () => {
    const unknown = staleSegment('pulse-shm-2', {
      state: 'unverifiable',
      reason: 'cannot read /proc/4242: ENOENT (hidepid=invisible); owner PID 4242 may be alive',
      owner: null,
      attached: [],
      holdersIncomplete: 'holders unknown: 3 processes that could have opened it could not be inspected',
    });
    renderSelected('seg:pulse-shm-2', [fullPatch([segmentItem(unknown)])]);
    expect(screen.getByTestId('owner-summary').textContent).toBe(
      'The marker names PID 4242, which could not be inspected: cannot read /proc/4242: ENOENT (hidepid=invisible); owner PID 4242 may be alive.',
    );
    expect(screen.getByTestId('holders-unknown').textContent).toContain(
      'holders unknown: 3 processes that could have opened it could not be inspected',
    );
  });

  it('lists attached processes with their access in words', () => {
    renderSelected('memfd:1:77', [fullPatch([memfdItem(77)])]);
    const list = screen.getByTestId('attached-list');
    expect(list.textContent).toContain('3349 pulseaudio read-write (rw)');
    expect(list.textContent).toContain('5000 paplay read-only (ro)');
  });

  it('draws one slot cell per slot, lettered by state, with the header fields in each title', () => {
    const item = segmentItem(
      segment('pulse-shm-1', { pool: { pool: pool(['in-use', 'free', 'data', 'untouched']), notPool: null } }),
    );
    renderSelected('seg:pulse-shm-1', [fullPatch([item])]);
    const map = screen.getByTestId('slot-map');
    const cells = [...map.children];
    expect(cells.map((cell) => cell.textContent)).toEqual(['U', 'F', 'D', '·']);
    expect(cells[0]?.getAttribute('title')).toBe('slot 0: in use; refcount 1, type POOL, length 63.9 KiB, silence');
    expect(cells[3]?.getAttribute('title')).toBe('slot 3: untouched');
    expect(map.getAttribute('aria-label')).toBe('4 slots: 1 in use (U), 1 free (F), 1 data (D), 1 untouched (·)');
  });

  it('charts the bytes per second into both rings of each srbchannel, with the current rate in words', () => {
    const item = segmentItem(
      segment('pulse-shm-1', { pool: { pool: pool(['in-use', 'untouched'], [64]), notPool: null } }),
    );
    const { store } = renderSelected('seg:pulse-shm-1', [fullPatch([item])]);
    const chart = screen.getByTestId('srb-chart');
    expect(chart.textContent).toContain('srbchannel in slot 0 (offset 64): no samples yet');
    act(() => {
      store.setState((state) => ({
        segments: {
          ...state.segments,
          series: new Map([
            [
              'seg:pulse-shm-1#64',
              {
                capacity: 32712,
                times: [NOW, NOW + 100],
                ms: [100, 100],
                readBytes: [100, 2048],
                writeBytes: [0, 4096],
                peak: [100, 4096],
                wakeups: [1, 2],
                last: null,
              },
            ],
          ]),
        },
      }));
    });
    // (100 + 2048) B into the read ring and 4096 B into the write ring over 200 ms.
    expect(screen.getByTestId('srb-rate').textContent).toBe('30.5 KiB/s');
    expect(chart.textContent).toContain(
      'over the last 5 s (read ring 10.5 KiB/s, write ring 20.0 KiB/s); peak fill 4.0 KiB of 31.9 KiB, 3 wake-ups',
    );
    const plot = FakeUPlot.instances[0];
    expect(plot?.data).toEqual([
      [NOW / 1000, (NOW + 100) / 1000],
      [1000, 20480],
      [0, 40960],
    ]);
    // Its time axis speaks the app's one time format (formatTime), not uPlot's 12-hour labels.
    const timeAxis = (plot?.options as { axes: { values: (u: unknown, ticks: number[]) => string[] }[] }).axes[0];
    expect(timeAxis?.values(null, [NOW / 1000])).toEqual([formatTime(NOW)]);
    expect(formatTime(NOW)).toMatch(/^\d\d:\d\d:\d\d$/);
  });

  it('updates the chart and the rate as patches bring traffic', () => {
    const item = segmentItem(segment('pulse-shm-1', { pool: { pool: pool(['in-use'], [64]), notPool: null } }));
    const { store } = renderSelected('seg:pulse-shm-1', [fullPatch([item])]);
    const patch = incrementalPatch(2, { samples: [samples('seg:pulse-shm-1#64', NOW, 3, 100, (i) => 1024 * i)] });
    act(() => store.setState((state) => applyPatch(state, patch)));
    // 3 KiB into the read ring and 6 KiB into the write ring in 300 ms.
    expect(screen.getByTestId('srb-rate').textContent).toBe('30.0 KiB/s');
    expect(screen.getByTestId('srb-chart').textContent).toContain('read ring 10.0 KiB/s, write ring 20.0 KiB/s');
  });

  it('shows the findings about the selected segment only', () => {
    const findings = [
      {
        severity: 'high' as const,
        kind: 'exposure' as const,
        subject: 'pulse-shm-1',
        message: 'world-writable (0777)',
      },
      { severity: 'low' as const, kind: 'exposure' as const, subject: 'pulse-shm-2', message: 'group-readable' },
    ];
    renderSelected('seg:pulse-shm-1', [
      fullPatch([segmentItem(segment('pulse-shm-1', { mode: 0o777 })), segmentItem(segment('pulse-shm-2'))], 1, {
        ...HEADER,
        findings,
      }),
    ]);
    const list = screen.getByTestId('findings');
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['high exposure: world-writable (0777)']);
  });

  it('says which part of an entry could not be read', () => {
    renderSelected('seg:pulse-shm-1', [
      fullPatch([
        segmentItem(segment('pulse-shm-1', { error: { code: 'EACCES', message: 'permission denied' }, marker: null })),
      ]),
    ]);
    expect(screen.getByRole('alert').textContent).toContain('EACCES');
    expect(screen.getByTestId('owner-summary').textContent).toBe('No valid marker, so no owner to check.');
  });
});
