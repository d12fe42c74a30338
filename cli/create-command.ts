import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { createFromRequest, type CreatedSegment } from '../core/create-segment';
import { resolveShmDir } from '../core/scan-shm';
import { parseByteSize, parseMode, parseWholeNumber } from '../protocol/byte-size';
import { formatBytes, formatMode } from '../protocol/format';
import { DEFAULT_MODE } from '../protocol/limits';
import { createRequest, describeIssues } from '../protocol/requests';
import { EXIT_OK, UsageError, type Io } from './cli-error';
import { printable } from './printable';

/** The request's fields as this command's flags, in messages. */
const FLAGS = { size: '--size', mode: '--mode', holdSeconds: '--hold', markerPid: '--marker-pid' };

function parseNumber(
  text: string | undefined,
  flag: string,
  parse: (text: string) => number | null,
  what: string,
): number | undefined {
  if (text === undefined) return undefined;
  const value = parse(text);
  if (value === null) throw new UsageError(`${flag}: "${text}" is not ${what}`);
  return value;
}

function describeCreated(created: CreatedSegment): string {
  const where = created.path ?? `memfd "${created.name}" (inode ${created.inode}, no name in the shm directory)`;
  const marker = created.markerPid === null ? 'no marker' : `marker PID ${created.markerPid}`;
  return `created ${where}: ${formatBytes(created.dataSize)} data, file ${created.fileSize} bytes, mode ${formatMode(created.mode)}, ${marker}`;
}

export async function createCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      dir: { type: 'string' },
      size: { type: 'string' },
      mode: { type: 'string' },
      memfd: { type: 'boolean', default: false },
      hold: { type: 'string' },
      'marker-pid': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.size === undefined) throw new UsageError('--size is required (bytes, or with a unit: 64KiB, 64MiB)');
  const holdSeconds = parseNumber(values.hold, '--hold', parseWholeNumber, 'a whole number of seconds');
  const markerPid = parseNumber(values['marker-pid'], '--marker-pid', parseWholeNumber, 'a PID');
  const parsed = createRequest.safeParse({
    size: parseNumber(values.size, '--size', parseByteSize, 'a size (bytes, or with a unit: 64KiB, 64MiB)'),
    mode: parseNumber(values.mode, '--mode', parseMode, 'a mode (octal, 0600 to 0777)') ?? DEFAULT_MODE,
    memfd: values.memfd,
    ...(holdSeconds !== undefined ? { holdSeconds } : {}),
    ...(markerPid !== undefined ? { markerPid } : {}),
  });
  if (!parsed.success) throw new UsageError(describeIssues(parsed.error, FLAGS));
  const request = parsed.data;
  if (request.memfd && !request.holdSeconds) {
    throw new UsageError('a memfd exists only while a process maps it: add --hold SECONDS');
  }

  const hold = (request.holdSeconds ?? 0) > 0;
  const created = createFromRequest(resolveShmDir(values.dir), request, hold);
  const { release, ...facts } = created;
  if (values.json) io.json(facts);
  else io.out(printable(describeCreated(created)));
  if (hold) {
    if (!values.json) io.err(`holding it for ${request.holdSeconds} s (this process is its live owner)`);
    await sleep((request.holdSeconds ?? 0) * 1000);
    release();
  }
  return EXIT_OK;
}
