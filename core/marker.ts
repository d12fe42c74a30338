import { MARKER_MAGIC, MARKER_SIZE } from '../protocol/limits';
import type { Marker } from '../protocol/scan-result';

/**
 * Decodes the last 40 bytes of a segment (reference §2): i32 magic 0xbeefcafe, i32 PID,
 * then 32 reserved bytes. Little endian, as PulseAudio writes it on x86-64.
 * Returns null when there are not 40 bytes to decode.
 */
export function decodeMarker(tail: Buffer | null): Marker | null {
  if (!tail || tail.length !== MARKER_SIZE) return null;
  const magic = tail.readUInt32LE(0);
  const pid = tail.readInt32LE(4);
  return { valid: magic === MARKER_MAGIC && pid > 0, magic, pid, hex: tail.toString('hex') };
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
