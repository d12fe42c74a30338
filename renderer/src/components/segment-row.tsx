import { memo, type MouseEvent } from 'react';
import type { Row } from '../store/rows';
import { clickKeys, type ClickKeys } from './row-actions';
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
