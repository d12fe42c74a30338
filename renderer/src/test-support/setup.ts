/**
 * What jsdom lacks for the renderer's component tests: layout sizes (the virtualized
 * table renders nothing in a 0-pixel viewport), scrolling (jsdom has no layout to scroll:
 * scrollIntoView is a no-op here; Playwright checks the real one), matchMedia (uPlot reads it when it loads)
 * and a canvas (uPlot draws on one), so uPlot is replaced by a recorder.
 */
import { cleanup } from '@testing-library/react';
import { afterEach, vi } from 'vitest';

afterEach(() => cleanup());

Object.defineProperties(HTMLElement.prototype, {
  clientHeight: { configurable: true, get: () => 600 },
  clientWidth: { configurable: true, get: () => 800 },
});
Element.prototype.scrollIntoView = function scrollIntoView() {};

vi.mock('uplot', async () => ({ default: (await import('./fake-uplot')).FakeUPlot }));
