import { memo } from 'react';
import type { Row } from '../store/rows';
import { StateBadge } from './state-badge';
import { cellText, KIND_LABELS } from './table-columns';
import { VisibleText } from './visible-text';
import { visibleText } from '../../../protocol/visible-text';

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
      <div role="gridcell" className="cell cell--name" title={visibleText(row.name, { name: true })}>
        <VisibleText text={row.name} name />
      </div>
      <div role="gridcell" className="cell">
        {KIND_LABELS[row.kind]}
      </div>
      <div role="gridcell" className="cell cell--number">
        {cellText.size(row)}
      </div>
      <div role="gridcell" className="cell">
        <StateBadge state={row.state} reason={row.reason} />
      </div>
      <div role="gridcell" className="cell">
        <VisibleText text={cellText.owner(row)} />
      </div>
      <div role="gridcell" className="cell" title={visibleText(cellText.attachedTitle(row))}>
        {cellText.attached(row)}
      </div>
      <div role="gridcell" className="cell">
        {cellText.mode(row)}
      </div>
      <div role="gridcell" className="cell cell--number">
        {cellText.age(row, now)}
      </div>
    </div>
  );
});
