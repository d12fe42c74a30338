import type { EntryError, EntryType, RawEntry, RawEntryColumns, RawTail } from './addon-types';

/**
 * Where each entry's numbers sit in RawEntryColumns.numbers: STRIDE doubles per entry,
 * in the order of binding.cc's EntryField (the two must agree; the native tests read
 * every field back through this class).
 */
const STRIDE = 16;
const TYPE = 0;
const DEV = 1;
const INODE = 2;
const SIZE = 3;
const MODE = 4;
const UID = 5;
const GID = 6;
const BIRTH_TIME = 7; // NaN: no birth time
const MTIME = 8;
const ALLOCATED = 9;
const RANGES_AT = 10; // index into `ranges`
const RANGES_COUNT = 11; // -1: no ranges were read
const TAIL_AT = 12; // character offset into `tailsHex`, -1: no tail
const ERROR_AT = 13; // index into `errors`, -1: no error
const TAIL_MAGIC = 14;
const TAIL_PID = 15;

const TYPES: readonly EntryType[] = ['file', 'dir', 'symlink', 'other'];
const TAIL_HEX_LENGTH = 80;

/**
 * A directory scan as the addon returns it: one row of columns per entry. A scan reads
 * every entry once, and building an object per entry (plus its tail and ranges) made
 * most of a 10,000-entry scan's garbage; the engine reads the columns in place and
 * materializes a RawEntry only where one is kept.
 */
export class EntryColumns {
  readonly count: number;
  private readonly names: string[];
  private readonly numbers: Float64Array;
  private readonly ranges: Float64Array;
  private readonly tailsHex: string;
  private readonly errors: EntryError[];

  constructor(raw: RawEntryColumns) {
    this.count = raw.count;
    // Joined by '/', the one byte a file name cannot contain: one string from the addon, not one per entry.
    this.names = raw.count > 0 ? raw.names.split('/') : [];
    this.numbers = raw.numbers;
    this.ranges = raw.ranges;
    this.tailsHex = raw.tailsHex;
    this.errors = raw.errors;
  }

  /** Number `field` of entry `i`. */
  private at(i: number, field: number): number {
    return this.numbers[i * STRIDE + field] as number;
  }

  name(i: number): string {
    return this.names[i] as string;
  }

  type(i: number): EntryType {
    return TYPES[this.at(i, TYPE)] as EntryType;
  }

  dev(i: number): number {
    return this.at(i, DEV);
  }

  inode(i: number): number {
    return this.at(i, INODE);
  }

  size(i: number): number {
    return this.at(i, SIZE);
  }

  mode(i: number): number {
    return this.at(i, MODE);
  }

  uid(i: number): number {
    return this.at(i, UID);
  }

  gid(i: number): number {
    return this.at(i, GID);
  }

  birthTimeMs(i: number): number | null {
    const birth = this.at(i, BIRTH_TIME);
    return Number.isNaN(birth) ? null : birth;
  }

  mtimeMs(i: number): number {
    return this.at(i, MTIME);
  }

  allocatedBytes(i: number): number {
    return this.at(i, ALLOCATED);
  }

  dataRanges(i: number): number[] | null {
    const count = this.at(i, RANGES_COUNT);
    if (count < 0) return null;
    const at = this.at(i, RANGES_AT);
    return Array.from(this.ranges.subarray(at, at + count));
  }

  /** Whether the last 40 bytes were read (tailMagic, tailPid and tailHex are then set). */
  hasTail(i: number): boolean {
    return this.at(i, TAIL_AT) >= 0;
  }

  tailMagic(i: number): number {
    return this.at(i, TAIL_MAGIC);
  }

  tailPid(i: number): number {
    return this.at(i, TAIL_PID);
  }

  /** A slice of one string: V8 keeps it as a reference, no copy. */
  tailHex(i: number): string {
    const at = this.at(i, TAIL_AT);
    return this.tailsHex.slice(at, at + TAIL_HEX_LENGTH);
  }

  tail(i: number): RawTail | null {
    return this.hasTail(i) ? { magic: this.tailMagic(i), pid: this.tailPid(i), hex: this.tailHex(i) } : null;
  }

  error(i: number): EntryError | null {
    const at = this.at(i, ERROR_AT);
    return at >= 0 ? (this.errors[at] as EntryError) : null;
  }

  entry(i: number): RawEntry {
    return {
      name: this.name(i),
      type: this.type(i),
      dev: this.dev(i),
      inode: this.inode(i),
      size: this.size(i),
      mode: this.mode(i),
      uid: this.uid(i),
      gid: this.gid(i),
      birthTimeMs: this.birthTimeMs(i),
      mtimeMs: this.mtimeMs(i),
      allocatedBytes: this.allocatedBytes(i),
      dataRanges: this.dataRanges(i),
      tail: this.tail(i),
      error: this.error(i),
    };
  }

  entries(): RawEntry[] {
    return Array.from({ length: this.count }, (_, i) => this.entry(i));
  }
}
