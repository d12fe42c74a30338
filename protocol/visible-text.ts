/**
 * Names (and process names, paths, messages that quote them) as a person may safely
 * read them. Whoever creates a file chooses its name: a control character could move a
 * terminal's cursor or forge a line, a bidirectional override (U+202E) reverses what
 * follows it, an invisible format character or an odd space makes two names look the
 * same, and an undecodable byte (U+DC80..U+DCFF, see name-bytes.ts) has no glyph. All
 * of them are shown as escapes, and a backslash as two, so that the shown text is
 * one-to-one with the name: no name can pass for another. The CLI, its JSON and the UI
 * share this one definition (docs/json.md, "Names").
 *
 * The escapes are those of bash's $'…' (\\, \xHH, \uHHHH, \UHHHHHHHH): a name shown as
 * `odd\xff` is typed back as $'odd\xff' (a quote in the name as \').
 */

/**
 * What is escaped besides C0 controls (U+0000..U+001F) and a backslash: DEL and C1
 * controls, format characters (bidi controls U+202A..U+202E and U+2066..U+2069, marks
 * U+200E/U+200F/U+061C, zero-width and other invisible characters), line and paragraph
 * separators, spaces other than U+0020 (lookalikes of it), and lone surrogates
 * (undecodable bytes).
 */
const UNSAFE_ABOVE_C0 = String.raw`\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}\p{Cs}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000`;
const UNSAFE = new RegExp(String.raw`[\\\u0000-\u001f${UNSAFE_ABOVE_C0}]`, 'gu');
/** For a whole name, a space at either end too: it would not show, in a table cell or a page. */
const UNSAFE_IN_NAME = new RegExp(`${UNSAFE.source}|^ | $`, 'gu');
/**
 * The same in JSON text, but for C0: JSON.stringify escapes C0 (and a backslash, and lone
 * surrogates) inside strings, and C0 outside them is the indentation's newlines.
 */
const UNSAFE_IN_JSON = new RegExp(`[${UNSAFE_ABOVE_C0}]`, 'gu');
// eslint-disable-next-line no-control-regex -- C0 is allowed here: JSON text holds it only as indentation
const NOT_PRINTABLE_ASCII = /[^\u0000-\u007e]/;

const hex = (value: number, digits: number): string => value.toString(16).padStart(digits, '0');

/** The escape that shows `char` (one code point, or a lone surrogate). */
function escapeOf(char: string): string {
  if (char === '\\') return '\\\\';
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f || code === 0x20) return `\\x${hex(code, 2)}`;
  if (code >= 0xdc80 && code <= 0xdcff) return `\\x${hex(code - 0xdc00, 2)}`; // an undecodable byte
  return code <= 0xffff ? `\\u${hex(code, 4)}` : `\\U${hex(code, 8)}`;
}

/** A run of text as shown: `escaped` parts stand for one character each and may be styled apart. */
export interface VisiblePart {
  text: string;
  escaped: boolean;
}

/** How the text is shown: `name`, when it is a whole name (or a field alone), escapes edge spaces too. */
export interface VisibleOptions {
  name?: boolean;
}

const unsafeFor = (options: VisibleOptions): RegExp => (options.name === true ? UNSAFE_IN_NAME : UNSAFE);

/** `text` cut into plain runs and escapes, for a UI that marks the escapes. */
export function visibleParts(text: string, options: VisibleOptions = {}): VisiblePart[] {
  const parts: VisiblePart[] = [];
  let at = 0;
  for (const match of text.matchAll(unsafeFor(options))) {
    if (match.index > at) parts.push({ text: text.slice(at, match.index), escaped: false });
    parts.push({ text: escapeOf(match[0]), escaped: true });
    at = match.index + match[0].length;
  }
  if (at < text.length) parts.push({ text: text.slice(at), escaped: false });
  return parts;
}

/** `text` with every unsafe character (see UNSAFE_ABOVE_C0), C0 and a backslash as an escape. */
export function visibleText(text: string, options: VisibleOptions = {}): string {
  return text.replace(unsafeFor(options), escapeOf);
}

/**
 * JSON text in which the characters visibleText escapes are \u escapes too (a DEL, a
 * C1 control, U+202E...): the same JSON value, safe to print on a terminal or to read
 * with cat. JSON.stringify escapes only C0 and lone surrogates.
 */
export function visibleJson(json: string): string {
  // Every character it escapes is DEL or above: ASCII text (most of a scan's) needs no Unicode-aware pass.
  if (!NOT_PRINTABLE_ASCII.test(json)) return json;
  return json.replace(UNSAFE_IN_JSON, (char) =>
    Array.from({ length: char.length }, (_, i) => `\\u${hex(char.charCodeAt(i), 4)}`).join(''),
  );
}
