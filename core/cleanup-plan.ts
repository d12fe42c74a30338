import type { CleanupOptions, CleanupPlan, KeptSegment, PlannedRemoval } from '../protocol/cleanup';
import type { RemovalClass, ScanResult, Segment } from '../protocol/scan-result';
import { forEachInSlices } from './event-loop-slices';

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
  return decide(segment, options, options.force.includes(segment.name));
}

/** decideRemoval with whether the user named the segment already known (a plan looks names up in a Set). */
function decide(segment: SegmentFacts, options: CleanupOptions, forced: boolean): Decision {
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
  if (decide(segment, PLAIN, false).remove) return 'default';
  if (decide(segment, INCLUDING, false).remove) return 'opt-in';
  if (decide(segment, PLAIN, true).remove) return 'named';
  return 'never';
}

/** A plan built one segment at a time: planCleanup runs it in one go, planCleanupInSlices in slices. */
class PlanBuilder {
  private readonly remove: PlannedRemoval[] = [];
  private readonly keep: KeptSegment[] = [];
  private readonly forced: ReadonlySet<string>;

  constructor(private readonly options: CleanupOptions) {
    this.forced = new Set(options.force);
  }

  add(segment: Segment): void {
    const decision = decide(segment, this.options, this.forced.has(segment.name));
    if (decision.remove) {
      const { name, dev, inode, birthTime, state, allocated, size } = segment;
      this.remove.push({ name, dev, inode, birthTime, state, bytes: allocated, size, reason: decision.reason });
    } else {
      this.keep.push({
        name: segment.name,
        state: segment.state,
        reason: decision.reason,
        cause: decision.cause,
        // Whether naming it with --force would remove it.
        forceable: decide(segment, this.options, true).remove,
      });
    }
  }

  /** The plan of the segments added; forced names not among `scan`'s segments fail. */
  finish(scan: ScanResult): CleanupPlan {
    const present = new Set(scan.segments.map((segment) => segment.name));
    const failed = this.options.force
      .filter((name) => !present.has(name))
      .map((name) => ({ name, code: 'ENOENT', message: `${name} is not in ${scan.dir}` }));
    return { dir: scan.dir, options: this.options, remove: this.remove, keep: this.keep, failed };
  }
}

/** What a cleanup would remove and keep, and why; forced names not in the directory fail. */
export function planCleanup(scan: ScanResult, options: CleanupOptions): CleanupPlan {
  const plan = new PlanBuilder(options);
  for (const segment of scan.segments) plan.add(segment);
  return plan.finish(scan);
}

/** The segments a plan of only the `selected` names reads, and those of them not in the directory. */
function selectedOnly(scan: ScanResult, selected: readonly string[], options: CleanupOptions) {
  const names = new Set(selected);
  const present = new Set(scan.segments.map((segment) => segment.name));
  const missing = [...names]
    .filter((name) => !present.has(name) && !options.force.includes(name))
    .map((name) => ({ name, code: 'ENOENT', message: `${name} is not in ${scan.dir}` }));
  return { scan: { ...scan, segments: scan.segments.filter((segment) => names.has(segment.name)) }, missing };
}

/**
 * A plan of the named entries only (the rows a user selected): everything else in the
 * directory is left out, stale or not. A selected name not in the directory fails.
 */
export function planSelected(scan: ScanResult, selected: readonly string[], options: CleanupOptions): CleanupPlan {
  const only = selectedOnly(scan, selected, options);
  const plan = planCleanup(only.scan, options);
  return { ...plan, failed: [...plan.failed, ...only.missing] };
}

/**
 * planCleanup, or planSelected when `selected` is given, built in slices that give the
 * event loop way (a service plans 100,000 segments without holding its host).
 */
export async function planCleanupInSlices(
  scan: ScanResult,
  options: CleanupOptions,
  selected?: readonly string[],
): Promise<CleanupPlan> {
  const only = selected === undefined ? { scan, missing: [] } : selectedOnly(scan, selected, options);
  const plan = new PlanBuilder(options);
  const { segments } = only.scan;
  await forEachInSlices(segments.length, (i) => plan.add(segments[i] as Segment));
  const built = plan.finish(only.scan);
  return { ...built, failed: [...built.failed, ...only.missing] };
}
