/**
 * The pool part of `npm run bench`: decoding a 1,024-slot pool, and the srbchannel
 * sampler's cost per channel per sample, against reading the same bytes with bare
 * pread calls (fs.readSync into a preallocated buffer). The pools and channels are made
 * by the lab in a scratch directory on tmpfs, removed again by `dispose`, which the
 * runner also calls on failure and on SIGINT/SIGTERM. As in the rest of the benchmark,
 * each measurement alternates with its baseline round by round.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Lab, type LabObject } from '../core/lab/lab';
import { BLOCK_HEADER_SIZE, SLOT_HEADER_BYTES, SLOT_SIZE, SRBCHANNEL_HEADER_BYTES } from '../core/pool/pool-layout';
import { readPool, type PoolFile } from '../core/pool/read-pool';
import { SAMPLE_BYTES, SrbchannelSampler, type ChannelSource } from '../core/srbchannel-sampler';
import { scanEntry } from '../native';
import { MARKER_SIZE } from '../protocol/limits';
import type { Pool } from '../protocol/pool';
import { FIXTURE_PREFIX } from './fixture';
import {
  betweenRounds,
  infoRatioRow,
  median,
  ratioRow,
  timeMs,
  timing,
  timingHeader,
  timingRow,
  valuesRow,
  type Timing,
} from './stats';

const POOL_SLOTS = 1024;
/** Slots with an in-use block header, from slot 0 up: a full pool and a mostly untouched one. */
const POOL_ALLOCATED = [1024, 64];
const DECODE_RUNS = 200;
const DECODE_WARMUP = 10;
const DECODE_TARGET = 2.0;

const CHANNEL_COUNTS = [1, 8, 32];
/** Bytes per second each end of every lab srbchannel moves. */
const CHANNEL_RATE = 10_000;
const SAMPLER_ROUNDS = 300;
const SAMPLER_WARMUP = 20;
/**
 * Channel reads per timed round: one sampleOnce() of one channel lasts a few µs, close to
 * the cost of reading the clock, so a round repeats it until it has read this many headers.
 */
const READS_PER_ROUND = 32;
/** sampleOnce() calls per timed round when nothing is tracked. */
const EMPTY_CALLS_PER_ROUND = 1000;
const SAMPLER_TARGET = 1.5;
/** The cost of a sample with no channel, as a share of one channel's open+pread+close: flat means about nothing. */
const EMPTY_TARGET = 0.05;

export interface MicroTiming {
  medianUs: number;
  minUs: number;
  runs: number;
}

export interface DecodeResult {
  slots: number;
  allocated: number;
  /** Slots readPool reads a header of (touched according to the file's data ranges). */
  touched: number;
  /** In-use and data slots readPool probes for an srbchannel. */
  srbchannelProbes: number;
  /** Preads per decode, in both readPool and the baseline. */
  preads: number;
  readPool: Timing;
  /** open, the same preads with fs.readSync into one preallocated buffer, close. */
  barePread: Timing;
  ratio: number;
  target: { max: number; pass: boolean };
}

export interface SamplerResult {
  channels: number;
  /** sampleOnce() calls per timed round. */
  callsPerRound: number;
  /** Per channel per sample. */
  sampler: MicroTiming;
  openPreadClose: MicroTiming;
  /** pread on an fd opened once before the measurement. */
  preadOpenFd: MicroTiming;
  ratios: { samplerOverOpenPreadClose: number; samplerOverPreadOpenFd: number };
  /** Channels whose words the sampler saw change within its active window: the traffic was real. */
  active: number;
  target: { max: number; pass: boolean };
}

export interface EmptySamplerResult {
  /** Slots of the pool with no channel, and the channels its decode found (0). */
  poolSlots: number;
  channelsFound: number;
  callsPerRound: number;
  /** Per sampleOnce() call. */
  sampler: MicroTiming;
  /** Against one channel's open+pread+close, per channel per sample (the 1-channel measurement). */
  ratio: number;
  target: { max: number; pass: boolean };
}

export interface PoolBenchResult {
  decode: DecodeResult[];
  sampler: SamplerResult[];
  emptySampler: EmptySamplerResult;
  channelRate: number;
  loadAverage: { before: number; after: number };
}

function microTiming(values: readonly number[]): MicroTiming {
  return { medianUs: median(values), minUs: Math.min(...values), runs: values.length };
}

/** What the scan passes to readPool for a segment of the shm directory. */
function poolFile(dir: string, name: string): PoolFile {
  const entry = scanEntry(dir, name);
  return {
    path: path.join(dir, name),
    identity: entry,
    dataSize: entry.size - MARKER_SIZE,
    resident: entry.allocatedBytes,
    ranges: entry.dataRanges,
  };
}

