import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatBytes } from '../../../protocol/format';
import { SERIES_WINDOW_MS, type ChannelSeries } from '../store/channel-series';
import { useInspector } from '../store/store-context';

const HEIGHT = 160;
const MIN_WIDTH = 240;

/** uPlot's data: seconds on x, the two rings' fill levels in bytes on y. */
function toData(series: ChannelSeries | undefined): uPlot.AlignedData {
  if (!series) return [[], [], []];
  return [series.times.map((time) => time / 1000), [...series.read], [...series.write]];
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

function options(capacity: number, width: number, colors: ChartColors): uPlot.Options {
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
      y: { range: () => [0, capacity] },
    },
    axes: [axis, { ...axis, values: (_u, ticks) => ticks.map((tick) => formatBytes(tick)), size: 70 }],
    series: [
      {},
      // Dashed against solid: the two rings differ by more than color.
      { label: 'read ring', stroke: colors.read, width: 1.5 },
      { label: 'write ring', stroke: colors.write, width: 1.5, dash: [6, 3] },
    ],
  };
}

/** Both rings' fill levels of one srbchannel over the last 60 s, with the latest values in words. */
export function SrbChart({ channel, title, capacity }: { channel: string; title: string; capacity: number }) {
  const series = useInspector((state) => state.segments.series.get(channel));
  const containerRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const width = () => Math.max(MIN_WIDTH, container.clientWidth);
    const plot = new uPlot(options(capacity, width(), chartColors(container)), [[], [], []], container);
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
  }, [capacity]);

  useEffect(() => {
    plotRef.current?.setData(toData(series));
  }, [series, capacity]);

  const lastRead = series?.read[series.read.length - 1];
  const lastWrite = series?.write[series.write.length - 1];
  return (
    <figure className="srb-chart" data-testid="srb-chart">
      <figcaption>
        {title}:{' '}
        {lastRead === undefined || lastWrite === undefined
          ? 'no samples yet'
          : `read ring ${formatBytes(lastRead)}, write ring ${formatBytes(lastWrite)} of ${formatBytes(capacity)} each`}
      </figcaption>
      <div ref={containerRef} className="srb-chart__plot" aria-hidden="true" />
    </figure>
  );
}
