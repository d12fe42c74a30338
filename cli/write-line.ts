import { writeSync } from 'node:fs';
import { visibleJson } from '../protocol/visible-text';

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes all of `bytes` to `fd` before returning; false when the reader has gone away
 * (EPIPE, as with `| head`), which ends the output quietly, as it ends a shell command's.
 * A descriptor left non-blocking by whoever shares it (EAGAIN) is waited for.
 */
function writeAll(fd: number, bytes: Uint8Array): boolean {
  for (let offset = 0; offset < bytes.length;) {
    try {
      offset += writeSync(fd, bytes, offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') return false;
      if (code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
  return true;
}

/**
 * Writes `text` and a newline to `fd`, all of it, before returning. process.stdout would
 * do the same, but creating it loads Node's whole stream stack (about twenty modules, a
 * tenth of a short command's run) for what is one write.
 */
export function writeLine(fd: number, text: string): void {
  const length = Buffer.byteLength(text);
  const bytes = Buffer.allocUnsafe(length + 1);
  bytes.write(text);
  bytes[length] = 0x0a;
  writeAll(fd, bytes);
}

/** What the JSON writer gathers before each write: small, so it is the same few pages each time. */
const CHUNK_BYTES = 64 * 1024;
/** The most UTF-8 bytes one UTF-16 code unit of a string becomes. */
const MAX_BYTES_PER_UNIT = 3;

/** Text gathered into one reused buffer and written when it is full. */
class ChunkedWriter {
  private readonly chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;
  private gone = false;

  constructor(private readonly fd: number) {}

  /** Whether the reader has gone away (EPIPE): nothing more is written. */
  get readerGone(): boolean {
    return this.gone;
  }

  write(text: string): void {
    if (this.gone) return;
    if (this.used + text.length * MAX_BYTES_PER_UNIT > CHUNK_BYTES) {
      this.flush();
      if (text.length * MAX_BYTES_PER_UNIT > CHUNK_BYTES) {
        this.gone = !writeAll(this.fd, Buffer.from(text));
        return;
      }
    }
    this.used += this.chunk.write(text, this.used);
  }

  flush(): void {
    if (!this.gone && this.used > 0) this.gone = !writeAll(this.fd, this.chunk.subarray(0, this.used));
    this.used = 0;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return (
    (prototype === Object.prototype || prototype === null) &&
    typeof (value as { toJSON?: unknown }).toJSON !== 'function'
  );
}

/** JSON.stringify(value) with the escapes of visibleJson: the same value, safe to print (a name's U+202E...). */
function stringify(value: unknown): string | undefined {
  const text = JSON.stringify(value) as string | undefined;
  return text === undefined ? undefined : visibleJson(text);
}

/**
 * Writes JSON.stringify(value), with the escapes of visibleJson, and a newline to `fd`, in pieces: each member of a
 * plain object, and each element of a member that is an array, is stringified alone and
 * gathered into one small reused buffer. Whole, the JSON of a 10,000-segment scan is a
 * 5 MB string that V8 flattens into a copy and Node encodes into a third: 15 MB of fresh
 * memory, whose page faults were a third of the output's time (measured 100 -> 68 ms).
 * Anything but a plain object is written whole. Two differences, for values the contract
 * never prints: a toJSON(key) method in an array member is called with the key ''
 * (Dates ignore it), and a member JSON.stringify throws on (a BigInt, a cycle) throws
 * after the members before it were written.
 */
export function writeJsonLine(fd: number, value: unknown): void {
  if (!isPlainObject(value)) {
    writeLine(fd, stringify(value) as string);
    return;
  }
  const out = new ChunkedWriter(fd);
  let separator = '{';
  for (const key of Object.keys(value)) {
    if (out.readerGone) return;
    const member = value[key];
    if (Array.isArray(member) && typeof (member as { toJSON?: unknown }).toJSON !== 'function') {
      out.write(`${separator}${stringify(key) as string}:[`);
      // JSON.stringify writes null for an element it cannot represent (undefined, a function).
      for (let i = 0; i < member.length && !out.readerGone; i++)
        out.write((i > 0 ? ',' : '') + (stringify(member[i]) ?? 'null'));
      out.write(']');
    } else {
      const text = stringify(member);
      // ...and leaves out a member it cannot represent.
      if (text === undefined) continue;
      out.write(`${separator}${stringify(key) as string}:${text}`);
    }
    separator = ',';
  }
  out.write(separator === '{' ? '{}\n' : '}\n');
  out.flush();
}
