import { formatBytes } from '../../../protocol/format';
import { useInspector } from '../store/store-context';
import { Sparkline, sparklineLabel } from './sparkline';
import { VisibleText } from './visible-text';

/** The shm filesystem's use over the last minutes, as the engine sampled it: a leak shows as a slope. */
function ShmHistory() {
  const history = useInspector((state) => state.segments.history);
  if (!history || history.times.length === 0) return null;
  const label = sparklineLabel('shm use', history.times, history.shmUsed, formatBytes);
  return <Sparkline values={history.shmUsed} label={label} testId="shm-sparkline" />;
}

/** How full the shm filesystem is: a meter, with the numbers in words beside it, and its recent history. */
export function CapacitySummary() {
  const directory = useInspector((state) => state.segments.directory);
  if (!directory) {
    return (
      <div className="capacity" data-testid="header-capacity">
        Waiting for the first scan…
      </div>
    );
  }
  const { total, used, free } = directory.capacity;
  return (
    <div className="capacity" data-testid="header-capacity">
      <span className="capacity__dir">
        <VisibleText text={directory.dir} />
      </span>
      <meter
        className="capacity__meter"
        min={0}
        max={Math.max(total, 1)}
        value={used}
        aria-label="shm filesystem use"
      />
      <span>
        {formatBytes(used)} used of {formatBytes(total)}, {formatBytes(free)} free
      </span>
      <ShmHistory />
    </div>
  );
}
