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
