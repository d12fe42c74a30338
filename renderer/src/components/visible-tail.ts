import type { VisiblePart } from '../../../protocol/visible-text';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * A name's shown parts cut in two: `tail`, its end as wide as fits in `width` cells of a
 * monospace font (what tells `pulse-shm-16899…` names and `memfd:pulseaudio:<inode>` pools
 * apart), and `head`, the rest, which a narrow cell may end with an ellipsis. An escape
 * (`\xff`) is never cut, nor a character from its combining marks: one that does not fit
 * whole stays in the head (the last one always goes to the tail), so the tail is never
 * wider than `width` cells or its last escape, and its column can be kept wide enough.
 */
export function splitTail(parts: readonly VisiblePart[], width: number): { head: VisiblePart[]; tail: VisiblePart[] } {
  const head = [...parts];
  const tail: VisiblePart[] = [];
  let used = 0;
  const fits = (cells: number): boolean => used === 0 || used + cells <= width;
  while (head.length > 0) {
    const part = head[head.length - 1];
    if (!part) break;
    if (part.escaped) {
      if (!fits(part.text.length)) break;
      used += part.text.length;
      tail.unshift(part);
      head.pop();
      continue;
    }
    const pieces = Array.from(graphemes.segment(part.text), (piece) => piece.segment);
    let cut = pieces.length;
    while (cut > 0 && fits(monospaceWidth(pieces[cut - 1] ?? ''))) {
      used += monospaceWidth(pieces[cut - 1] ?? '');
      cut -= 1;
    }
    if (cut === pieces.length) break;
    tail.unshift({ text: pieces.slice(cut).join(''), escaped: false });
    head.pop();
    if (cut > 0) {
      head.push({ text: pieces.slice(0, cut).join(''), escaped: false });
      break;
    }
  }
  return { head, tail };
}

/** Characters a monospace font draws two cells wide: East Asian wide and fullwidth forms, emoji. */
const WIDE =
  /^(?:[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{20000}-\u{3fffd}]|\p{Extended_Pictographic})/u;

/** How many cells of a monospace font `text` takes: one per character, two for a wide one. */
export function monospaceWidth(text: string): number {
  let width = 0;
  for (const { segment } of graphemes.segment(text)) width += WIDE.test(segment) ? 2 : 1;
  return width;
}
