/**
 * The table's keyboard, beyond the grid's own arrows (segment-table.tsx): `/` or Ctrl+F
 * to the search field, Escape from the filters or the detail pane back to the table, R in
 * the table to rescan. Said in the controls' tooltips and in the README.
 */
import { useEffect } from 'react';

/** The elements the keys move focus to. */
export const SEARCH_FIELD_ID = 'segment-search';
export const SEGMENT_TABLE_ID = 'segment-table';

/** Where the tooltips tell of the rescan key. */
export const RESCAN_KEY_HINT = 'R in the table';
export const SEARCH_KEY_HINT = '/ or Ctrl+F';

/** Whether typing a `/` there is typing text, not a shortcut. */
function takesText(element: Element | null): boolean {
  if (!(element instanceof HTMLElement)) return false;
  if (element.isContentEditable) return true;
  return (
    element instanceof HTMLInputElement ||
    element instanceof HTMLTextAreaElement ||
    element instanceof HTMLSelectElement
  );
}

/** Whether Escape at `element` goes back to the table: from the filters and the detail pane. */
function returnsToTable(element: Element | null): boolean {
  return element instanceof HTMLElement && element.closest('[data-escape-to-table]') !== null;
}

export function focusTable(): void {
  document.getElementById(SEGMENT_TABLE_ID)?.focus();
}

/**
 * Listens on the document while `enabled` (not while a dialog is open: its keys are its own).
 * A key a control has already handled (a column menu closing on Escape) is left alone.
 */
export function useTableKeys(enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || event.metaKey) return;
      const search = document.getElementById(SEARCH_FIELD_ID);
      const findKey = event.ctrlKey && !event.shiftKey && event.key.toLowerCase() === 'f';
      const slash = !event.ctrlKey && event.key === '/' && !takesText(document.activeElement);
      if ((findKey || slash) && search instanceof HTMLInputElement) {
        event.preventDefault();
        search.focus();
        search.select();
      } else if (event.key === 'Escape' && !event.ctrlKey && returnsToTable(document.activeElement)) {
        // Chromium's own Escape in a search field would empty it: the filter stays, only focus moves.
        event.preventDefault();
        focusTable();
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [enabled]);
}
