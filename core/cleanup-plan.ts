import type { CleanupOptions, CleanupPlan, KeptSegment, PlannedRemoval } from '../protocol/cleanup';
import type { RemovalClass, ScanResult, Segment } from '../protocol/scan-result';

/** A segment's facts before its removal class is judged from them. */
export type SegmentFacts = Omit<Segment, 'removal'>;

export type Decision =
  | { remove: true; reason: string }
  | {
      remove: false;
      /** The cause and, where a user could still have it removed, how from the command line. */
      reason: string;
      /** The cause alone: what another interface words its own way to act on it. */
      cause: string;
    };

function holdersText(segment: SegmentFacts): string {
  return segment.attached.map((holder) => `PID ${holder.pid} (${holder.comm}, ${holder.access})`).join(', ');
}

const keep = (cause: string, advice = ''): Decision => ({ remove: false, reason: `${cause}${advice}`, cause });

/**
 * The cleanup rule for one segment. Only `stale` segments that no live process holds go
 * by default, and only when every process that could hold them was inspected; zombie
 * and reused-PID owners need an opt-in; anything else needs the user to name it with
 * --force. A live owner, or an entry that is not a regular file,
 * is never removed.
 */
export function decideRemoval(segment: SegmentFacts, options: CleanupOptions): Decision {
  const forced = options.force.includes(segment.name);
  if (segment.kind !== 'file') return keep(`${segment.reason}: only regular files are removed`);
  if (segment.state === 'live') return keep(forced ? `forced, but live: ${segment.reason}` : segment.reason);
  if (segment.attached.length > 0 && !forced) {
    return keep(
      `${segment.reason}, but still held by ${holdersText(segment)}`,
      '; name it with --force to remove the name anyway (the mappings stay valid)',
    );
  }
  if (segment.holdersIncomplete !== null && !forced) {
    return keep(`${segment.reason}, but ${segment.holdersIncomplete}`, '; name it with --force to remove it anyway');
  }
  if (forced) return { remove: true, reason: `forced by name (${segment.state}: ${segment.reason})` };
  switch (segment.state) {
    case 'stale':
      return { remove: true, reason: segment.reason };
    case 'stale-zombie':
      return options.includeZombie
        ? { remove: true, reason: segment.reason }
        : keep(segment.reason, '; include with --include zombie');
    case 'stale-pid-reused':
      return options.includeReused
        ? { remove: true, reason: segment.reason }
        : keep(segment.reason, '; include with --include reused');
    default:
      return keep(`${segment.state}: ${segment.reason}`, '; only removed when named with --force');
  }
}

const PLAIN: CleanupOptions = { includeZombie: false, includeReused: false, force: [] };
const INCLUDING: CleanupOptions = { includeZombie: true, includeReused: true, force: [] };

/** Which cleanup removes the segment (RemovalClass): the same rule as the plans', asked three ways. */
export function removalClass(segment: SegmentFacts): RemovalClass {
  if (decideRemoval(segment, PLAIN).remove) return 'default';
  if (decideRemoval(segment, INCLUDING).remove) return 'opt-in';
  if (decideRemoval(segment, { ...PLAIN, force: [segment.name] }).remove) return 'named';
  return 'never';
}

/** What a cleanup would remove and keep, and why; forced names not in the directory fail. */
export function planCleanup(scan: ScanResult, options: CleanupOptions): CleanupPlan {
  const remove: PlannedRemoval[] = [];
  const keep: KeptSegment[] = [];
  for (const segment of scan.segments) {
    const decision = decideRemoval(segment, options);
    if (decision.remove) {
      const { name, dev, inode, birthTime, state, allocated, size } = segment;
      remove.push({ name, dev, inode, birthTime, state, bytes: allocated, size, reason: decision.reason });
    } else {
      const forceable = decideRemoval(segment, { ...options, force: [segment.name] }).remove;
      keep.push({
        name: segment.name,
        state: segment.state,
        reason: decision.reason,
        cause: decision.cause,
        forceable,
      });
    }
  }
  const present = new Set(scan.segments.map((segment) => segment.name));
  const failed = options.force
    .filter((name) => !present.has(name))
    .map((name) => ({ name, code: 'ENOENT', message: `${name} is not in ${scan.dir}` }));
  return { dir: scan.dir, options, remove, keep, failed };
}

/**
 * A plan of the named entries only (the rows a user selected): everything else in the
 * directory is left out, stale or not. A selected name not in the directory fails.
 */
export function planSelected(scan: ScanResult, selected: readonly string[], options: CleanupOptions): CleanupPlan {
  const names = new Set(selected);
  const plan = planCleanup({ ...scan, segments: scan.segments.filter((segment) => names.has(segment.name)) }, options);
  const present = new Set(scan.segments.map((segment) => segment.name));
  const missing = [...names]
    .filter((name) => !present.has(name) && !options.force.includes(name))
    .map((name) => ({ name, code: 'ENOENT', message: `${name} is not in ${scan.dir}` }));
  return { ...plan, failed: [...plan.failed, ...missing] };
}
