/**
 * The command line's arguments as their exact bytes. Node decodes argv as UTF-8 and
 * turns undecodable bytes into U+FFFD, so `clean --force $'odd\xff'` would name the file
 * `odd\xef\xbf\xbd` instead. The kernel keeps the bytes in /proc/self/cmdline; each
 * argument is decoded from there as protocol/name-bytes.ts says (U+DC80..U+DCFF).
 */
import { readFileSync } from 'node:fs';
import { decodeNameBytes } from '../protocol/name-bytes';
import { UsageError } from './cli-error';

/** The NUL-terminated arguments of `cmdline`, as bytes. */
function splitCmdline(cmdline: Buffer): Buffer[] {
  const args: Buffer[] = [];
  let start = 0;
  for (let end = cmdline.indexOf(0); end >= 0; end = cmdline.indexOf(0, start)) {
    args.push(cmdline.subarray(start, end));
    start = end + 1;
  }
  return args;
}

/**
 * `args` (the tail of process.argv) with each argument's bytes taken from `cmdline`: its
 * last args.length entries, if they are the same arguments as Node decoded them. If they
 * are not (cmdline unreadable, or rewritten), an argument with U+FFFD is refused: there
 * is no telling whether it was that character or an undecodable byte.
 */
export function exactArgs(args: readonly string[], cmdline: Buffer | null): string[] {
  const all = cmdline === null ? [] : splitCmdline(cmdline);
  const raw = all.slice(Math.max(0, all.length - args.length));
  const same =
    args.length === 0 || (raw.length === args.length && raw.every((bytes, i) => bytes.toString() === args[i]));
  if (same) return raw.map((bytes) => decodeNameBytes(bytes));
  const ambiguous = args.find((arg) => arg.includes('\ufffd'));
  if (ambiguous !== undefined) {
    throw new UsageError(`cannot read the exact bytes of the argument "${ambiguous}" (/proc/self/cmdline)`);
  }
  return [...args];
}

/** This process's arguments after the script, as their exact bytes. */
export function processArgs(): string[] {
  let cmdline: Buffer | null = null;
  try {
    cmdline = readFileSync('/proc/self/cmdline');
  } catch {
    // no /proc: Node's own decoding, with the check above
  }
  return exactArgs(process.argv.slice(2), cmdline);
}
