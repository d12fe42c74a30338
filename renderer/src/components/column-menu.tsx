import { useId, useRef, useState, type FocusEvent, type KeyboardEvent } from 'react';
import { resetColumns, setColumnHidden } from '../store/column-actions';
import { canHide, COLUMN_KEYS } from '../store/column-layout';
import { useInspector, useInspectorStore } from '../store/store-context';
import { COLUMN_BY_KEY } from './table-columns';

/**
 * Which columns the table shows, as a disclosure: a button that opens a list of
 * checkboxes (Tab moves through them, Space toggles), and a reset of widths and columns.
 * Escape, or focus leaving it, closes it; Escape gives focus back to the button.
 */
export function ColumnMenu() {
  const store = useInspectorStore();
  const hidden = useInspector((state) => state.columns.hidden);
  const [open, setOpen] = useState(false);
  const id = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'Escape' || !open) return;
    // Handled here: the table's Escape (back to the grid) leaves it alone.
    event.preventDefault();
    setOpen(false);
    buttonRef.current?.focus();
  };
  const onBlur = (event: FocusEvent<HTMLDivElement>) => {
    if (!event.currentTarget.contains(event.relatedTarget)) setOpen(false);
  };

  return (
    <div className="column-menu" onKeyDown={onKeyDown} onBlur={onBlur}>
      <button
        ref={buttonRef}
        type="button"
        aria-expanded={open}
        aria-controls={`${id}-panel`}
        data-testid="column-menu-button"
        onClick={() => setOpen(!open)}
      >
        Columns {open ? '▴' : '▾'}
      </button>
      {open && (
        <div
          id={`${id}-panel`}
          className="column-menu__panel"
          role="group"
          aria-label="Columns shown"
          data-testid="column-menu"
        >
          {COLUMN_KEYS.map((key) => (
            <label key={key} className="column-menu__item">
              <input
                type="checkbox"
                checked={!hidden.includes(key)}
                disabled={!canHide(key)}
                data-testid={`column-toggle-${key}`}
                onChange={(event) => setColumnHidden(store, key, !event.target.checked)}
              />{' '}
              {COLUMN_BY_KEY[key].label}
            </label>
          ))}
          <button type="button" data-testid="column-reset" onClick={() => resetColumns(store)}>
            Reset columns
          </button>
        </div>
      )}
    </div>
  );
}
