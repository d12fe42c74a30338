/** What the user does to the table's columns: plain functions, like actions.ts. */
import { DEFAULT_LAYOUT, withHidden, withWidth, type ColumnKey } from './column-layout';
import type { InspectorStore } from './inspector-store';

export function resizeColumn(store: InspectorStore, key: ColumnKey, width: number): void {
  store.setState((state) => {
    const columns = withWidth(state.columns, key, width);
    return columns === state.columns ? state : { columns };
  });
}

export function setColumnHidden(store: InspectorStore, key: ColumnKey, hidden: boolean): void {
  store.setState((state) => {
    const columns = withHidden(state.columns, key, hidden);
    return columns === state.columns ? state : { columns };
  });
}

export function resetColumns(store: InspectorStore): void {
  store.setState({ columns: DEFAULT_LAYOUT });
}
