import { formatBytes } from '../../../protocol/format';
import { useInspector } from '../store/store-context';
import { VisibleText } from './visible-text';

/** How full the shm filesystem is: a meter, with the numbers in words beside it. */
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
    </div>
  );
}
