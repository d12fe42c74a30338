import { parseArgs } from 'node:util';
import { compareSegments, scanShm } from '../core/scan-shm';
import { LAB_MEMFD_NAME } from '../core/lab/lab';
import { formatBytes, formatMode, plural } from '../protocol/format';
import type { MemfdPool } from '../protocol/memory';
import type { ScanResult, Segment } from '../protocol/scan-result';
import { EXIT_OK, type Io } from './cli-error';
import { printable } from './printable';
import { renderTable } from './table';

function ownerText(segment: Segment): string {
  if (!segment.marker?.valid) return '-';
  if (segment.owner) return `${segment.owner.pid} ${segment.owner.comm}`;
  // An owner that could not be read (hidepid, EACCES, another PID namespace) is not gone.
  return `${segment.marker.pid} ${segment.state === 'unverifiable' ? '(not seen)' : '(gone)'}`;
}

function poolText(segment: Segment): string {
  const pool = segment.pool?.pool;
  if (!pool) return '-';
  const channels = pool.srbchannels.length > 0 ? ` ${pool.srbchannels.length} srb` : '';
  return `${pool.inUse}/${pool.slotCount} in use${channels}`;
}

/** The holders found; "?" when some process that could hold it was not inspected (holdersIncomplete). */
function attachedText(segment: Segment): string {
  const found = segment.attached.map((holder) => `${holder.pid}:${holder.access}`);
  if (segment.holdersIncomplete !== null) found.push('?');
  return found.join(',') || '-';
}

/** What the scan could not see of the processes: why some holders are unknown. */
function processNotes(result: ScanResult): string[] {
  const notes: string[] = [];
  const count = result.uninspectedProcesses;
  if (count > 0) {
    notes.push(
      `note: ${count} ${count === 1 ? 'process' : 'processes'} could not be inspected (maps, fds or /proc entry unreadable)`,
    );
  }
  if (result.procHidepid !== null) {
    notes.push(`note: /proc is mounted hidepid=${result.procHidepid}: other users' processes are hidden`);
  }
  if (result.segments.some((segment) => segment.holdersIncomplete !== null)) {
    notes.push('note: segments they could hold show "?" under ATTACHED; clean keeps them unless named with --force');
  }
  return notes;
}

function holdersText(holders: readonly { pid: number; comm: string; access: string }[]): string {
  return holders.map((holder) => `${holder.pid} ${holder.comm} (${holder.access})`).join(', ') || 'nobody';
}

/** Names of the memfds that pools are made in: PulseAudio's (reference §6) and the lab's. */
const POOL_MEMFD_NAMES: ReadonlySet<string> = new Set(['pulseaudio', LAB_MEMFD_NAME]);

/**
 * Whether a memfd is a pool as far as the scan can tell: its slots decoded, or, where its
 * contents could not be read (not root), it has a pool's name. Other programs' memfds
 * (sealed buffers, Chromium's) are listed only with --all.
 */
function looksLikePool(memfd: MemfdPool): boolean {
  return memfd.pool?.pool != null || (memfd.unreadable !== null && POOL_MEMFD_NAMES.has(memfd.name));
}

/** Short summaries of what is not an entry of the directory: memfd pools, deleted segments, findings. */
function renderMemory(result: ScanResult, all: boolean): string[] {
  const lines: string[] = [];
  const memfds = all ? result.memfds : result.memfds.filter(looksLikePool);
  if (memfds.length > 0)
    lines.push('', all ? 'memfds (no name in the shm directory):' : 'memfd pools (no name in the shm directory):');
  for (const memfd of memfds) {
    const pool = memfd.pool?.pool;
    const contents =
      memfd.unreadable ??
      (pool
        ? `${pool.inUse}/${pool.slotCount} slots in use, ${pool.srbchannels.length} srbchannel(s)`
        : (memfd.pool?.notPool ?? 'not read'));
    lines.push(
      `  memfd:${memfd.name} inode ${memfd.inode}, ${formatBytes(memfd.size)}, held by ${holdersText(memfd.holders)}: ${contents}`,
    );
  }
  const hiddenMemfds = result.memfds.length - memfds.length;
  if (hiddenMemfds > 0) {
    const them = hiddenMemfds === 1 ? 'is hidden (--all shows it)' : 'are hidden (--all shows them)';
    lines.push(
      ...(memfds.length === 0 ? [''] : []),
      `${plural(hiddenMemfds, 'memfd')} that ${hiddenMemfds === 1 ? 'is' : 'are'} not a pool ${them}`,
    );
  }
  if (result.deleted.length > 0) lines.push('', 'deleted but still mapped (counted by df, not shown by ls):');
  for (const deleted of result.deleted) {
    const pinned = deleted.allocated === null ? 'unknown bytes' : formatBytes(deleted.allocated);
    lines.push(`  ${deleted.path} inode ${deleted.inode} pins ${pinned}, held by ${holdersText(deleted.holders)}`);
  }
  if (result.findings.length > 0) lines.push('', 'findings:');
  for (const finding of result.findings)
    lines.push(`  [${finding.severity}] ${finding.kind} ${finding.subject}: ${finding.message}`);
  return lines;
}

export function renderScan(result: ScanResult, all: boolean): string {
  const sorted = [...result.segments].sort(compareSegments);
  const shown = all ? sorted : sorted.filter((segment) => segment.state !== 'foreign');
  const hidden = result.segments.length - shown.length;
  const { total, used, free } = result.capacity;
  // Every line is made printable once: the table's cells by renderTable, the rest here.
  const lines = [
    printable(`${result.dir}: ${formatBytes(used)} used of ${formatBytes(total)}, ${formatBytes(free)} free`),
  ];
  if (!result.initialPidNamespace) {
    lines.push('note: running in a child PID namespace; owners outside it cannot be seen (unverifiable)');
  }
  lines.push(...processNotes(result));
  if (shown.length > 0) {
    const rows = shown.map((segment) => [
      segment.state,
      segment.name,
      formatBytes(segment.size),
      formatBytes(segment.allocated),
      formatMode(segment.mode),
      ownerText(segment),
      attachedText(segment),
      poolText(segment),
      segment.reason,
    ]);
    lines.push(
      ...renderTable(['STATE', 'NAME', 'SIZE', 'ALLOCATED', 'MODE', 'OWNER', 'ATTACHED', 'POOL', 'REASON'], rows),
    );
  } else {
    lines.push('no PulseAudio segments');
  }
  if (hidden > 0) lines.push(`${hidden} other ${hidden === 1 ? 'entry' : 'entries'} hidden (--all shows them)`);
  return [...lines, ...renderMemory(result, all).map(printable)].join('\n');
}

export function scanCommand(args: string[], io: Io): number {
  const { values } = parseArgs({
    args,
    options: {
      dir: { type: 'string' },
      json: { type: 'boolean', default: false },
      all: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const result = scanShm(values.dir);
  if (values.json) io.json(result);
  else io.out(renderScan(result, values.all));
  return EXIT_OK;
}
