import { plural } from '../../../protocol/format';
import { selectVisibleRows } from '../store/selectors';
import { useInspector } from '../store/store-context';
import { ColumnMenu } from './column-menu';
import { ExportButtons } from './export-buttons';
import { LiveStatus } from './live-status';

/** Under the filters: how many rows they let through, the live state, export, the columns. */
export function TableBar() {
  const shown = useInspector((state) => selectVisibleRows(state).length);
  const total = useInspector((state) => state.segments.items.size);
  return (
    <div className="table-bar" data-escape-to-table>
      <span data-testid="shown-count" title={`The filters show ${shown} of ${plural(total, 'item')}`}>
        {shown} of {total} shown
      </span>
      <LiveStatus />
      <ExportButtons />
      <ColumnMenu />
    </div>
  );
}
