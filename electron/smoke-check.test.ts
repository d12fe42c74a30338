import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InspectorItem, Patch } from '../protocol/channels';
import { createSmokeCheck } from './smoke-check';

// Items are only counted by type here; their contents do not matter to the check.
const item = (type: InspectorItem['type']): InspectorItem =>
  ({ id: `${type}-${Math.random()}`, type }) as InspectorItem;
const snapshot = (items: InspectorItem[]): Patch => ({
  seq: 1,
  full: true,
  header: null,
  upserts: items,
  removals: [],
  samples: [],
});

function setup(timeoutMs?: number) {
  const finished: [string, number][] = [];
  const check = createSmokeCheck({
    electronVersion: '45.5.0',
    finish: (line, code) => finished.push([line, code]),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
  return { check, finished };
}

describe('createSmokeCheck', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('says ok once the page has loaded and the first snapshot was sent, counting its segments', () => {
    const { check, finished } = setup();
    check.patchSent(snapshot([item('segment'), item('segment'), item('memfd')]));
    expect(finished).toEqual([]);
    check.pageLoaded();
    expect(finished).toEqual([['shm-inspector smoke: ok (electron 45.5.0, 2 segments)', 0]]);
  });

  it('waits for a full snapshot in either order, and reports only once', () => {
    const { check, finished } = setup();
    check.pageLoaded();
    check.patchSent({ ...snapshot([item('segment')]), full: false });
    expect(finished).toEqual([]);
    check.patchSent(snapshot([]));
    check.patchSent(snapshot([item('segment')]));
    check.failed('later');
    vi.advanceTimersByTime(60_000);
    expect(finished).toEqual([['shm-inspector smoke: ok (electron 45.5.0, 0 segments)', 0]]);
  });

  it('fails with the reason, on one line', () => {
    const { check, finished } = setup();
    check.failed('the audit log cannot be opened:\n  EACCES');
    check.pageLoaded();
    check.patchSent(snapshot([]));
    expect(finished).toEqual([['shm-inspector smoke: failed: the audit log cannot be opened: EACCES', 1]]);
  });

  it('fails after 30 s, saying what did not happen', () => {
    const { finished } = setup();
    vi.advanceTimersByTime(29_999);
    expect(finished).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(finished).toEqual([["shm-inspector smoke: failed: the UI's page did not load within 30 s", 1]]);

    const loadedOnly = setup(5_000);
    loadedOnly.check.pageLoaded();
    vi.advanceTimersByTime(5_000);
    expect(loadedOnly.finished).toEqual([
      ['shm-inspector smoke: failed: the renderer was sent no state snapshot within 5 s (did it subscribe?)', 1],
    ]);
  });
});
