import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatBytes, formatRate, formatTime, plural } from '../../../protocol/format';
import {
  intervalRate,
  recentTraffic,
  RATE_WINDOW_MS,
  SERIES_WINDOW_MS,
  type ChannelSeries,
} from '../store/channel-series';
import { useInspector } from '../store/store-context';

const HEIGHT = 160;
const MIN_WIDTH = 240;

/** uPlot's data: seconds on x, bytes per second into each ring on y. */
function toData(series: ChannelSeries | undefined): uPlot.AlignedData {
  if (!series) return [[], [], []];
  const rate = (bytes: readonly number[]) => bytes.map((value, i) => intervalRate(value, series.ms[i] ?? 0));
  return [series.times.map((time) => time / 1000), rate(series.readBytes), rate(series.writeBytes)];
}

interface ChartColors {
  read: string;
  write: string;
  axis: string;
  grid: string;
}

/** The theme's chart colors (theme.css), read once per chart: canvas strokes cannot use CSS variables. */
function chartColors(element: HTMLElement): ChartColors {
  const style = getComputedStyle(element);
  const color = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    read: color('--chart-read', '#2b7bd6'),
    write: color('--chart-write', '#d6762b'),
    axis: color('--fg-muted', '#666'),
    grid: color('--border', '#ddd'),
  };
}

function options(width: number, colors: ChartColors): uPlot.Options {
  const axis = {
    stroke: colors.axis,
    grid: { stroke: colors.grid, width: 1 },
    ticks: { stroke: colors.grid, width: 1 },
  };
  return {
    width,
    height: HEIGHT,
    legend: { show: true },
    scales: {
      x: {
        time: true,
        // Always the last minute, so the chart scrolls instead of stretching.
        range: (_u, _min, max) => [max - SERIES_WINDOW_MS / 1000, max],
      },
      // Autoscaled to the busiest interval shown; an idle channel keeps a 1 KiB/s axis, not a collapsed one.
      y: { range: (_u, _min, max) => [0, Math.max(1024, max * 1.1)] },
    },
    axes: [
      // The app's one time format (formatTime), not uPlot's 12-hour labels with a date stacked under them.
      { ...axis, values: (_u, ticks) => ticks.map((tick) => formatTime(tick * 1000)), space: 70 },
      { ...axis, values: (_u, ticks) => ticks.map((tick) => formatRate(tick)), size: 80 },
    ],
    series: [
      { label: 'Time', value: (_u, v) => (v === null ? '-' : formatTime(v * 1000)) },
      // Dashed against solid: the two rings differ by more than color.
      {
        label: 'into read ring',
        stroke: colors.read,
        width: 1.5,
        value: (_u, v) => (v === null ? '-' : formatRate(v)),
      },
      {
        label: 'into write ring',
        stroke: colors.write,
        width: 1.5,
        dash: [6, 3],
        value: (_u, v) => (v === null ? '-' : formatRate(v)),
      },
    ],
  };
}

/** The traffic through one srbchannel over the last 60 s in bytes per second, with the current rate in words. */
export function SrbChart({ channel, title, capacity }: { channel: string; title: string; capacity: number }) {
  const series = useInspector((state) => state.segments.series.get(channel));
  const containerRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const width = () => Math.max(MIN_WIDTH, container.clientWidth);
    const plot = new uPlot(options(width(), chartColors(container)), [[], [], []], container);
    plotRef.current = plot;
    const observer =
      typeof ResizeObserver === 'undefined'
        ? null
        : new ResizeObserver(() => plot.setSize({ width: width(), height: HEIGHT }));
    observer?.observe(container);
    return () => {
      observer?.disconnect();
      plot.destroy();
      plotRef.current = null;
    };
  }, []);

  useEffect(() => {
    plotRef.current?.setData(toData(series));
  }, [series]);

  const recent = series && series.times.length > 0 ? recentTraffic(series) : null;
  return (
    <figure className="srb-chart" data-testid="srb-chart">
      <figcaption>
        {title}:{' '}
        {recent === null ? (
          'no samples yet'
        ) : (
          <>
            <strong data-testid="srb-rate">{formatRate(recent.readRate + recent.writeRate)}</strong>
            {` over the last ${RATE_WINDOW_MS / 1000} s (read ring ${formatRate(recent.readRate)}, write ring ${formatRate(recent.writeRate)}); `}
            {`peak fill ${formatBytes(recent.peak)} of ${formatBytes(capacity)}, ${plural(recent.wakeups, 'wake-up')}`}
          </>
        )}
      </figcaption>
      <div ref={containerRef} className="srb-chart__plot" aria-hidden="true" />
    </figure>
  );
}
