import { fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { ViewTabs, type ViewTab } from './view-tabs';

type Id = 'one' | 'two' | 'three';
const tabs: ViewTab<Id>[] = [
  { id: 'one', label: 'One', panel: <p>first panel</p> },
  { id: 'two', label: 'Two', panel: <p>second panel</p> },
  { id: 'three', label: 'Three', panel: <p>third panel</p> },
];

function Tabs() {
  const [active, setActive] = useState<Id>('one');
  return <ViewTabs tabs={tabs} active={active} onSelect={setActive} />;
}

describe('ViewTabs', () => {
  it('shows the active tab panel only, labelled by its tab', () => {
    render(<Tabs />);
    expect(screen.getByRole('tabpanel', { name: 'One' }).textContent).toBe('first panel');
    expect(screen.queryByText('second panel')).toBeNull();
    fireEvent.click(screen.getByRole('tab', { name: 'Two' }));
    expect(screen.getByRole('tabpanel', { name: 'Two' }).textContent).toBe('second panel');
    expect(screen.getByRole('tab', { name: 'Two' }).getAttribute('aria-selected')).toBe('true');
  });

  it('moves with the arrow keys, Home and End, wrapping, and one tab stop', () => {
    render(<Tabs />);
    const tab = (name: string) => screen.getByRole('tab', { name });
    tab('One').focus();
    fireEvent.keyDown(tab('One'), { key: 'ArrowLeft' });
    expect(document.activeElement).toBe(tab('Three'));
    expect(screen.getByRole('tabpanel').textContent).toBe('third panel');
    fireEvent.keyDown(tab('Three'), { key: 'ArrowRight' });
    expect(document.activeElement).toBe(tab('One'));
    fireEvent.keyDown(tab('One'), { key: 'End' });
    expect(document.activeElement).toBe(tab('Three'));
    fireEvent.keyDown(tab('Three'), { key: 'Home' });
    expect(document.activeElement).toBe(tab('One'));
    expect(screen.getAllByRole('tab').map((button) => button.tabIndex)).toEqual([0, -1, -1]);
  });
});
