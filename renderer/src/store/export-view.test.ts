import { describe, expect, it } from 'vitest';
import { formatTime } from '../../../protocol/format';
import { fullPatch, memfdItem, NOW, segment, segmentItem, staleSegment } from '../test-support/fixtures';
import { setFilter } from './actions';
import { applyPatch } from './apply-patch';
import { csvField, viewAsCsv, viewAsJson, type ViewExport } from './export-view';
import { createInspectorStore, initialState } from './inspector-store';

function storeWith() {
  const state = applyPatch(
    initialState(),
    fullPatch([
      segmentItem(segment('pulse-shm-1', { birthTime: NOW })),
      segmentItem(staleSegment('pulse-shm-2')),
      segmentItem(segment('=HYPERLINK("x"),evil', { state: 'foreign', marker: null, owner: null, attached: [] })),
      segmentItem(segment('odd\udcff', { state: 'foreign', marker: null, owner: null, attached: [] })),
      memfdItem(77),
    ]),
  );
  return createInspectorStore(state);
}

describe('export of the view', () => {
  it('writes one CSV line per row shown, in the table’s order and under its filter', () => {
    const store = storeWith();
    setFilter(store, { kind: 'pulse' });
    const lines = viewAsCsv(store.getState()).split('\r\n');
    expect(lines[0]).toBe('name,kind,state,reason,size,allocated,mode,uid,owner_pid,owner_program,attached,created');
    expect(lines.slice(1, -1).map((line) => line.split(',')[0])).toEqual(['pulse-shm-1', 'pulse-shm-2']);
    expect(lines[1]).toContain(`,0700,1000,3349,pulseaudio,3349:rw,${formatTime(NOW, { date: true })}`);
    expect(lines.at(-1)).toBe('');
  });

  it('quotes what needs quoting, defuses formulas and shows hostile bytes as the table does', () => {
    expect(csvField('a "b", c')).toBe('"a ""b"", c"');
    expect(csvField('=HYPERLINK("x"),evil')).toBe('"\'=HYPERLINK(""x""),evil"');
    expect(csvField('-1+1')).toBe("'-1+1");
    expect(csvField('odd\udcff')).toBe('odd\\xff');
    expect(csvField('two\nlines')).toBe('two\\x0alines');
    expect(csvField(42)).toBe('42');
    expect(csvField(null)).toBe('');
  });

  it('writes the items shown as JSON, each whole and exact, with the filter and sort it was shown under', () => {
    const store = storeWith();
    setFilter(store, { kind: 'other' });
    const view = JSON.parse(viewAsJson(store.getState(), NOW)) as ViewExport;
    expect(view.exportedAt).toBe(NOW);
    expect(view.filter.kind).toBe('other');
    expect(view.items.map((item) => item.id)).toEqual(['seg:=HYPERLINK("x"),evil', 'seg:odd\udcff']);
    expect(view.items[1]).toEqual(
      segmentItem(segment('odd\udcff', { state: 'foreign', marker: null, owner: null, attached: [] })),
    );
  });
});
