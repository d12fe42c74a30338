import { describe, expect, it } from 'vitest';
import { markerOf, markerProblem } from './marker';

/** The tail of a live PulseAudio 16.1 daemon's segment (reference §2): magic, PID 3349, zeros. */
const DAEMON_TAIL = { magic: 0xbeefcafe, pid: 3349, hex: `fecaefbe150d0000${'0'.repeat(64)}` };

describe('markerOf', () => {
  it('trusts the magic 0xbeefcafe with a positive PID, keeping the bytes as hex', () => {
    expect(markerOf(DAEMON_TAIL)).toEqual({ valid: true, ...DAEMON_TAIL });
  });

  it('marks a wrong magic as invalid and says what the magic was', () => {
    const marker = markerOf({ ...DAEMON_TAIL, magic: 0xbeefca00 });
    expect(marker?.valid).toBe(false);
    expect(markerProblem(marker, 1000)).toBe('no marker: magic is 0xbeefca00, not 0xbeefcafe');
  });

  it('marks PID 0 and negative PIDs as invalid, as PulseAudio does', () => {
    for (const pid of [0, -5]) {
      const marker = markerOf({ ...DAEMON_TAIL, pid });
      expect(marker?.valid).toBe(false);
      expect(markerProblem(marker, 1000)).toBe(`marker names PID ${pid}`);
    }
  });

  it('returns null without a tail, and explains a file too small for a marker', () => {
    expect(markerOf(null)).toBeNull();
    expect(markerProblem(null, 12)).toBe('smaller than the 40-byte marker');
    expect(markerProblem(null, 4096)).toBe('marker could not be read');
  });
});
