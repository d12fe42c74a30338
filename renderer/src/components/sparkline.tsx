import { formatDuration } from '../../../protocol/format';

const WIDTH = 120;
const HEIGHT = 24;
/** Room for the stroke at the top and bottom edges. */
const PAD = 2;

/**
 * "shm use 12.0 MiB -> 48.0 MiB over 10 min": what the line shows, for a screen reader
 * and a tooltip. With one point, only its value.
 */
export function sparklineLabel(
  what: string,
  times: readonly number[],
  values: readonly number[],
  format: (value: number) => string,
): string {
  const first = values[0];
  const last = values[values.length - 1];
  if (first === undefined || last === undefined) return `${what}: no history yet`;
  if (values.length === 1) return `${what} ${format(last)}, history starting`;
  const span = (times[times.length - 1] ?? 0) - (times[times.length - values.length] ?? 0);
  return `${what} ${format(first)} -> ${format(last)} over ${formatDuration(span)}`;
}

/**
 * The points of a 120 x 24 polyline: values spaced evenly (one per sample), scaled between
 * their own lowest and highest so a slope shows; a flat series is a line across the middle.
 */
export function sparklinePoints(values: readonly number[]): string {
  if (values.length === 0) return '';
  const low = Math.min(...values);
  const high = Math.max(...values);
  const step = values.length > 1 ? WIDTH / (values.length - 1) : 0;
  const y = (value: number) =>
    high === low ? HEIGHT / 2 : PAD + (HEIGHT - 2 * PAD) * (1 - (value - low) / (high - low));
  const points = values.map((value, i) => `${(i * step).toFixed(1)},${y(value).toFixed(1)}`);
  // One point: a short level line, so that it shows.
  return values.length === 1 ? `0,${y(values[0] ?? 0)} ${WIDTH},${y(values[0] ?? 0)}` : points.join(' ');
}

/** A tiny line chart of the last minutes (no axes): its label carries the numbers. */
export function Sparkline({ values, label, testId }: { values: readonly number[]; label: string; testId: string }) {
  return (
    <svg
      className="sparkline"
      width={WIDTH}
      height={HEIGHT}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={label}
      data-testid={testId}
    >
      <title>{label}</title>
      <polyline className="sparkline__line" points={sparklinePoints(values)} fill="none" />
    </svg>
  );
}
