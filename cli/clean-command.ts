import { parseArgs } from 'node:util';
import { executeAudited, openAuditLog } from '../core/audit/audited-deletion';
import { dryRunResult } from '../core/cleanup-execute';
import { planCleanup } from '../core/cleanup-plan';
import { scanShm } from '../core/scan-shm';
import type { CleanupOptions, CleanupPlan, CleanupResult } from '../protocol/cleanup';
import { formatBytes, plural } from '../protocol/format';
import { cleanRequest, describeIssues } from '../protocol/requests';
import { EXIT_FAILED, EXIT_OK, UsageError, type Io } from './cli-error';
import { printable, printableName } from './printable';
import { renderTable } from './table';

const INCLUDABLE = ['zombie', 'reused'] as const;

function parseInclude(values: string[]): { includeZombie: boolean; includeReused: boolean } {
  const words = values.flatMap((value) => value.split(',')).filter((word) => word !== '');
  const unknown = words.filter((word) => !(INCLUDABLE as readonly string[]).includes(word));
  if (unknown.length > 0) {
    throw new UsageError(`--include takes ${INCLUDABLE.join(', ')}; not ${unknown.join(', ')}`);
  }
  return { includeZombie: words.includes('zombie'), includeReused: words.includes('reused') };
}

// Each field is made printable on its own (a name's edge spaces show), and only once.
const name = printableName;
const text = printable;

/**
 * The plan as aligned columns: what happens to each entry, its file size, what removing
 * it frees (the pages tmpfs allocated, less than the size for a sparse pool), and why.
 */
function renderPlan(plan: CleanupPlan, all: boolean): string {
  const shownKept = all ? plan.keep : plan.keep.filter((item) => item.state !== 'foreign');
  const rows = [
    ...plan.remove.map((item) => ['remove', item.name, formatBytes(item.size), formatBytes(item.bytes), item.reason]),
    ...shownKept.map((item) => ['keep', item.name, '', '', item.reason]),
    ...plan.failed.map((item) => ['error', item.name, '', '', item.message]),
  ];
  const lines = [`Cleanup plan for ${text(plan.dir)}:`];
  if (rows.length > 0)
    lines.push(...renderTable(['', 'NAME', 'SIZE', 'FREES', 'WHY'], rows).map((line) => `  ${line}`));
  const hidden = plan.keep.length - shownKept.length;
  if (hidden > 0)
    lines.push(
      `  (${hidden} other ${hidden === 1 ? 'entry' : 'entries'} kept: not PulseAudio segments; --all lists them)`,
    );
  if (plan.remove.length === 0) lines.push('Nothing to remove.');
  return lines.join('\n');
}

function renderResult(result: CleanupResult): string {
  const lines = result.removed.map((item) => `removed ${name(item.name)} (${formatBytes(item.bytes)})`);
  for (const item of result.failed) lines.push(`failed  ${name(item.name)}: ${text(item.code)}: ${text(item.message)}`);
  lines.push(`Removed ${plural(result.removed.length, 'segment')}, freed ${formatBytes(result.bytesFreed)}.`);
  return lines.join('\n');
}

export async function cleanCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      dir: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      include: { type: 'string', multiple: true, default: [] },
      force: { type: 'string', multiple: true, default: [] },
      yes: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      all: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const parsed = cleanRequest.safeParse({
    ...parseInclude(values.include),
    force: values.force,
    dryRun: values['dry-run'],
  });
  if (!parsed.success) throw new UsageError(describeIssues(parsed.error));
  const { dryRun, ...rest } = parsed.data;
  const options: CleanupOptions = rest;

  // A plan needs the verdicts only: no pool decoding, no memfd discovery.
  const plan = planCleanup(scanShm(values.dir, { pools: false, memory: false }), options);
  const show = (result: CleanupResult): number => {
    if (values.json) io.json(result);
    else io.out(renderResult(result));
    return result.failed.length > 0 ? EXIT_FAILED : EXIT_OK;
  };
  if (dryRun) {
    if (values.json) return show(dryRunResult(plan));
    io.out(renderPlan(plan, values.all));
    io.out(`Would free ${formatBytes(dryRunResult(plan).bytesFreed)} (dry run: nothing was removed).`);
    return plan.failed.length > 0 ? EXIT_FAILED : EXIT_OK;
  }
  if (plan.remove.length > 0 && !values.yes) {
    if (!io.confirm) {
      throw new UsageError('not on a terminal: pass --yes to remove without asking, or --dry-run to see the plan');
    }
    io.err(renderPlan(plan, values.all));
    const bytes = formatBytes(dryRunResult(plan).bytesFreed);
    if (!(await io.confirm(`Remove ${plural(plan.remove.length, 'segment')} (${bytes})? [y/N] `))) {
      io.err('Nothing removed.');
      return EXIT_OK;
    }
  }
  return show(executeLogged(plan, io));
}

/** Executes the plan through the engine's audited execution; nothing to remove needs no log. */
function executeLogged(plan: CleanupPlan, io: Io): CleanupResult {
  // Removing nothing, it deletes nothing: the plan's own result, and no log is needed.
  if (plan.remove.length === 0) return { ...dryRunResult(plan), dryRun: false };
  const log = openAuditLog((torn) => io.err(`Warning: ${printable(torn)}`));
  try {
    const result = executeAudited(plan, log, 'cli');
    io.err(`Recorded in ${log.file}`);
    return result;
  } finally {
    log.close();
  }
}
