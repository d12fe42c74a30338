/**
 * A path for Node's fs from a path string of the contract, where an undecodable byte is
 * U+DC80..U+DCFF (protocol/name-bytes.ts). Node encodes a string path as UTF-8 and
 * writes such a surrogate as U+FFFD's three bytes: another file, or none. Such a path
 * goes as its exact bytes instead; any other stays a string.
 */
import { encodeNameBytes, hasLoneSurrogate } from '../protocol/name-bytes';
import { EngineError } from './engine-error';

export function fsPath(text: string): string | Buffer {
  if (!hasLoneSurrogate(text)) return text;
  const bytes = encodeNameBytes(text);
  if (bytes === null) throw new EngineError('EINVAL', `${text}: has a lone surrogate that stands for no byte`);
  return Buffer.from(bytes);
}
