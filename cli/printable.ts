/**
 * Text from the system made safe to print on a terminal. Segment names, process names
 * and paths are chosen by whoever created them: an escape sequence in one could move
 * the cursor or rewrite the plan shown before "Remove? [y/N]", and a newline could
 * forge a line of it. Control characters (C0, DEL, C1) and the bidirectional overrides
 * that reorder what is shown are written as visible escapes instead.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

export function printable(text: string): string {
  return text.replace(UNSAFE, (char) => {
    const code = char.codePointAt(0) ?? 0;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

/** Lines joined for printing, each made printable: a newline inside one cannot start another. */
export function printableLines(lines: readonly string[]): string {
  return lines.map(printable).join('\n');
}