function decodeOrThrow(file: PoolFile): Pool {
  const decoded = readPool(file);
  if (!decoded.pool) throw new Error(`readPool(${file.path}) did not read a pool: ${decoded.notPool}`);
  return decoded.pool;
}

interface ReadPlan {
  offsets: number[];
  lengths: number[];
  touched: number;
  probes: number;
}

/**
 * The preads readPool makes, in its order: the header of every touched slot, then an
 * srbchannel header in every in-use or data slot (core/pool/decode-pool.ts).
 */
function readPlan(pool: Pool): ReadPlan {
  const plan: ReadPlan = { offsets: [], lengths: [], touched: 0, probes: 0 };
  const probes: number[] = [];
  pool.states.forEach((state, slot) => {
    if (state === 'untouched') return;
    plan.offsets.push(slot * SLOT_SIZE);
    plan.lengths.push(SLOT_HEADER_BYTES);
    if (state === 'in-use' || state === 'data') probes.push(slot * SLOT_SIZE + BLOCK_HEADER_SIZE);
  });
  plan.touched = plan.offsets.length;
  plan.probes = probes.length;
  for (const offset of probes) {
    plan.offsets.push(offset);
    plan.lengths.push(SRBCHANNEL_HEADER_BYTES);
  }
  return plan;
}

/** The baseline of a decode: open, the same preads into one buffer, close; returns the bytes read. */
function barePreads(file: string, plan: ReadPlan, buffer: Buffer): number {
  const fd = openSync(file, 'r');
  let bytes = 0;
  try {
    for (let i = 0; i < plan.offsets.length; i++) {
      bytes += readSync(fd, buffer, 0, plan.lengths[i] ?? 0, plan.offsets[i] ?? 0);
    }
  } finally {
    closeSync(fd);
  }
  return bytes;
}

async function benchDecode(lab: Lab, allocated: number, problems: string[]): Promise<DecodeResult> {
  const object = lab.createPool({ slots: POOL_SLOTS, allocated, freed: 0, memfd: false });
  const file = poolFile(lab.dir, object.name);
  const what = `readPool of a ${POOL_SLOTS}-slot pool with ${allocated} allocated`;
  const pool = decodeOrThrow(file);
  const untouched = pool.states.filter((state) => state === 'untouched').length;
  if (pool.slotCount !== POOL_SLOTS || pool.inUse !== allocated || untouched !== POOL_SLOTS - allocated) {
    problems.push(
      `${what}: expected ${allocated} in-use and ${POOL_SLOTS - allocated} untouched of ${POOL_SLOTS} slots, ` +
        `saw ${pool.inUse} in-use and ${untouched} untouched of ${pool.slotCount}`,
    );
  }
  if (pool.srbchannels.length > 0) problems.push(`${what}: found ${pool.srbchannels.length} srbchannels, made none`);

  const plan = readPlan(pool);
  const buffer = Buffer.alloc(Math.max(...plan.lengths));
  const expectedBytes = plan.lengths.reduce((sum, length) => sum + length, 0);
  for (let i = 0; i < DECODE_WARMUP; i++) {
    readPool(file);
    const bytes = barePreads(file.path, plan, buffer);
    if (bytes !== expectedBytes)
      throw new Error(`bare preads of ${file.path}: read ${bytes} of ${expectedBytes} bytes`);
  }
  const decodes: number[] = [];
  const bare: number[] = [];
  for (let round = 0; round < DECODE_RUNS; round++) {
    await betweenRounds();
    const runDecode = (): number => timeMs(() => readPool(file));
    const runBare = (): number => timeMs(() => barePreads(file.path, plan, buffer));
    if (round % 2 === 0) {
      decodes.push(runDecode());
      bare.push(runBare());
    } else {
      bare.push(runBare());
      decodes.push(runDecode());
    }
  }
  const readPoolTiming = timing(decodes);
  const barePread = timing(bare);
  const ratio = readPoolTiming.medianMs / barePread.medianMs;
  return {
    slots: POOL_SLOTS,
    allocated,
    touched: plan.touched,
    srbchannelProbes: plan.probes,
    preads: plan.offsets.length,
    readPool: readPoolTiming,
    barePread,
    ratio,
    target: { max: DECODE_TARGET, pass: ratio <= DECODE_TARGET },
  };
}

/** The channel a lab srbchannel pool holds, found the way the scan finds it: by decoding the pool. */
function channelSource(lab: Lab, object: LabObject): ChannelSource {
  const file = poolFile(lab.dir, object.name);
  const channels = decodeOrThrow(file).srbchannels;
  const channel = channels[0];
  if (channels.length !== 1 || !channel || channel.offset !== object.channelOffset) {
    throw new Error(
      `readPool(${file.path}) found ${channels.length} srbchannel(s) at ${channels.map((c) => c.offset).join(', ')}, ` +
        `the lab made one at ${object.channelOffset}`,
    );
  }
  return {
    key: object.name,
    path: file.path,
    identity: file.identity,
    offset: channel.offset,
    capacity: channel.capacity,
  };
}

