import { readFileSync } from 'node:fs';

/**
 * Where this process maps the start of the file with this inode, from /proc/self/maps:
 * the base PulseAudio writes into block headers (data pointer = base + slot * 64 KiB + 64).
 */
export function ownMappingBase(inode: number): bigint {
  for (const line of readFileSync('/proc/self/maps', 'utf8').split('\n')) {
    const [range, , offset, , inodeText] = line.split(/\s+/);
    if (inodeText === String(inode) && offset !== undefined && BigInt(`0x${offset}`) === 0n && range) {
      return BigInt(`0x${range.split('-')[0]}`);
    }
  }
  throw new Error(`this process does not map inode ${inode}`);
}
