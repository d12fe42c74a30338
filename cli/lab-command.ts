import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { openAuditLog, stopLabAudited } from '../core/audit/audited-deletion';
import { Lab, type LabObject, type TrafficStats } from '../core/lab/lab';
import { resolveShmDir } from '../core/scan-shm';
import { parseWholeNumber } from '../protocol/byte-size';
import { plural } from '../protocol/format';
import { describeIssues, labPoolRequest, labSrbchannelRequest } from '../protocol/requests';
import { EXIT_OK, UsageError, type Io } from './cli-error';
import { printable } from './printable';

/** The requests' fields as this command's flags, in messages. */
const FLAGS = { slots: '--slots', allocated: '--allocated', freed: '--freed', rate: '--rate' };

const wholeNumber = (flag: string, text: string | undefined, fallback: number): number => {
  if (text === undefined) return fallback;
  const value = parseWholeNumber(text);
  if (value === null) throw new UsageError(`${flag}: "${text}" is not a whole number`);
  return value;
};

function describeObject(object: LabObject, dir: string): string {
  const where = object.storage === 'posix' ? `${dir}/${object.name}` : `memfd "${object.name}" (inode ${object.inode})`;
  const channel = object.channelOffset === null ? '' : `, srbchannel header at offset ${object.channelOffset}`;
  return `lab ${object.kind}: ${where}, ${plural(object.slots, 'slot')}${channel}`;
}

const bytes = (count: number): string => `${count.toLocaleString('en-US')} ${count === 1 ? 'byte' : 'bytes'}`;

/** The srbchannel's exact totals, for people (--json prints them as they are). */
export function describeTraffic(traffic: TrafficStats): string {
  const ring = (name: string, totals: TrafficStats['ring1']): string =>
    `${name} ${bytes(totals.written)} written, ${bytes(totals.read)} read`;
  const errors = traffic.errors === 0 ? 'no byte corrupted' : `${bytes(traffic.errors)} read back corrupted`;
  const seconds = (traffic.elapsedMs / 1000).toFixed(1);
  return `traffic over ${seconds} s: ${ring('ring 1', traffic.ring1)}; ${ring('ring 2', traffic.ring2)}; ${errors}`;
}

/** Waits until `seconds` pass (0: until interrupted by SIGINT or SIGTERM), leaving no timer behind. */
async function waitFor(seconds: number): Promise<void> {
  // Signal listeners do not keep Node running: without a timer, "until Ctrl-C" would end at once.
  const keepAlive = setInterval(() => undefined, 2 ** 30);
  const cancel = new AbortController();
  const interrupted = new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    cancel.signal.addEventListener('abort', stop);
  });
  const timer = seconds > 0 ? sleep(seconds * 1000, undefined, { signal: cancel.signal }).catch(() => undefined) : null;
  await (timer ? Promise.race([timer, interrupted]) : interrupted);
  cancel.abort();
  clearInterval(keepAlive);
}

export async function labCommand(args: string[], io: Io): Promise<number> {
  const [what, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: {
      dir: { type: 'string' },
      slots: { type: 'string' },
      allocated: { type: 'string' },
      freed: { type: 'string' },
      rate: { type: 'string' },
      seconds: { type: 'string' },
      memfd: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const lab = new Lab(resolveShmDir(values.dir));
  const seconds = wholeNumber('--seconds', values.seconds, 0);
  // What the lab removes when it stops (a POSIX pool's file) is audited; the log is opened
  // before anything is made.
  const removesFiles = (what === 'pool' || what === 'srbchannel') && !values.memfd && !values.keep;
  const audit = removesFiles ? openAuditLog((torn) => io.err(`Warning: ${printable(torn)}`)) : null;
  const stop = (): void => {
    try {
      stopLabAudited(lab, { keep: values.keep }, audit, 'cli');
    } finally {
      audit?.close();
    }
  };
  const report = (object: LabObject, extra: object = {}): void => {
    if (values.json) io.json({ ...object, dir: lab.dir, ...extra });
    else io.out(printable(describeObject(object, lab.dir)));
  };

  switch (what) {
    case 'pool': {
      const parsed = labPoolRequest.safeParse({
        slots: wholeNumber('--slots', values.slots, 1024),
        allocated: wholeNumber('--allocated', values.allocated, 0),
        freed: wholeNumber('--freed', values.freed, 0),
        memfd: values.memfd,
      });
      if (!parsed.success) throw new UsageError(describeIssues(parsed.error, FLAGS));
      report(lab.createPool(parsed.data));
      await waitFor(seconds);
      stop();
      return EXIT_OK;
    }
    case 'srbchannel': {
      if (values.rate === undefined) throw new UsageError('--rate BYTES_PER_SECOND is required');
      const parsed = labSrbchannelRequest.safeParse({
        rate: wholeNumber('--rate', values.rate, 0),
        memfd: values.memfd,
      });
      if (!parsed.success) throw new UsageError(describeIssues(parsed.error, FLAGS));
      const channel = lab.createSrbchannel(parsed.data);
      report(channel);
      await waitFor(seconds);
      const traffic = lab.trafficOf(channel);
      stop();
      if (values.json) io.json({ traffic });
      else if (traffic) io.out(describeTraffic(traffic));
      return EXIT_OK;
    }
    case 'stale': {
      report(lab.createStale());
      return EXIT_OK;
    }
    default:
      throw new UsageError('lab takes pool, srbchannel or stale');
  }
}
