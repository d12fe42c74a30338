import type { ColumnKey } from '../store/column-layout';
import type { Row } from '../store/rows';
import { StateBadge } from './state-badge';
import { cellText, KIND_LABELS } from './table-columns';
import { VisibleText } from './visible-text';
import { visibleText } from '../../../protocol/visible-text';

/**
 * How many characters at the end of a name always show, however narrow its column: enough
 * for the number of a `pulse-shm-<u32>` and the inode of `memfd:pulseaudio:<inode>`
 * (column-layout.ts keeps the column wide enough for them).
 */
export const NAME_TAIL = 12;

/** One cell of a segment's row: the column says which. */
export function SegmentCell({ column, row, now }: { column: ColumnKey; row: Row; now: number }) {
  switch (column) {
    case 'name':
      // The whole name on hover, and in the detail pane.
      return (
        <div
          role="gridcell"
          className="cell cell--name"
          data-column={column}
          title={visibleText(row.name, { name: true })}
        >
          <VisibleText text={row.name} name tail={NAME_TAIL} />
        </div>
      );
    case 'kind':
      return (
        <div role="gridcell" className="cell" data-column={column}>
          {KIND_LABELS[row.kind]}
        </div>
      );
    case 'size':
      return (
        <div role="gridcell" className="cell cell--number" data-column={column}>
          {cellText.size(row)}
        </div>
      );
    case 'state':
      return (
        <div role="gridcell" className="cell" data-column={column}>
          <StateBadge state={row.state} reason={row.reason} />
        </div>
      );
    case 'owner': {
      const owner = cellText.owner(row);
      return (
        <div role="gridcell" className="cell" data-column={column} title={visibleText(owner)}>
          <VisibleText text={owner} />
        </div>
      );
    }
    case 'attached':
      return (
        <div role="gridcell" className="cell" data-column={column} title={visibleText(cellText.attachedTitle(row))}>
          {cellText.attached(row)}
        </div>
      );
    case 'mode':
      return (
        <div role="gridcell" className="cell" data-column={column}>
          {cellText.mode(row)}
        </div>
      );
    case 'age':
      return (
        <div role="gridcell" className="cell cell--number" data-column={column}>
          {cellText.age(row, now)}
        </div>
      );
  }
}
