import { viewAsCsv, viewAsJson } from '../store/export-view';
import { useInspectorStore } from '../store/store-context';

/** Hands `text` to the browser as a file to save: the page makes it, nothing is fetched. */
function download(text: string, file: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file;
  link.click();
  // After the click has started the download; revoking at once can cancel it in Chromium.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name that says when: shm-inspector-2026-12-04-21-05-03.csv. */
function fileName(now: number, extension: string): string {
  const stamp = new Date(now).toISOString().slice(0, 19).replace(/[T:]/g, '-');
  return `shm-inspector-${stamp}.${extension}`;
}

/** Saves the table as shown (filter and order) as CSV or JSON. */
export function ExportButtons() {
  const store = useInspectorStore();
  return (
    <span className="export-buttons" role="group" aria-label="Export the rows shown">
      <button
        type="button"
        data-testid="export-csv"
        title="Save the rows shown as CSV, as the table shows them"
        onClick={() => download(viewAsCsv(store.getState()), fileName(Date.now(), 'csv'), 'text/csv')}
      >
        Export CSV
      </button>
      <button
        type="button"
        data-testid="export-json"
        title="Save the rows shown as JSON, each with everything the engine knows of it"
        onClick={() => {
          const now = Date.now();
          download(viewAsJson(store.getState(), now), fileName(now, 'json'), 'application/json');
        }}
      >
        Export JSON
      </button>
    </span>
  );
}
