/**
 * The live state's items by id, as a map that a patch derives from the previous one without
 * copying it. Copying a 10,000-entry Map on every patch cost about a millisecond, more than
 * everything else a one-segment patch does; here a patch copies only the layer of changes
 * made since the last compaction, and folds it into a new base once that layer grows past
 * a small fraction of the map. Every map stays as it was made: states are values.
 */
import type { InspectorItem } from '../../../protocol/channels';

type Items = ReadonlyMap<string, InspectorItem>;

/** Changes kept in a layer before they are folded into a new base: a few hundred at 10,000 items. */
const layerLimit = (size: number): number => 128 + size / 64;

export class ItemMap implements Items {
  private constructor(
    /** Never changed once made. */
    private readonly base: Items,
    /** Items of the base given a new value, in the base's order. */
    private readonly replaced: Items,
    /** Ids of the base removed, or removed and set again (then in `added`). */
    private readonly removed: ReadonlySet<string>,
    /** Ids not in the base, or set again after their removal, in the order they were set. */
    private readonly added: Items,
  ) {}

  static of(items: Iterable<InspectorItem>): ItemMap {
    // Set one by one: a snapshot of 100,000 items made 100,000 [id, item] pairs to build it from.
    const base = new Map<string, InspectorItem>();
    for (const item of items) base.set(item.id, item);
    return new ItemMap(base, new Map(), new Set(), new Map());
  }

  /** Whether no change is layered on the base: then reading it is reading the base. */
  private get flat(): boolean {
    return this.replaced.size === 0 && this.removed.size === 0 && this.added.size === 0;
  }

  get size(): number {
    return this.base.size - this.removed.size + this.added.size;
  }

  get(id: string): InspectorItem | undefined {
    const added = this.added.get(id);
    if (added !== undefined || this.removed.has(id)) return added;
    return this.replaced.get(id) ?? this.base.get(id);
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  /** The map after deleting `removals`, then setting `upserts`, with the order a Map would give them. */
  with(removals: Iterable<string>, upserts: Iterable<InspectorItem>): ItemMap {
    const replaced = new Map(this.replaced);
    const removed = new Set(this.removed);
    const added = new Map(this.added);
    const inBase = (id: string): boolean => this.base.has(id) && !removed.has(id);
    for (const id of removals) {
      if (added.delete(id)) continue;
      if (inBase(id)) {
        removed.add(id);
        replaced.delete(id);
      }
    }
    for (const item of upserts) {
      if (!added.has(item.id) && inBase(item.id)) replaced.set(item.id, item);
      else added.set(item.id, item);
    }
    const next = new ItemMap(this.base, replaced, removed, added);
    return replaced.size + removed.size + added.size > layerLimit(this.base.size) ? ItemMap.of(next.values()) : next;
  }

  entries(): MapIterator<[string, InspectorItem]> {
    return this.flat ? this.base.entries() : this.layeredEntries();
  }

  private *layeredEntries(): MapIterator<[string, InspectorItem]> {
    for (const [id, item] of this.base) {
      if (!this.removed.has(id)) yield [id, this.replaced.get(id) ?? item];
    }
    yield* this.added;
  }

  keys(): MapIterator<string> {
    return this.flat ? this.base.keys() : this.layeredKeys();
  }

  private *layeredKeys(): MapIterator<string> {
    for (const [id] of this.layeredEntries()) yield id;
  }

  /** The items in order; straight from the base when nothing is layered on it (a snapshot's 100,000 rows are read so). */
  values(): MapIterator<InspectorItem> {
    return this.flat ? this.base.values() : this.layeredValues();
  }

  private *layeredValues(): MapIterator<InspectorItem> {
    for (const [, item] of this.layeredEntries()) yield item;
  }

  [Symbol.iterator](): MapIterator<[string, InspectorItem]> {
    return this.entries();
  }

  forEach(callback: (item: InspectorItem, id: string, map: Items) => void, thisArg?: unknown): void {
    for (const [id, item] of this.entries()) callback.call(thisArg, item, id, this);
  }
}

/** `items` after a patch's removals and upserts, sharing what it can with `items`. */
export function patchItems(items: Items, removals: Iterable<string>, upserts: Iterable<InspectorItem>): ItemMap {
  return (items instanceof ItemMap ? items : ItemMap.of(items.values())).with(removals, upserts);
}
