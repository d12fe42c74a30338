import { useRef, type KeyboardEvent, type PointerEvent } from 'react';
import { resizeColumn } from '../store/column-actions';
import { DEFAULT_WIDTHS, MAX_WIDTH, MIN_WIDTHS, type ColumnKey } from '../store/column-layout';
import { useInspector, useInspectorStore } from '../store/store-context';

/** Pixels an arrow key moves a column's edge; with Shift, more. */
const STEP = 16;
const BIG_STEP = 64;

/**
 * The right edge of a column's header: drag it, or focus it and press the arrow keys, to
 * make the column narrower or wider; Home restores its default width. A focusable ARIA
 * separator, the window-splitter pattern, so a screen reader says its width.
 */
export function ColumnResizer({ column, label }: { column: ColumnKey; label: string }) {
  const store = useInspectorStore();
  const width = useInspector((state) => state.columns.widths[column]);
  const drag = useRef<{ startX: number; startWidth: number } | null>(null);

  /** The width as laid out (the name column grows past its own): what a drag or a key starts from. */
  const shownWidth = (handle: HTMLElement): number => handle.parentElement?.getBoundingClientRect().width || width;

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { startX: event.clientX, startWidth: shownWidth(event.currentTarget) };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const start = drag.current;
    if (start) resizeColumn(store, column, start.startWidth + event.clientX - start.startX);
  };
  const onPointerEnd = (event: PointerEvent<HTMLDivElement>) => {
    drag.current = null;
    if (event.currentTarget.hasPointerCapture(event.pointerId))
      event.currentTarget.releasePointerCapture(event.pointerId);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.shiftKey ? BIG_STEP : STEP;
    const from = shownWidth(event.currentTarget);
    const next =
      event.key === 'ArrowRight'
        ? from + step
        : event.key === 'ArrowLeft'
          ? from - step
          : event.key === 'Home'
            ? DEFAULT_WIDTHS[column]
            : null;
    if (next === null) return;
    event.preventDefault();
    resizeColumn(store, column, next);
  };

  return (
    <div
      role="separator"
      aria-orientation="vertical"
      aria-label={`Resize ${label}`}
      aria-valuenow={width}
      aria-valuemin={MIN_WIDTHS[column]}
      aria-valuemax={MAX_WIDTH}
      title={`Drag, or focus and press ← →, to resize ${label}; Home restores it`}
      tabIndex={0}
      className="column-resizer"
      data-testid={`resize-${column}`}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerEnd}
      onPointerCancel={onPointerEnd}
      onKeyDown={onKeyDown}
      onClick={(event) => event.stopPropagation()}
    />
  );
}
