import { memo } from 'react';
import type { Row } from '../store/rows';
import { selectShownColumns } from '../store/column-layout';
import { useInspector } from '../store/store-context';
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
  onSelect: (id: string) => void;
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
      onClick={() => onSelect(row.id)}
    >
      {columns.map((column) => (
        <SegmentCell key={column} column={column} row={row} now={now} />
      ))}
    </div>
  );
});
