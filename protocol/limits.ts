import { nameByteLength, nameBytesProblem } from './name-bytes';

/**
 * PulseAudio's rules for segments, shared by every layer that checks input
 * (reference: shared/reference/pulseaudio-shm.md §1, §2).
 */

/** Size of the marker PulseAudio appends to every segment (reference §2). */
export const MARKER_SIZE = 40;
/** Marker magic 0xbeefcafe, little-endian at the start of the marker (reference §2). */
export const MARKER_MAGIC = 0xbeefcafe;
/** Largest data size PulseAudio accepts: MAX_SHM_SIZE, 1 GiB (reference §1). */
export const MAX_DATA_SIZE = 1024 * 1024 * 1024;
/** Segment names PulseAudio creates and cleans: pulse-shm-<u32> (reference §1). */
export const PULSE_NAME_PREFIX = 'pulse-shm-';
export const MAX_U32 = 0xffffffff;
/** The mode PulseAudio gives its pools. */
export const DEFAULT_MODE = 0o700;
/** Largest PID Linux can hand out (PID_MAX_LIMIT on 64-bit). */
export const MAX_PID = 4194304;

/** Why a mode is not acceptable to PulseAudio's shm code, or null if it is. */
export function modeProblem(mode: number): string | null {
  if (!Number.isInteger(mode) || mode < 0) return 'mode must be a non-negative integer';
  // A comparison, not `mode & ~0o777`: bitwise operators see only the low 32 bits.
  if (mode > 0o777) return `mode 0${mode.toString(8)} has bits beyond 0777`;
  if (mode < 0o600) return `mode 0${mode.toString(8)} is below 0600 (the owner must be able to read and write)`;
  return null;
}

/** Why a data size is not acceptable, or null if it is. */
export function dataSizeProblem(size: number): string | null {
  if (!Number.isSafeInteger(size)) return 'size must be a whole number of bytes';
  if (size <= 0) return 'size must be greater than 0';
  if (size > MAX_DATA_SIZE) return `size ${size} exceeds the 1 GiB maximum (${MAX_DATA_SIZE} bytes)`;
  return null;
}

/**
 * Why a name cannot denote an entry directly inside the shm directory, or null.
 * This is what keeps every operation inside that directory. A name is bytes, written
 * as name-bytes.ts says: undecodable bytes as U+DC80..U+DCFF, in their one spelling.
 */
export function entryNameProblem(name: string): string | null {
  if (name.length === 0) return 'name is empty';
  if (name.includes('\0')) return 'name contains a NUL byte';
  if (name.includes('/')) return `name "${name}" contains a slash`;
  if (name === '.' || name === '..') return `name "${name}" is not an entry`;
  const bytesProblem = nameBytesProblem(name);
  if (bytesProblem) return bytesProblem;
  if (nameByteLength(name) > 255) return 'name is longer than 255 bytes';
  return null;
}

/** Whether a name is `pulse-shm-<u32>`: what PulseAudio creates and cleans. */
export function isPulseSegmentName(name: string): boolean {
  return pulseSegmentId(name) !== null;
}

/** The id of a PulseAudio segment name (`pulse-shm-<u32>`), or null if the name is not one. */
export function pulseSegmentId(name: string): number | null {
  // Digit by digit, allocating nothing: a scan asks this of every entry (10,000 and more).
  const digits = name.length - PULSE_NAME_PREFIX.length;
  if (digits < 1 || digits > 10 || !name.startsWith(PULSE_NAME_PREFIX)) return null;
  let id = 0;
  for (let i = PULSE_NAME_PREFIX.length; i < name.length; i++) {
    const digit = name.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return null;
    id = id * 10 + digit;
  }
  return id <= MAX_U32 ? id : null;
}

/** Bytes in the UTF-8 encoding of `text` (protocol/ runs in Node and the browser alike). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const codePoint = char.codePointAt(0) ?? 0;
    bytes += codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
  }
  return bytes;
}
