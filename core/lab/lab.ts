import { spawnSync } from 'node:child_process';
import { closeSync, fstatSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import {
  createMemfd,
  createSegment,
  mapShared,
  NativeError,
  scanEntry,
  trafficStart,
  trafficStats,
  trafficStop,
  unlinkIfUnchanged,
  unmap,
  type TrafficStats,
  type UnlinkOutcome,
} from '../../native';
import { DEFAULT_MODE, MARKER_SIZE } from '../../protocol/limits';
import { ensureRoomFor } from '../free-space';
import type { LabPoolRequest, LabSrbchannelRequest } from '../../protocol/requests';
import { encodeSlotHeader } from '../pool/pool-encoding';
import { BLOCK_HEADER_SIZE, MAX_BLOCK_LENGTH, SLOT_SIZE } from '../pool/pool-layout';
import { ownMappingBase } from './own-mapping';
import { fsPath } from '../fs-path';

export type { TrafficStats };

/** The name lab memfds carry: `/memfd:shm-inspector-lab (deleted)`. */
export const LAB_MEMFD_NAME = 'shm-inspector-lab';
/** Stands in for the owner's pa_mempool address in block headers: any non-zero heap-like value. */
const LAB_POOL_POINTER = 0x5555_0000_1000n;
/** Length of the plain blocks the lab allocates. */
const LAB_BLOCK_LENGTH = 4096;

export interface LabObject {
  kind: 'pool' | 'srbchannel' | 'stale';
  storage: 'posix' | 'memfd';
  /** File name in the shm directory, or the memfd's name. */
  name: string;
  dev: number;
  inode: number;
  slots: number;
  /** For an srbchannel: file offset of its header. */
  channelOffset: number | null;
}

/** A file the lab removed (or tried to) when it stopped: for the audit log. */
export interface LabRemoval {
  name: string;
  dev: number;
  inode: number;
  /** Bytes it had allocated just before. */
  bytes: number;
  outcome: UnlinkOutcome;
}

interface Owned {
  object: LabObject;
  /** A POSIX file to remove when the lab stops, with the identity it was created with. */
  file: { name: string; dev: number; inode: number; birthTimeMs: number | null } | null;
  mapping: number | null;
  traffic: number | null;
}

/** Creates pools laid out as PulseAudio lays them out, srbchannels with real traffic, and stale segments. */
export class Lab {
  private readonly owned: Owned[] = [];

  constructor(readonly dir: string) {}

  objects(): LabObject[] {
    return this.owned.map((entry) => entry.object);
  }

  /** A pool of `slots` slots: the first `allocated` carry in-use block headers, the next `freed` freed ones. */
  createPool(request: LabPoolRequest): LabObject {
    return this.makePool('pool', request.slots, request.memfd, (fd, base) => {
      for (let index = 0; index < request.allocated + request.freed; index += 1) {
        const refcount = index < request.allocated ? 1 : 0;
        this.writeHeader(fd, base, index, refcount, LAB_BLOCK_LENGTH);
      }
      return null;
    });
  }

  /** A read-write pool whose slot 0 holds an srbchannel with both ends moving `rate` bytes per second. */
  createSrbchannel(request: LabSrbchannelRequest): LabObject {
    return this.makePool('srbchannel', 2, request.memfd, (fd, base) => {
      this.writeHeader(fd, base, 0, 1, MAX_BLOCK_LENGTH);
      return trafficStart(fd, BLOCK_HEADER_SIZE, MAX_BLOCK_LENGTH, request.rate);
    });
  }

  /** Exact byte totals of an srbchannel's traffic so far. */
  trafficOf(object: LabObject): TrafficStats | null {
    const entry = this.owned.find((candidate) => candidate.object === object);
    return entry?.traffic ? trafficStats(entry.traffic) : null;
  }

  /** A segment whose marker names a process that has exited: stale, as a crashed creator leaves it. */
  createStale(dataSize = SLOT_SIZE): LabObject {
    // The segment is made here with the PID of a child that has exited and been reaped,
    // not by that child: in the packaged app execPath is Electron, which its RunAsNode
    // fuse keeps from running a script (electron-builder.yml).
    const creator = spawnSync('/bin/sh', ['-c', 'exit 0']);
    if (creator.pid === undefined || creator.status !== 0) {
      throw new Error(`could not run a short-lived process to stand for the creator: ${String(creator.error)}`);
    }
    const { name, dev, inode } = createSegment({ dir: this.dir, dataSize, mode: DEFAULT_MODE, markerPid: creator.pid });
    const { birthTimeMs } = scanEntry(this.dir, name);
    const object: LabObject = { kind: 'stale', storage: 'posix', name, dev, inode, slots: 1, channelOffset: null };
    this.owned.push({ object, file: { name, dev, inode, birthTimeMs }, mapping: null, traffic: null });
    return object;
  }

  /** Whether stop({ keep }) would remove a file (a POSIX object's): such a stop must be audited. */
  removesFiles(keep: boolean): boolean {
    return !keep && this.owned.some((entry) => entry.file !== null);
  }

  /**
   * Stops traffic, unmaps, and removes what the lab created unless `keep`: kept segments
   * become stale. `onRemoved` hears of every removal attempted.
   */
  stop(options: { keep?: boolean } = {}, onRemoved: (removal: LabRemoval) => void = () => {}): void {
    for (const entry of this.owned.splice(0)) this.release(entry, options.keep ?? false, onRemoved);
  }

  private release(entry: Owned, keep: boolean, onRemoved: (removal: LabRemoval) => void = () => {}): void {
    if (entry.traffic) trafficStop(entry.traffic);
    if (entry.mapping) unmap(entry.mapping);
    if (entry.file && !keep) {
      const { name, ...identity } = entry.file;
      const bytes = this.allocatedBytes(name);
      const outcome = unlinkIfUnchanged(this.dir, name, identity);
      onRemoved({ name, dev: identity.dev, inode: identity.inode, bytes, outcome });
    }
  }

  /** What removing `name` frees, for the audit log; 0 when it is gone already (a cleanup removed it). */
  private allocatedBytes(name: string): number {
    try {
      return scanEntry(this.dir, name).allocatedBytes;
    } catch (error) {
      if (error instanceof NativeError && error.code === 'ENOENT') return 0;
      throw error;
    }
  }

  private writeHeader(fd: number, base: bigint, index: number, refcount: number, length: number): void {
    const header = encodeSlotHeader({
      index,
      refcount,
      poolPointer: LAB_POOL_POINTER,
      type: 'pool',
      readOnly: false,
      isSilence: false,
      base,
      length,
    });
    writeSync(fd, header, 0, header.length, index * SLOT_SIZE);
  }

  /** Creates and maps the pool (the mapping gives the base headers point into), then lets `fill` write it. */
  private makePool(
    kind: LabObject['kind'],
    slots: number,
    memfd: boolean,
    fill: (fd: number, base: bigint) => number | null,
  ): LabObject {
    const dataSize = slots * SLOT_SIZE;
    let fd: number;
    let file: Owned['file'] = null;
    let name = LAB_MEMFD_NAME;
    if (memfd) {
      fd = createMemfd(LAB_MEMFD_NAME, dataSize);
    } else {
      // The lab writes into the pool's pages: a pool beyond the free space would fail with SIGBUS.
      ensureRoomFor(this.dir, dataSize + MARKER_SIZE);
      const created = createSegment({ dir: this.dir, dataSize, mode: DEFAULT_MODE });
      name = created.name;
      fd = openSync(fsPath(path.join(this.dir, created.name)), 'r+');
      file = { name, dev: created.dev, inode: created.inode, birthTimeMs: scanEntry(this.dir, name).birthTimeMs };
    }
    const entry: Owned = {
      object: { kind, storage: memfd ? 'memfd' : 'posix', name, dev: 0, inode: 0, slots, channelOffset: null },
      file,
      mapping: null,
      traffic: null,
    };
    this.owned.push(entry);
    try {
      const { dev, ino } = fstatSync(fd);
      entry.object.dev = dev;
      entry.object.inode = ino;
      entry.mapping = mapShared(fd, dataSize, true);
      entry.traffic = fill(fd, ownMappingBase(ino));
      if (entry.traffic !== null) entry.object.channelOffset = BLOCK_HEADER_SIZE;
      return entry.object;
    } catch (error) {
      this.owned.splice(this.owned.indexOf(entry), 1);
      this.release(entry, false); // a half-made object: not a deletion anyone asked for
      throw error;
    } finally {
      closeSync(fd);
    }
  }
}
