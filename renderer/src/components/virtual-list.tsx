import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, type ReactNode } from 'react';

const ROW_HEIGHT = 28;

/**
 * A list of any length in a box of bounded height: only the rows in view are in the DOM
 * (react-virtual, as the table does), so a plan of 5,000 rows keeps the dialog's buttons
 * in view and renders as fast as a plan of five.
 */
export function VirtualList<T>({
  items,
  keyOf,
  renderRow,
  label,
  testId,
}: {
  items: readonly T[];
  keyOf: (item: T) => string;
  renderRow: (item: T) => ReactNode;
  label: string;
  testId?: string;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
    getItemKey: (index) => {
      const item = items[index];
      return item === undefined ? index : keyOf(item);
    },
  });
  return (
    <div ref={scrollRef} className="virtual-list" role="list" aria-label={label} data-testid={testId} tabIndex={0}>
      <div className="virtual-list__body" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((row) => {
          const item = items[row.index];
          if (item === undefined) return null;
          return (
            <div
              key={row.key}
              role="listitem"
              className="virtual-list__row"
              // Geometry through the CSSOM, which the CSP's style-src allows.
              style={{ transform: `translateY(${row.start}px)`, height: row.size }}
            >
              {renderRow(item)}
            </div>
          );
        })}
      </div>
    </div>
  );
}
