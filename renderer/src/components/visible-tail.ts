import type { VisiblePart } from '../../../protocol/visible-text';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * A name's shown parts cut in two: `tail`, its last `length` visible characters (what tells
 * `pulse-shm-16899…` names and `memfd:pulseaudio:<inode>` pools apart), and `head`, the rest,
 * which a narrow cell may end with an ellipsis. An escape (`\xff`) is never cut: it goes
 * whole into the tail, which may then be a little longer; nor is a character with its
 * combining marks.
 */
export function splitTail(parts: readonly VisiblePart[], length: number): { head: VisiblePart[]; tail: VisiblePart[] } {
  const head = [...parts];
  const tail: VisiblePart[] = [];
  let remaining = length;
  while (remaining > 0) {
    const part = head.pop();
    if (!part) break;
    if (part.escaped) {
      tail.unshift(part);
      remaining -= part.text.length;
      continue;
    }
    const pieces = Array.from(graphemes.segment(part.text), (piece) => piece.segment);
    if (pieces.length <= remaining) {
      tail.unshift(part);
      remaining -= pieces.length;
      continue;
    }
    const cut = pieces.length - remaining;
    head.push({ text: pieces.slice(0, cut).join(''), escaped: false });
    tail.unshift({ text: pieces.slice(cut).join(''), escaped: false });
    remaining = 0;
  }
  return { head, tail };
}
