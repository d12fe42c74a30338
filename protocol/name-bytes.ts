/**
 * File names are bytes; the contract carries them as strings. A name is decoded as
 * UTF-8, and each byte that is not part of a valid UTF-8 sequence becomes the lone
 * surrogate U+DC00 + byte (U+DC80..U+DCFF), Python's "surrogateescape". A valid UTF-8
 * name is its own string, and no escaped name can equal one: valid UTF-8 never encodes
 * a surrogate (RFC 3629 §3), so a string holds a lone surrogate exactly when the name
 * had an undecodable byte there. Decoding then encoding gives back the exact bytes.
 * native/src/name-escape.cc does the same in the addon; this copy serves the hosts
 * (the CLI's arguments) and the checks every request goes through (docs/json.md).
 */

const ESCAPE_BASE = 0xdc00;

/** Length of the valid UTF-8 sequence starting at `i`, or 0 if none starts there (RFC 3629 §4). */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const lead = bytes[i] ?? 0;
  if (lead < 0x80) return 1;
  const cont = (at: number, low = 0x80, high = 0xbf): boolean => {
    const byte = bytes[at];
    return byte !== undefined && byte >= low && byte <= high;
  };
  if (lead >= 0xc2 && lead <= 0xdf) return cont(i + 1) ? 2 : 0;
  if (lead >= 0xe0 && lead <= 0xef) {
    // E0: no overlong forms; ED: no surrogates (U+D800..U+DFFF).
    const low = lead === 0xe0 ? 0xa0 : 0x80;
    const high = lead === 0xed ? 0x9f : 0xbf;
    return cont(i + 1, low, high) && cont(i + 2) ? 3 : 0;
  }
  if (lead >= 0xf0 && lead <= 0xf4) {
    // F0: no overlong forms; F4: nothing above U+10FFFF.
    const low = lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xf4 ? 0x8f : 0xbf;
    return cont(i + 1, low, high) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}

/** The string a name's bytes travel as: UTF-8, with each undecodable byte as U+DC80..U+DCFF. */
export function decodeNameBytes(bytes: Uint8Array): string {
  const units: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes, i);
    const lead = bytes[i] ?? 0;
    const cont = (k: number): number => (bytes[i + k] ?? 0) & 0x3f;
    if (length === 0) units.push(ESCAPE_BASE + lead);
    else if (length === 1) units.push(lead);
    else if (length === 2) units.push(((lead & 0x1f) << 6) | cont(1));
    else if (length === 3) units.push(((lead & 0x0f) << 12) | (cont(1) << 6) | cont(2));
    else {
      const code = (((lead & 0x07) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3)) - 0x10000;
      units.push(0xd800 + (code >> 10), 0xdc00 + (code & 0x3ff));
    }
    i += Math.max(length, 1);
  }
  let text = '';
  // In chunks: fromCharCode takes its arguments on the stack.
  for (let at = 0; at < units.length; at += 4096) text += String.fromCharCode(...units.slice(at, at + 4096));
  return text;
}

/**
 * The exact bytes a name string stands for, or null when it stands for none: a lone
 * surrogate other than U+DC80..U+DCFF (no byte escapes to it).
 */
export function encodeNameBytes(name: string): Uint8Array | null {
  const out: number[] = [];
  for (let i = 0; i < name.length; i++) {
    const unit = name.charCodeAt(i);
    let code = unit;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const low = name.charCodeAt(i + 1);
      if (!(low >= 0xdc00 && low <= 0xdfff)) return null;
      code = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
      i += 1;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      if (unit < ESCAPE_BASE + 0x80 || unit > ESCAPE_BASE + 0xff) return null;
      out.push(unit - ESCAPE_BASE);
      continue;
    }
    if (code < 0x80) out.push(code);
    else if (code < 0x800) out.push(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
    else if (code < 0x10000) out.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    else {
      out.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 0x3f), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    }
  }
  return Uint8Array.from(out);
}

/** Whether `text` has a lone surrogate: the only strings that differ from plain UTF-8. */
export function hasLoneSurrogate(text: string): boolean {
  return /\p{Surrogate}/u.test(text);
}

/**
 * Why `name` is not the string of any bytes, or not the one decodeNameBytes gives for
 * them (escapes of bytes that decode as UTF-8, such as U+DCC3 U+DCA9 for "é", would be
 * a second spelling of a name), or null. Plain strings need no work.
 */
export function nameBytesProblem(name: string): string | null {
  if (!hasLoneSurrogate(name)) return null;
  const bytes = encodeNameBytes(name);
  if (bytes === null) return 'name has a lone surrogate that stands for no byte (only U+DC80..U+DCFF do)';
  if (decodeNameBytes(bytes) !== name) return 'name escapes bytes that are valid UTF-8: write them as text';
  return null;
}

/** Bytes `name` stands for (encodeNameBytes), counting a surrogate escape as its one byte. */
export function nameByteLength(name: string): number {
  return encodeNameBytes(name)?.length ?? Number.NaN;
}
