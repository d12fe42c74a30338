import { act, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { History } from '../../../protocol/history';
import { pauseUpdates, receivePatch, resumeUpdates } from '../store/live-updates';
import { fullPatch, incrementalPatch, NOW, pool, segment, segmentItem } from '../test-support/fixtures';
import { renderWith } from '../test-support/render-app';
import { CapacitySummary } from './capacity-summary';
import { PoolView } from './pool-view';
import { sparklinePoints } from './sparkline';

const MiB = 1024 * 1024;

/** A history of `used` values, one point every 5 s ending at NOW, with pool `id` at `inUse` (the last points). */
function history(used: number[], pools: { id: string; inUse: number[] }[] = []): History {
  return {
    intervalMs: 5000,
    windowMs: 15 * 60_000,
    times: used.map((_, i) => NOW - (used.length - 1 - i) * 5000),
    shmUsed: used,
    shmTotal: used.map(() => 4096 * MiB),
    pools: pools.map((entry) => ({ ...entry, slotCount: 8 })),
  };
}

describe('Sparkline', () => {
  it('draws values between their lowest and highest, evenly spaced across 120 px', () => {
    expect(sparklinePoints([1, 3, 2])).toBe('0.0,22.0 60.0,2.0 120.0,12.0');
    expect(sparklinePoints([5, 5])).toBe('0.0,12.0 120.0,12.0');
  });
});

describe('The shm use sparkline in the header', () => {
  it('shows the whole history of the first patch, labelled with its first and last values and its span', () => {
    const used = Array.from({ length: 121 }, (_, i) => 12 * MiB + i * ((36 * MiB) / 120));
    renderWith(<CapacitySummary />, { patches: [{ ...fullPatch([]), history: history(used) }] });
    const line = screen.getByTestId('shm-sparkline');
    expect(line.getAttribute('aria-label')).toBe('shm use 12.0 MiB -> 48.0 MiB over 10 min');
    expect(line.querySelector('polyline')?.getAttribute('points')?.split(' ')).toHaveLength(121);
  });

  it('appends the points of later patches', () => {
    const { store } = renderWith(<CapacitySummary />, {
      patches: [{ ...fullPatch([]), history: history([10 * MiB, 11 * MiB]) }],
    });
    const next = history([20 * MiB]);
    next.times = [NOW + 5000];
    act(() => receivePatch(store, { ...incrementalPatch(2, {}), history: next }));
    expect(screen.getByTestId('shm-sparkline').getAttribute('aria-label')).toBe(
      'shm use 10.0 MiB -> 20.0 MiB over 10 s',
    );
  });

  it('keeps the points that came while live updates were paused, and shows them on resume', () => {
    const { store } = renderWith(<CapacitySummary />, {
      patches: [{ ...fullPatch([]), history: history([10 * MiB]) }],
    });
    act(() => pauseUpdates(store));
    for (const [i, used] of [30 * MiB, 40 * MiB].entries()) {
      const next = history([used]);
      next.times = [NOW + (i + 1) * 5000];
      act(() => receivePatch(store, { ...incrementalPatch(i + 2, {}), history: next }));
    }
    expect(screen.getByTestId('shm-sparkline').getAttribute('aria-label')).toBe('shm use 10.0 MiB, history starting');
    act(() => resumeUpdates(store));
    expect(screen.getByTestId('shm-sparkline').getAttribute('aria-label')).toBe(
      'shm use 10.0 MiB -> 40.0 MiB over 10 s',
    );
  });

  it('shows none before the engine has a point', () => {
    renderWith(<CapacitySummary />, { patches: [fullPatch([])] });
    expect(screen.queryByTestId('shm-sparkline')).toBeNull();
  });
});

describe("A pool's slots-in-use sparkline in the pool detail", () => {
  it("shows the pool's own series, over the times it has points for", () => {
    const item = segmentItem(segment('pulse-shm-7', { pool: { pool: pool(['in-use', 'free']), notPool: null } }));
    const decode = item.type === 'segment' ? item.segment.pool : null;
    renderWith(<PoolView itemId={item.id} decode={decode} />, {
      patches: [
        {
          ...fullPatch([item]),
          history: history(
            [1, 1, 1, 1, 1],
            [
              { id: item.id, inUse: [2, 4, 7] },
              { id: 'seg:other', inUse: [1] },
            ],
          ),
        },
      ],
    });
    expect(screen.getByTestId('pool-sparkline').getAttribute('aria-label')).toBe('slots in use 2 -> 7 over 10 s');
  });
});
