import { memo, type MouseEvent } from 'react';
import type { Row } from '../store/rows';
import { selectShownColumns } from '../store/column-layout';
import { useInspector } from '../store/store-context';
import { clickKeys, type ClickKeys } from './row-actions';
import { SegmentCell } from './segment-cell';

interface SegmentRowProps {
  row: Row;
  domId: string;
  /** 1-based, counting the header row (aria-rowindex). */
  rowIndex: number;
  selected: boolean;
  now: number;
  /** Where the virtualizer places the row in the body, and its height, in pixels. */
  top: number;
  height: number;
  onSelect: (id: string, keys: ClickKeys) => void;
  onContextMenu: (id: string, event: MouseEvent) => void;
}

export const SegmentRow = memo(function SegmentRow({
  row,
  domId,
  rowIndex,
  selected,
  now,
  top,
  height,
  onSelect,
  onContextMenu,
}: SegmentRowProps) {
  const columns = useInspector(selectShownColumns);
  return (
    <div
      id={domId}
      role="row"
      aria-rowindex={rowIndex}
      aria-selected={selected}
      className={selected ? 'grid__row grid__row--selected' : 'grid__row'}
      data-testid={`segment-row-${row.name}`}
      // Geometry set through the CSSOM, which the CSP's style-src allows (unlike style attributes in markup).
      style={{ transform: `translateY(${top}px)`, height }}
      onClick={(event) => onSelect(row.id, clickKeys(event))}
      onContextMenu={(event) => onContextMenu(row.id, event)}
      // Shift-click selects a range of rows, not the text between two clicks.
      onMouseDown={(event) => event.shiftKey && event.preventDefault()}
    >
      {columns.map((column) => (
        <SegmentCell key={column} column={column} row={row} now={now} />
      ))}
    </div>
  );
});
