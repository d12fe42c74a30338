import { useEffect, useRef, type KeyboardEvent } from 'react';

export interface MenuEntry {
  id: string;
  label: string;
  /** The key that does the same from the table, shown beside the label. */
  shortcut?: string;
  /** Why it cannot be done now, or null when it can. */
  disabled: string | null;
  run: () => void;
}

/**
 * The rows' context menu (right-click, the Menu key, Shift+F10): an ARIA menu whose first
 * item takes focus; arrows move, Enter or Space runs, Escape or a click elsewhere closes
 * it and gives focus back.
 */
export function RowMenu({
  entries,
  x,
  y,
  onClose,
}: {
  entries: MenuEntry[];
  x: number;
  y: number;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const menu = ref.current;
    if (!menu) return;
    // Keep it on screen: a right-click near the bottom opens it upwards.
    const rect = menu.getBoundingClientRect();
    menu.style.left = `${Math.max(0, Math.min(x, window.innerWidth - rect.width))}px`;
    menu.style.top = `${Math.max(0, Math.min(y, window.innerHeight - rect.height))}px`;
    menu.querySelector<HTMLElement>('[role="menuitem"]:not([aria-disabled="true"])')?.focus();
    const onPointer = (event: MouseEvent) => {
      if (!menu.contains(event.target as Node)) close.current();
    };
    document.addEventListener('mousedown', onPointer);
    return () => document.removeEventListener('mousedown', onPointer);
  }, [x, y]);

  const items = () => [...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const all = items();
    const index = all.indexOf(document.activeElement as HTMLElement);
    const step = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : 0;
    if (step !== 0) {
      event.preventDefault();
      all[(index + step + all.length) % all.length]?.focus();
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      (event.key === 'Home' ? all[0] : all[all.length - 1])?.focus();
    } else if (event.key === 'Escape' || event.key === 'Tab') {
      event.preventDefault();
      event.stopPropagation();
      onClose();
    }
  };

  return (
    <div
      ref={ref}
      className="row-menu"
      role="menu"
      aria-label="Row actions"
      data-testid="row-menu"
      onKeyDown={onKeyDown}
      // Shift+F10 or the Menu key may send the browser's contextmenu event here once focus has moved in.
      onContextMenu={(event) => event.preventDefault()}
    >
      {entries.map((entry) => (
        <div
          key={entry.id}
          role="menuitem"
          tabIndex={-1}
          className="row-menu__item"
          data-testid={`row-menu-${entry.id}`}
          aria-disabled={entry.disabled !== null}
          title={entry.disabled ?? undefined}
          onClick={() => {
            if (entry.disabled !== null) return;
            onClose();
            entry.run();
          }}
          onKeyDown={(event) => {
            if (event.key !== 'Enter' && event.key !== ' ') return;
            event.preventDefault();
            if (entry.disabled !== null) return;
            onClose();
            entry.run();
          }}
        >
          <span>{entry.label}</span>
          {entry.shortcut && <kbd className="row-menu__key">{entry.shortcut}</kbd>}
        </div>
      ))}
    </div>
  );
}
