import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useId, useRef, type CSSProperties, type KeyboardEvent } from 'react';
import { useHost } from '../host/host-context';
import { moveSelection } from '../store/actions';
import { gridTemplate, layoutWidth, selectShownColumns } from '../store/column-layout';
import { rescan } from '../store/rescan';
import { selectVisibleIds, selectVisibleRows } from '../store/selectors';
import { useInspector, useInspectorStore } from '../store/store-context';
import { DETAIL_PANE_ID } from './detail-pane';
import { useRowActions } from './row-actions';
import { SegmentRow } from './segment-row';
import { TableEmpty } from './table-empty';
import { TableHead } from './table-head';
import { SEGMENT_TABLE_ID } from './table-keys';
import { useNow } from './use-now';

const ROW_HEIGHT = 32;
/** The sticky header row's height: table.css sets the same. */
const HEAD_HEIGHT = 34;
const PAGE = 10;

const MOVES: Readonly<Record<string, number>> = {
  ArrowDown: 1,
  ArrowUp: -1,
  PageDown: PAGE,
  PageUp: -PAGE,
  Home: -Infinity,
  End: Infinity,
};

/**
 * The segments as an ARIA grid: only the rows in view are in the DOM (react-virtual), the
 * grid announces how many there are in all. Arrow keys, Page Up/Down, Home and End move
 * the selection; Enter moves focus to the detail pane; R rescans. The columns are the
 * user's (column-layout.ts): their widths reach every row through CSS variables.
 */
export function SegmentTable() {
  const store = useInspectorStore();
  const host = useHost();
  const columns = useInspector(selectShownColumns);
  const layout = useInspector((state) => state.columns);
  const rows = useInspector(selectVisibleRows);
  const ids = useInspector(selectVisibleIds);
  const selectedId = useInspector((state) => state.selection.selectedId);
  const selectedIds = useInspector((state) => state.selection.selectedIds);
  const gridRef = useRef<HTMLDivElement>(null);
  const actions = useRowActions(ids, gridRef);
  const now = useNow(5_000);
  const scrollRef = useRef<HTMLDivElement>(null);
  const gridId = useId();
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    // The header row sits at the top of the same scroller: rows start below it, and a row
    // scrolled into view by the keyboard is not hidden under it.
    paddingStart: HEAD_HEIGHT,
    scrollPaddingStart: HEAD_HEIGHT,
    overscan: 8,
    getItemKey: (index) => rows[index]?.id ?? index,
  });

  const selectedIndex = selectedId === null ? -1 : ids.indexOf(selectedId);
  // Shown anew (another tab's link selected a row): the selected row is scrolled into view.
  const initialIndex = useRef(selectedIndex);
  useEffect(() => {
    if (initialIndex.current >= 0) virtualizer.scrollToIndex(initialIndex.current, { align: 'center' });
  }, [virtualizer]);
  const rowDomId = (index: number) => `${gridId}-row-${index}`;

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    // Keys on a control inside the grid (a column's sort button) are that control's own.
    if (event.target !== event.currentTarget) return;
    // Shift+arrows, Space, Ctrl+A, Ctrl+C, Delete and the menu keys act on the selection.
    const moveTo = (delta: number): string | null => {
      const next = ids[Math.min(ids.length - 1, Math.max(0, selectedIndex + delta))] ?? null;
      if (next !== null) virtualizer.scrollToIndex(ids.indexOf(next), { align: 'auto' });
      return next;
    };
    if (actions.onKeyDown(event, moveTo)) return;
    const delta = MOVES[event.key];
    if (delta !== undefined) {
      event.preventDefault();
      const id = moveSelection(store, ids, delta);
      if (id !== null) virtualizer.scrollToIndex(ids.indexOf(id), { align: 'auto' });
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (selectedIndex < 0) moveSelection(store, ids, 0);
      document.getElementById(DETAIL_PANE_ID)?.focus();
    } else if (event.key.toLowerCase() === 'r' && !event.ctrlKey && !event.altKey && !event.metaKey) {
      event.preventDefault();
      void rescan(store, host);
    }
  };

  return (
    <div className="table-area">
      <div
        role="grid"
        className={rows.length === 0 ? 'grid grid--empty' : 'grid'}
        aria-label="Shared memory segments"
        aria-rowcount={rows.length + 1}
        aria-colcount={columns.length}
        aria-multiselectable="true"
        aria-activedescendant={selectedIndex >= 0 ? rowDomId(selectedIndex) : undefined}
        tabIndex={0}
        id={SEGMENT_TABLE_ID}
        data-testid="segment-table"
        ref={gridRef}
        // Set through the CSSOM, which the CSP's style-src allows (unlike style attributes in markup).
        style={{ '--grid-columns': gridTemplate(layout), '--grid-width': `${layoutWidth(layout)}px` } as CSSProperties}
        onKeyDown={onKeyDown}
        onContextMenu={actions.onGridContextMenu}
      >
        <div ref={scrollRef} className="grid__scroll">
          <TableHead />
          <div className="grid__body" role="rowgroup" style={{ height: virtualizer.getTotalSize() - HEAD_HEIGHT }}>
            {virtualizer.getVirtualItems().map((item) => {
              const row = rows[item.index];
              if (!row) return null;
              return (
                <SegmentRow
                  key={row.id}
                  row={row}
                  domId={rowDomId(item.index)}
                  rowIndex={item.index + 2}
                  selected={selectedIds.has(row.id)}
                  now={now}
                  top={item.start - HEAD_HEIGHT}
                  height={item.size}
                  onSelect={actions.onRowClick}
                  onContextMenu={actions.onRowContextMenu}
                />
              );
            })}
          </div>
        </div>
      </div>
      {rows.length === 0 && <TableEmpty />}
      {actions.element}
    </div>
  );
}