type Variant = () => void;

/**
 * Times `variants` in alternation, rotating which goes first each round; every timed call
 * covers `units` channel reads (or calls), and the samples are µs per unit.
 */
async function alternate(variants: readonly Variant[], units: number): Promise<number[][]> {
  for (let i = 0; i < SAMPLER_WARMUP; i++) for (const variant of variants) variant();
  const samples = variants.map((): number[] => []);
  for (let round = 0; round < SAMPLER_ROUNDS; round++) {
    await betweenRounds();
    for (let k = 0; k < variants.length; k++) {
      const index = (round + k) % variants.length;
      const variant = variants[index];
      if (variant) samples[index]?.push((timeMs(variant) * 1000) / units);
    }
  }
  return samples;
}

async function benchSampler(sources: readonly ChannelSource[], problems: string[]): Promise<SamplerResult> {
  const channels = sources.length;
  const calls = Math.ceil(READS_PER_ROUND / channels);
  const sampler = new SrbchannelSampler();
  sampler.track(sources);
  const buffer = Buffer.alloc(SAMPLE_BYTES);
  let shortReads = 0;
  const fds = sources.map((source) => openSync(source.path, 'r'));
  try {
    const [samplerUs = [], openPreadCloseUs = [], preadUs = []] = await alternate(
      [
        () => {
          for (let call = 0; call < calls; call++) sampler.sampleOnce();
        },
        () => {
          for (let call = 0; call < calls; call++) {
            for (const source of sources) {
              const fd = openSync(source.path, 'r');
              try {
                if (readSync(fd, buffer, 0, SAMPLE_BYTES, source.offset) !== SAMPLE_BYTES) shortReads++;
              } finally {
                closeSync(fd);
              }
            }
          }
        },
        () => {
          for (let call = 0; call < calls; call++) {
            for (let i = 0; i < channels; i++) {
              if (readSync(fds[i] ?? -1, buffer, 0, SAMPLE_BYTES, sources[i]?.offset ?? 0) !== SAMPLE_BYTES) {
                shortReads++;
              }
            }
          }
        },
      ],
      calls * channels,
    );
    if (shortReads > 0) problems.push(`sampler baselines, ${channels} channel(s): ${shortReads} short reads`);
    let active = 0;
    for (const source of sources) {
      const stats = sampler.stats(source.key);
      if (!stats || stats.samples === 0 || stats.error !== null) {
        problems.push(`sampler, ${channels} channel(s): ${source.key} gave ${stats?.error ?? 'no samples'}`);
      } else if (stats.active) {
        active++;
      }
    }
    if (active === 0) problems.push(`sampler, ${channels} channel(s): no channel's words changed, traffic or not`);
    const result = {
      sampler: microTiming(samplerUs),
      openPreadClose: microTiming(openPreadCloseUs),
      preadOpenFd: microTiming(preadUs),
    };
    const overBaseline = result.sampler.medianUs / result.openPreadClose.medianUs;
    return {
      channels,
      callsPerRound: calls,
      ...result,
      ratios: {
        samplerOverOpenPreadClose: overBaseline,
        samplerOverPreadOpenFd: result.sampler.medianUs / result.preadOpenFd.medianUs,
      },
      active,
      target: { max: SAMPLER_TARGET, pass: overBaseline <= SAMPLER_TARGET },
    };
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}

/** sampleOnce() tracking the channels a pool with none was decoded to hold: nothing. */
async function benchEmptySampler(lab: Lab, oneChannelUs: number, problems: string[]): Promise<EmptySamplerResult> {
  const object = lab.createPool({ slots: 16, allocated: 8, freed: 0, memfd: false });
  const file = poolFile(lab.dir, object.name);
  const found = decodeOrThrow(file).srbchannels;
  if (found.length > 0) problems.push(`readPool of a pool with no channel found ${found.length} srbchannel(s)`);
  const sampler = new SrbchannelSampler();
  sampler.track(
    found.map(({ offset, capacity }) => ({
      key: `${object.name}@${offset}`,
      path: file.path,
      identity: file.identity,
      offset,
      capacity,
    })),
  );
  const [samples = []] = await alternate(
    [
      () => {
        for (let call = 0; call < EMPTY_CALLS_PER_ROUND; call++) sampler.sampleOnce();
      },
    ],
    EMPTY_CALLS_PER_ROUND,
  );
  const timingUs = microTiming(samples);
  const ratio = timingUs.medianUs / oneChannelUs;
  return {
    poolSlots: object.slots,
    channelsFound: found.length,
    callsPerRound: EMPTY_CALLS_PER_ROUND,
    sampler: timingUs,
    ratio,
    target: { max: EMPTY_TARGET, pass: ratio <= EMPTY_TARGET },
  };
}

/**
 * Makes the scratch directory and the lab, then measures. `track` receives the disposer
 * as soon as there is something to dispose; the caller disposes when this settles.
 */
export async function benchPools(track: (dispose: () => void) => void, problems: string[]): Promise<PoolBenchResult> {
  const dir = mkdtempSync(FIXTURE_PREFIX);
  const lab = new Lab(dir);
  track(() => {
    try {
      lab.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  const loadBefore = os.loadavg()[0] ?? NaN;

  const decode: DecodeResult[] = [];
  for (const allocated of POOL_ALLOCATED) decode.push(await benchDecode(lab, allocated, problems));

  const sources: ChannelSource[] = [];
  const most = Math.max(...CHANNEL_COUNTS);
  for (let i = 0; i < most; i++) {
    sources.push(channelSource(lab, lab.createSrbchannel({ rate: CHANNEL_RATE, memfd: false })));
  }
  const sampler: SamplerResult[] = [];
  for (const channels of CHANNEL_COUNTS) sampler.push(await benchSampler(sources.slice(0, channels), problems));
  const one = sampler.find((result) => result.channels === 1) ?? sampler[0];
  const emptySampler = await benchEmptySampler(lab, one?.openPreadClose.medianUs ?? NaN, problems);

  return {
    decode,
    sampler,
    emptySampler,
    channelRate: CHANNEL_RATE,
    loadAverage: { before: loadBefore, after: os.loadavg()[0] ?? NaN },
  };
}

export function reportPools(result: PoolBenchResult): string {
  const us = (t: MicroTiming): [number, number, number] => [t.medianUs, t.minUs, t.runs];
  const count = (n: number): string => n.toLocaleString('en-US');
  const load = `load average ${result.loadAverage.before.toFixed(2)} -> ${result.loadAverage.after.toFixed(2)}`;
  const lines = [
    `pool decode: readPool() of a ${count(POOL_SLOTS)}-slot POSIX pool on tmpfs against bare preads, ${load}`,
    timingHeader('time (ms)'),
  ];
  for (const d of result.decode) {
    lines.push(
      timingRow(`readPool(), ${count(d.allocated)} allocated`, d.readPool),
      timingRow(`bare pread, the same ${count(d.preads)} reads`, d.barePread),
    );
  }
  for (const d of result.decode) {
    lines.push(
      ratioRow(`readPool / pread, ${count(d.allocated)} allocated`, d.ratio, `<= ${DECODE_TARGET}x`, d.target.pass),
    );
  }
  const reads = result.decode.map(
    (d) =>
      `${count(d.allocated)} allocated: ${count(d.touched)} headers + ${count(d.srbchannelProbes)} srbchannel probes`,
  );
  lines.push(`  ${'  preads per decode:'.padEnd(36)}${reads.join('; ')}`);

  const active = result.sampler.map((s) => `${s.active}/${s.channels}`).join(', ');
  lines.push(
    '',
    `srbchannel sampler: sampleOnce() per channel per sample, channels of ${count(result.channelRate)} B/s ` +
      `(${active} active), ${load}`,
    timingHeader('time (µs per channel per sample)'),
  );
  const channelsText = (n: number): string => `${n} channel${n === 1 ? '' : 's'}`;
  for (const s of result.sampler) {
    lines.push(
      valuesRow(`sampleOnce(), ${channelsText(s.channels)}`, ...us(s.sampler)),
      valuesRow(`open+pread(32)+close, ${channelsText(s.channels)}`, ...us(s.openPreadClose)),
      valuesRow(`pread(32) on an open fd, ${channelsText(s.channels)}`, ...us(s.preadOpenFd)),
    );
  }
  const empty = result.emptySampler;
  lines.push(valuesRow('sampleOnce(), no channel (µs/sample)', ...us(empty.sampler)));
  for (const s of result.sampler) {
    lines.push(
      ratioRow(
        `sampler / open+pread+close, ${s.channels} ch`,
        s.ratios.samplerOverOpenPreadClose,
        `<= ${SAMPLER_TARGET}x`,
        s.target.pass,
      ),
    );
  }
  lines.push(ratioRow('no channel / 1 open+pread+close', empty.ratio, `<= ${EMPTY_TARGET}x`, empty.target.pass));
  for (const s of result.sampler) {
    lines.push(infoRatioRow(`sampler / pread on open fd, ${s.channels} ch`, s.ratios.samplerOverPreadOpenFd));
  }
  return lines.join('\n');
}
