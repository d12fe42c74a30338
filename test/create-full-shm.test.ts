/**
 * Creating a segment larger than the free space of the shm filesystem, on a real small
 * tmpfs (a private /dev/shm in a mount namespace): it fails with ENOSPC and a message
 * that says so, from the CLI as through the service the UI uses, and leaves nothing behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInspector } from '../core/inspector/inspector-service';
import { PrivateShm } from './support/private-shm';

const MiB = 1024 * 1024;

describe('create on a shm filesystem without the room', () => {
  let shm: PrivateShm;
  beforeAll(async () => {
    shm = await PrivateShm.start({ size: '16m' });
  });
  afterAll(() => shm.stop());

  it('the CLI refuses 20 MiB on a 16 MiB tmpfs with ENOSPC, creating nothing', async () => {
    const result = await shm.cli(['create', '--size', '20MiB']);
    expect(result.stderr).toMatch(
      /^shm-inspector create: ENOSPC: not enough free space for 20\.0 MiB \(16\.0 MiB free in \/dev\/shm\), nothing was created/,
    );
    expect(result.code).toBe(1);
    expect(shm.list()).toEqual([]);
  });

  it('the service (the UI’s Create) refuses it too, and still creates what fits', async () => {
    // With the run's own audit log (a lab pool's file is a deletion to record when it stops).
    const inspector = createInspector({ dir: shm.outsidePath, watch: false, rescanMs: 60_000 });
    try {
      const via = { via: 'websocket', readOnly: false } as const;
      const refused = await inspector.handle('create', { size: 20 * MiB, mode: 0o600, memfd: false }, via);
      expect(refused).toMatchObject({ ok: false, error: { code: 'ENOSPC' } });
      expect(refused.ok ? '' : refused.error.message).toContain('not enough free space');
      expect(shm.list()).toEqual([]);

      // A lab pool of 512 slots (32 MiB) does not fit either.
      const pool = await inspector.handle('lab-pool', { slots: 512, allocated: 1, freed: 0, memfd: false }, via);
      expect(pool).toMatchObject({ ok: false, error: { code: 'ENOSPC' } });
      expect(shm.list()).toEqual([]);

      const fits = await inspector.handle('create', { size: 8 * MiB, mode: 0o600, memfd: false }, via);
      expect(fits).toMatchObject({ ok: true });
      expect(shm.list()).toHaveLength(1);
    } finally {
      inspector.close();
    }
  });
});
