import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { Dialog } from './dialog';

function renderDialog(onClose = vi.fn()) {
  render(
    <>
      <button type="button">outside</button>
      <Dialog title="Clean up" testId="dialog" onClose={onClose}>
        <input aria-label="first" />
        <button type="button" disabled>
          disabled
        </button>
        <button type="button">last</button>
      </Dialog>
    </>,
  );
  return onClose;
}

describe('Dialog', () => {
  it('moves focus to its first control when it opens', () => {
    renderDialog();
    expect(document.activeElement).toBe(screen.getByLabelText('first'));
  });

  it('keeps Tab inside: from the last control to the first, and Shift+Tab from the first to the last', () => {
    renderDialog();
    const first = screen.getByLabelText('first');
    const last = screen.getByText('last');
    last.focus();
    fireEvent.keyDown(last, { key: 'Tab' });
    expect(document.activeElement).toBe(first);
    fireEvent.keyDown(first, { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(last);
  });

  it('leaves Tab between its own controls to the browser', () => {
    renderDialog();
    const first = screen.getByLabelText('first');
    const event = fireEvent.keyDown(first, { key: 'Tab' });
    expect(event).toBe(true); // not prevented
  });

  it('closes on Escape', () => {
    const onClose = renderDialog();
    fireEvent.keyDown(screen.getByLabelText('first'), { key: 'Escape' });
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('still closes on Escape and takes Tab back when the focused control went away (focus fell to <body>)', () => {
    const onClose = renderDialog();
    const last = screen.getByText('last');
    last.focus();
    last.remove(); // as a submit button replaced by the result does
    expect(document.activeElement).toBe(document.body);
    fireEvent.keyDown(document.body, { key: 'Tab' });
    expect(document.activeElement).toBe(screen.getByLabelText('first'));
    screen.getByLabelText('first').blur();
    fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
