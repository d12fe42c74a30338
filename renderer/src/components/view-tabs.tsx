import { useRef, type KeyboardEvent, type ReactNode } from 'react';

export interface ViewTab<Id extends string> {
  id: Id;
  label: string;
  panel: ReactNode;
}

interface ViewTabsProps<Id extends string> {
  tabs: readonly ViewTab<Id>[];
  active: Id;
  onSelect: (id: Id) => void;
}

/**
 * The app's views (segments, processes...) as an ARIA tablist: one panel shown at a time,
 * arrow keys, Home and End move between tabs (WAI-ARIA tabs pattern, automatic activation).
 */
export function ViewTabs<Id extends string>({ tabs, active, onSelect }: ViewTabsProps<Id>) {
  const buttons = useRef(new Map<Id, HTMLButtonElement>());
  const index = Math.max(
    0,
    tabs.findIndex((tab) => tab.id === active),
  );
  const current = tabs[index];

  const onKeyDown = (event: KeyboardEvent) => {
    const step = { ArrowRight: 1, ArrowLeft: -1, Home: -index, End: tabs.length - 1 - index }[event.key];
    if (step === undefined) return;
    event.preventDefault();
    const next = tabs[(index + step + tabs.length) % tabs.length];
    if (!next) return;
    onSelect(next.id);
    buttons.current.get(next.id)?.focus();
  };

  return (
    <>
      <div className="view-tabs" role="tablist" aria-label="Views" onKeyDown={onKeyDown}>
        {tabs.map((tab) => (
          <button
            key={tab.id}
            ref={(button) => {
              if (button) buttons.current.set(tab.id, button);
              else buttons.current.delete(tab.id);
            }}
            type="button"
            role="tab"
            id={`tab-${tab.id}`}
            aria-selected={tab.id === current?.id}
            aria-controls={`view-${tab.id}`}
            tabIndex={tab.id === current?.id ? 0 : -1}
            data-testid={`tab-${tab.id}`}
            className="view-tabs__tab"
            onClick={() => onSelect(tab.id)}
          >
            {tab.label}
          </button>
        ))}
      </div>
      {current && (
        <div
          className="view-tabs__panel"
          role="tabpanel"
          id={`view-${current.id}`}
          aria-labelledby={`tab-${current.id}`}
        >
          {current.panel}
        </div>
      )}
    </>
  );
}
