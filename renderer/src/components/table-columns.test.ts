import { describe, expect, it } from 'vitest';
import { toRow } from '../store/rows';
import { segmentItem, staleSegment } from '../test-support/fixtures';
import { cellText } from './table-columns';

describe('cellText.attached', () => {
  it('adds "?" when some process that could hold the segment was not inspected, and says why in the title', () => {
    const reason = 'holders unknown: 2 processes that could have opened it could not be inspected';
    const row = toRow(segmentItem(staleSegment('pulse-shm-2', { attached: [], holdersIncomplete: reason })));
    expect(cellText.attached(row)).toBe('?');
    expect(cellText.attachedTitle(row)).toBe(reason);
    expect(cellText.attached(toRow(segmentItem(staleSegment('pulse-shm-3', { attached: [] }))))).toBe('—');
  });
});

describe('cellText.owner', () => {
  it('says "(not seen)" for an owner that could not be inspected (unverifiable), "(gone)" only when it has exited', () => {
    const unverifiable = staleSegment('pulse-shm-4', {
      state: 'unverifiable',
      reason: 'we run in a child PID namespace; PID 4242 may be a live process outside it',
    });
    expect(cellText.owner(toRow(segmentItem(unverifiable)))).toBe('4242 (not seen)');
    expect(cellText.owner(toRow(segmentItem(staleSegment('pulse-shm-5'))))).toBe('4242 (gone)');
  });
});
