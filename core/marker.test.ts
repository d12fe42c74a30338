import { describe, expect, it } from 'vitest';
import { decodeMarker, markerProblem } from './marker';

/** The marker a live PulseAudio 16.1 daemon wrote (reference §2): magic, PID 3349, zeros. */
const DAEMON_MARKER = Buffer.concat([Buffer.from('fecaefbe150d0000', 'hex'), Buffer.alloc(32)]);

describe('decodeMarker', () => {
  it('decodes the bytes a real daemon wrote to magic 0xbeefcafe and PID 3349', () => {
    const marker = decodeMarker(DAEMON_MARKER);
    expect(marker).toEqual({ valid: true, magic: 0xbeefcafe, pid: 3349, hex: DAEMON_MARKER.toString('hex') });
  });

  it('reads a marker that sits inside a larger buffer at an offset', () => {
    const larger = Buffer.concat([Buffer.alloc(13, 0xff), DAEMON_MARKER]);
    expect(decodeMarker(larger.subarray(13))?.pid).toBe(3349);
  });

  it('marks a wrong magic as invalid and says what the magic was', () => {
    const bytes = Buffer.from(DAEMON_MARKER);
    bytes[0] = 0x00;
    const marker = decodeMarker(bytes);
    expect(marker?.valid).toBe(false);
    expect(markerProblem(marker, 1000)).toBe('no marker: magic is 0xbeefca00, not 0xbeefcafe');
  });

  it('marks PID 0 and negative PIDs as invalid, as PulseAudio does', () => {
    for (const pid of [0, -5]) {
      const bytes = Buffer.from(DAEMON_MARKER);
      bytes.writeInt32LE(pid, 4);
      const marker = decodeMarker(bytes);
      expect(marker?.valid).toBe(false);
      expect(markerProblem(marker, 1000)).toBe(`marker names PID ${pid}`);
    }
  });

  it('returns null without 40 bytes, and explains a file too small for a marker', () => {
    expect(decodeMarker(null)).toBeNull();
    expect(decodeMarker(Buffer.alloc(39))).toBeNull();
    expect(markerProblem(null, 12)).toBe('smaller than the 40-byte marker');
    expect(markerProblem(null, 4096)).toBe('marker could not be read');
  });
});
