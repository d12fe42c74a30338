import { readFileSync } from 'node:fs';

/** A mapping of a memfd, read straight from /proc/<pid>/maps (the kernel's view, not the addon's). */
export interface MemfdMapping {
  /** The memfd's name: `pulseaudio` for `/memfd:pulseaudio (deleted)`. */
  name: string;
  perms: string;
  /** The device as stat reports it (new_encode_dev of the maps' major:minor), as the scan reports it. */
  dev: number;
  inode: number;
  /** Mapping start, as a hex string without 0x. */
  start: string;
  offset: number;
}

/** Linux's new_encode_dev: what st_dev holds for major:minor. */
function encodeDev(major: number, minor: number): number {
  return (minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12);
}

/** Every memfd mapping of a process, e.g. PulseAudio's `/memfd:pulseaudio (deleted)` pools (reference §6). */
export function memfdMappingsOf(pid: number): MemfdMapping[] {
  return readFileSync(`/proc/${pid}/maps`, 'utf8')
    .split('\n')
    .map((line) =>
      /^([0-9a-f]+)-[0-9a-f]+ (\S+) ([0-9a-f]+) ([0-9a-f]+):([0-9a-f]+) (\d+)\s+\/memfd:(.*?)(?: \(deleted\))?$/.exec(
        line,
      ),
    )
    .filter((match) => match !== null)
    .map(([, start = '', perms = '', offset = '0', major = '0', minor = '0', inode = '0', name = '']) => ({
      name,
      perms,
      dev: encodeDev(parseInt(major, 16), parseInt(minor, 16)),
      inode: Number(inode),
      start,
      offset: parseInt(offset, 16),
    }));
}

/** A memory object's identity, as a map key. */
export const fileKey = (file: { dev: number; inode: number }): string => `${file.dev}:${file.inode}`;

/** Where a process maps the start (offset 0) of file `inode`, as "0x..." strings like Pool.base. */
export function mappingBasesOf(pid: number, inode: number): string[] {
  return readFileSync(`/proc/${pid}/maps`, 'utf8')
    .split('\n')
    .map((line) => /^([0-9a-f]+)-[0-9a-f]+ \S+ ([0-9a-f]+) \S+ (\d+)\s/.exec(line))
    .filter((match) => match !== null && Number(match[3]) === inode && parseInt(match[2] ?? '1', 16) === 0)
    .map((match) => `0x${BigInt(`0x${match?.[1] ?? '0'}`).toString(16)}`);
}
