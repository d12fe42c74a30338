import { formatBytes, plural } from '../../../protocol/format';
import { selectReclaimable } from '../store/selectors';
import { useInspector } from '../store/store-context';

export function ReclaimableSummary() {
  const { count, bytes } = useInspector(selectReclaimable);
  return (
    <span
      className="reclaimable"
      data-testid="reclaimable"
      title="allocated bytes of stale segments no live process holds"
    >
      Reclaimable: {formatBytes(bytes)} in {plural(count, 'stale segment')}
    </span>
  );
}
