import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_BOUNDS, loadBounds, saveBounds } from './window-state';

const dir = mkdtempSync(path.join(tmpdir(), 'shm-inspector-window-'));
afterEach(() => rmSync(path.join(dir, 'state.json'), { force: true }));

describe('window state', () => {
  const file = path.join(dir, 'state.json');

  it('remembers size and position', () => {
    saveBounds(file, { x: 10, y: 20, width: 900, height: 700 });
    expect(loadBounds(file)).toEqual({ x: 10, y: 20, width: 900, height: 700 });
  });

  it('falls back to the default for a missing, damaged or absurd file', () => {
    expect(loadBounds(file)).toEqual(DEFAULT_BOUNDS);
    writeFileSync(file, '{not json');
    expect(loadBounds(file)).toEqual(DEFAULT_BOUNDS);
    writeFileSync(file, JSON.stringify({ width: 10, height: 10 }));
    expect(loadBounds(file)).toEqual(DEFAULT_BOUNDS);
  });
});
