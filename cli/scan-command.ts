import { parseArgs } from 'node:util';
import { compareSegments, scanShm } from '../core/scan-shm';
import { formatBytes, formatMode } from '../protocol/format';
import type { ScanResult, Segment } from '../protocol/scan-result';
import { EXIT_OK, toJson, type Io } from './cli-error';
import { renderTable } from './table';

function ownerText(segment: Segment): string {
  if (!segment.marker?.valid) return '-';
  return segment.owner ? `${segment.owner.pid} ${segment.owner.comm}` : `${segment.marker.pid} (gone)`;
}

function poolText(segment: Segment): string {
  const pool = segment.pool?.pool;
  if (!pool) return '-';
  const channels = pool.srbchannels.length > 0 ? ` ${pool.srbchannels.length} srb` : '';
  return `${pool.inUse}/${pool.slotCount} in use${channels}`;
}

function attachedText(segment: Segment): string {
  return segment.attached.map((holder) => `${holder.pid}:${holder.access}`).join(',') || '-';
}

export function renderScan(result: ScanResult, all: boolean): string {
  const sorted = [...result.segments].sort(compareSegments);
  const shown = all ? sorted : sorted.filter((segment) => segment.state !== 'foreign');
  const hidden = result.segments.length - shown.length;
  const { total, used, free } = result.capacity;
  const lines = [`${result.dir}: ${formatBytes(used)} used of ${formatBytes(total)}, ${formatBytes(free)} free`];
  if (!result.initialPidNamespace) {
    lines.push('note: running in a child PID namespace; owners outside it cannot be seen (unverifiable)');
  }
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
      renderTable(['STATE', 'NAME', 'SIZE', 'ALLOCATED', 'MODE', 'OWNER', 'ATTACHED', 'POOL', 'REASON'], rows),
    );
  } else {
    lines.push('no PulseAudio segments');
  }
  if (hidden > 0) lines.push(`${hidden} other ${hidden === 1 ? 'entry' : 'entries'} hidden (--all shows them)`);
  return lines.join('\n');
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
  io.out(values.json ? toJson(result, io) : renderScan(result, values.all));
  return EXIT_OK;
}
