import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InspectorItem } from '../../../protocol/channels';
import { segment, segmentItem } from '../test-support/fixtures';
import { patchItems, type ItemMap } from './item-map';

// More ids than a layer holds before it is folded into a new base (128 changes and up).
const IDS = Array.from({ length: 300 }, (_, i) => `pulse-shm-${i}`);
const item = (name: string, size: number): InspectorItem => segmentItem(segment(name, { size }));

const change = fc.record({
  removals: fc.array(
    fc.constantFrom(...IDS).map((name) => `seg:${name}`),
    { maxLength: 8 },
  ),
  upserts: fc.array(
    fc.tuple(fc.constantFrom(...IDS), fc.nat(1000)).map(([name, size]) => item(name, size)),
    { maxLength: 16, size: 'max' },
  ),
});

/** What applyPatch did before: copy the Map, delete, set. */
function mapAfter(map: ReadonlyMap<string, InspectorItem>, removals: string[], upserts: InspectorItem[]) {
  const next = new Map(map);
  for (const id of removals) next.delete(id);
  for (const value of upserts) next.set(value.id, value);
  return next;
}

describe('ItemMap', () => {
  it('after any sequence of removals and upserts, holds what a copied Map holds, in the same order', () => {
    fc.assert(
      fc.property(fc.array(change, { minLength: 40, maxLength: 120 }), (changes) => {
        let items: ReadonlyMap<string, InspectorItem> = new Map();
        let model: ReadonlyMap<string, InspectorItem> = new Map();
        const kept: [ItemMap, [string, InspectorItem][]][] = [];
        for (const { removals, upserts } of changes) {
          const next = patchItems(items, removals, upserts);
          model = mapAfter(model, removals, upserts);
          expect([...next.entries()]).toEqual([...model.entries()]);
          expect([...next.keys()]).toEqual([...model.keys()]);
          expect([...next.values()]).toEqual([...model.values()]);
          expect(next.size).toBe(model.size);
          for (const id of [...removals, ...upserts.map((value) => value.id), 'seg:never-there']) {
            expect(next.get(id)).toBe(model.get(id));
            expect(next.has(id)).toBe(model.has(id));
          }
          kept.push([next, [...model.entries()]]);
          items = next;
        }
        // Every earlier map still holds what it held: a patch never changes the state it applies to.
        for (const [map, entries] of kept) expect([...map]).toEqual(entries);
      }),
      { numRuns: 50 },
    );
  });
});
