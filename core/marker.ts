import type { RawTail } from '../native';
import { MARKER_MAGIC, MARKER_SIZE } from '../protocol/limits';
import type { Marker } from '../protocol/scan-result';

/**
 * The marker in a file's last 40 bytes (reference §2): i32 magic 0xbeefcafe, i32 PID, then
 * 32 reserved bytes, little endian as PulseAudio writes it on x86-64 (the addon reads
 * the two words). Null when there were not 40 bytes to read.
 */
export function markerOf(tail: RawTail | null): Marker | null {
  if (!tail) return null;
  const { magic, pid, hex } = tail;
  return { valid: magic === MARKER_MAGIC && pid > 0, magic, pid, hex };
}

/** Why a marker is not one PulseAudio would trust, or null if it is valid. */
export function markerProblem(marker: Marker | null, size: number): string | null {
  if (!marker) {
    return size < MARKER_SIZE ? `smaller than the ${MARKER_SIZE}-byte marker` : 'marker could not be read';
  }
  if (marker.magic !== MARKER_MAGIC)
    return `no marker: magic is 0x${marker.magic.toString(16).padStart(8, '0')}, not 0xbeefcafe`;
  if (marker.pid <= 0) return `marker names PID ${marker.pid}`;
  return null;
}
