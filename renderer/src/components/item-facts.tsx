import type { Row } from '../store/rows';
import { cellText, KIND_LABELS } from './table-columns';

/** The table's columns for one item, as a definition list. */
export function ItemFacts({ row }: { row: Row }) {
  return (
    <dl className="facts">
      <dt>Kind</dt>
      <dd>{KIND_LABELS[row.kind]}</dd>
      <dt>Size (file / allocated)</dt>
      <dd>{cellText.size(row)}</dd>
      <dt>Mode / uid</dt>
      <dd>{cellText.mode(row)}</dd>
      <dt>Age</dt>
      <dd>{cellText.age(row, Date.now())}</dd>
    </dl>
  );
}
