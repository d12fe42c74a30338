import type { InspectorItem } from '../../../protocol/channels';
import { toRow } from '../store/rows';
import { selectSelectedItem } from '../store/selectors';
import { useInspector } from '../store/store-context';
import { AttachedList } from './attached-list';
import { FindingsList } from './findings-list';
import { ItemFacts } from './item-facts';
import { MarkerView } from './marker-view';
import { OwnerView } from './owner-view';
import { PoolView } from './pool-view';
import { StateBadge } from './state-badge';
import { VisibleText } from './visible-text';

/** Where Enter in the table moves focus. */
export const DETAIL_PANE_ID = 'detail-pane';

/** Everything known about the selected item. */
export function DetailPane() {
  const item = useInspector(selectSelectedItem);
  return (
    <section
      id={DETAIL_PANE_ID}
      className="detail"
      data-testid="detail-pane"
      tabIndex={-1}
      aria-label="Details"
      // Escape here goes back to the table (table-keys.ts).
      data-escape-to-table
    >
      {item ? (
        <ItemDetail item={item} />
      ) : (
        <p className="detail__empty">Select a segment to see its marker, its owner, who maps it and its pool.</p>
      )}
    </section>
  );
}

function ItemDetail({ item }: { item: InspectorItem }) {
  const row = toRow(item);
  return (
    <>
      <h2 className="detail__title">
        <span className="detail__name" data-testid="detail-name">
          <VisibleText text={row.name} name />
        </span>{' '}
        <StateBadge state={row.state} reason={row.reason} />
      </h2>
      <p className="detail__reason">
        <VisibleText text={row.reason} />
      </p>
      <ItemFacts row={row} />
      {item.type === 'segment' && (
        <>
          {item.segment.error && (
            <p className="detail__error" role="alert">
              Part of this entry could not be read: {item.segment.error.code} (
              <VisibleText text={item.segment.error.message} />)
            </p>
          )}
          <OwnerView segment={item.segment} />
          <MarkerView marker={item.segment.marker} />
        </>
      )}
      {item.type === 'memfd' && item.memfd.unreadable && (
        <p className="detail__error">
          <VisibleText text={item.memfd.unreadable} />
        </p>
      )}
      <AttachedList processes={row.attached} unknown={row.holdersUnknown} />
      {item.type === 'segment' && <PoolView itemId={item.id} decode={item.segment.pool} />}
      {item.type === 'memfd' && <PoolView itemId={item.id} decode={item.memfd.pool} />}
      <FindingsList subject={row.name} />
    </>
  );
}
