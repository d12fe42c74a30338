/** Timing and report helpers shared by the benchmark's parts. */

export interface Timing {
  medianMs: number;
  minMs: number;
  runs: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

/** The value at `fraction` (0 to 1) of the sorted values, nearest rank. */
export function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? NaN;
}

export function timing(values: readonly number[]): Timing {
  return { medianMs: median(values), minMs: Math.min(...values), runs: values.length };
}

export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function timeMs(run: () => void): number {
  const start = nowMs();
  run();
  return nowMs() - start;
}

/** Lets the event loop run between rounds, so that SIGINT/SIGTERM clean up at once. */
export function betweenRounds(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A right-aligned table cell: numbers with two decimals. */
export function cell(value: number | string, width: number): string {
  return (typeof value === 'number' ? value.toFixed(2) : value).padStart(width);
}

export const LABEL_WIDTH = 36;

/** A row of median, min and runs, in whatever unit the table's header names. */
export function valuesRow(label: string, medianValue: number, minValue: number, runs: number): string {
  return `  ${label.padEnd(LABEL_WIDTH)}${cell(medianValue, 10)}${cell(minValue, 10)}${cell(String(runs), 6)}`;
}

export function timingRow(label: string, t: Timing): string {
  return valuesRow(label, t.medianMs, t.minMs, t.runs);
}

/** The header of a table of timing rows. */
export function timingHeader(unit: string): string {
  return `  ${unit.padEnd(LABEL_WIDTH)}${cell('median', 10)}${cell('min', 10)}${cell('runs', 6)}`;
}

/** A measured value (already formatted) against its target. */
export function targetRow(label: string, value: string, target: string, pass: boolean): string {
  return `  ${label.padEnd(LABEL_WIDTH)}${cell(value, 10)}   target ${target.padEnd(8)} ${pass ? 'PASS' : 'MISS'}`;
}

/** A ratio against its target. */
export function ratioRow(label: string, value: number, target: string, pass: boolean): string {
  return targetRow(label, `${value.toFixed(2)}x`, target, pass);
}

/** A ratio shown for information, with no target. */
export function infoRatioRow(label: string, value: number): string {
  return `  ${label.padEnd(LABEL_WIDTH)}${cell(`${value.toFixed(2)}x`, 10)}   no target`;
}
