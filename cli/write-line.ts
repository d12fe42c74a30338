import { writeSync } from 'node:fs';

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes `text` and a newline to `fd`, all of it, before returning. process.stdout would
 * do the same, but creating it loads Node's whole stream stack (about twenty modules, a
 * tenth of a short command's run) for what is one write. A descriptor left non-blocking
 * by whoever shares it (EAGAIN) is waited for; a reader that has gone away (EPIPE, as
 * with `| head`) ends the output quietly, as it ends a shell command's.
 */
export function writeLine(fd: number, text: string): void {
  const length = Buffer.byteLength(text);
  const bytes = Buffer.allocUnsafe(length + 1);
  bytes.write(text);
  bytes[length] = 0x0a;
  for (let offset = 0; offset < bytes.length;) {
    try {
      offset += writeSync(fd, bytes, offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') return;
      if (code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}
