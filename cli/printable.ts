/**
 * Text from the system made safe to print on a terminal. Segment names, process names
 * and paths are chosen by whoever created them: an escape sequence in one could move
 * the cursor or rewrite the plan shown before "Remove? [y/N]", a newline could forge a
 * line of it, U+202E could reverse it, and an undecodable byte has no glyph. Those are
 * written as visible escapes instead, and a backslash as two, so that what is shown
 * stands for one text only (protocol/visible-text.ts). Apply it once: to each field, or to
 * the whole line.
 */
import { visibleText } from '../protocol/visible-text';

export function printable(text: string): string {
  return visibleText(text);
}

/** A whole name, or any field shown alone (a table cell): a space at either end is escaped too. */
export function printableName(name: string): string {
  return visibleText(name, { name: true });
}

/** Lines joined for printing, each made printable: a newline inside one cannot start another. */
export function printableLines(lines: readonly string[]): string {
  return lines.map(printable).join('\n');
}
