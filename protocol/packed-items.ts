/**
 * A patch's items as the WebSocket carries them (websocket-messages.ts): field by field
 * rather than object by object. As objects, a snapshot of 100,000 segments was 66 M chars
 * of JSON, about 660 a segment, most of them field names said again on every row and
 * values many rows share (a reason, an owner, a marker, a size); the server spent its time
 * writing them, the page parsing them. Packed, each field name is written once a patch,
 * each shared value once, and a segment's id, which repeats its name, not at all. Unpacking
 * gives back items equal to those packed, in the same order (values many rows share are
 * then one object: items are never changed in place). The CLI's JSON and Electron's IPC
 * carry the items as they are.
 */
import type { InspectorItem } from './channels';

type ItemType = InspectorItem['type'];
type Fields = Record<string, unknown>;

/**
 * One field of every row: the values in row order; or each distinct value once and each
 * row's index into them; or (for ids) a fixed prefix before the row's value of a field.
 */
export type PackedColumn =
  { values: unknown[] } | { distinct: unknown[]; at: number[] } | { prefix: string; field: string };

/** Rows that all have the same fields in the same order, as columns; otherwise the rows as they are. */
export type PackedTable = { length: number; fields: string[]; columns: PackedColumn[] } | { rows: Fields[] };

export interface PackedGroup {
  type: ItemType;
  ids: PackedColumn;
  /** Each item's body (`item.segment`, `item.memfd` or `item.deleted`). */
  bodies: PackedTable;
}

export interface PackedItems {
  groups: PackedGroup[];
  /** The items' order: runs of `count` items taken in turn from group `group`. */
  runs: { group: number; count: number }[];
}

/** A column is written as distinct values and indexes when at most this share of its rows differ. */
const DISTINCT_SHARE = 0.5;
/** Rows read before a column whose values mostly differ so far is written as plain values. */
const EARLY_ROWS = 256;
/**
 * Distinct objects of one column with the same fingerprint that are compared in full before
 * the column is written as plain values: bounds the comparisons where many objects differ
 * only past their first fields.
 */
const MAX_SAME_FINGERPRINT = 16;

const bodyOf = (item: InspectorItem): Fields => (item as unknown as Record<ItemType, Fields>)[item.type];

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;

/**
 * A cheap key that equal objects share: an array's length and its first element's key, an
 * object's first three fields that are not objects. Objects under one key are then compared
 * in full: writing each row's object as JSON to find the equal ones cost the server more
 * than writing the snapshot did.
 */
function fingerprint(value: object): string {
  if (Array.isArray(value)) {
    const first: unknown = value[0];
    return `[${value.length}:${isObject(first) ? fingerprint(first) : String(first)}`;
  }
  let key = '{';
  let taken = 0;
  for (const field in value) {
    const entry = (value as Fields)[field];
    if (isObject(entry)) continue;
    key += `${typeof entry}:${String(entry)}\u0000`;
    if (++taken === 3) break;
  }
  return key;
}

/** Whether two JSON values are equal, fields in the same order (JSON tells apart no less). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!isObject(a) || !isObject(b)) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let index = 0; index < a.length; index++) if (!sameValue(a[index], b[index])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keys = Object.keys(a);
  const others = Object.keys(b);
  if (keys.length !== others.length) return false;
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index] as string;
    if (key !== others[index] || !sameValue((a as Fields)[key], (b as Fields)[key])) return false;
  }
  return true;
}

function packColumn(values: unknown[]): PackedColumn {
  const limit = Math.floor(values.length * DISTINCT_SHARE);
  const primitives = new Map<unknown, number>();
  const objects = new Map<string, number[]>();
  const distinct: unknown[] = [];
  const at: number[] = new Array<number>(values.length);
  let row = 0;
  for (; row < values.length; row++) {
    const value = values[row];
    // Neighbouring rows often agree (a client's segments, one device, one mode): no lookup then.
    if (row > 0 && (value === values[row - 1] || sameValue(values[row - 1], value))) {
      at[row] = at[row - 1] as number;
      continue;
    }
    let index: number | undefined;
    let same: number[] | undefined;
    if (isObject(value)) {
      const key = fingerprint(value);
      same = objects.get(key);
      if (same === undefined) objects.set(key, (same = []));
      index = same.find((candidate) => sameValue(distinct[candidate], value));
      if (index === undefined && same.length >= MAX_SAME_FINGERPRINT) break;
    } else {
      index = primitives.get(value);
    }
    if (index === undefined) {
      // Past the first rows, a column whose values mostly differ so far is given up early.
      if (distinct.length >= limit || (row >= EARLY_ROWS && distinct.length > row * DISTINCT_SHARE)) break;
      index = distinct.push(value) - 1;
      if (same) same.push(index);
      else primitives.set(value, index);
    }
    at[row] = index;
  }
  if (row < values.length) return { values };
  return { distinct, at };
}

function unpackColumn(column: PackedColumn, length: number, rows: readonly Fields[]): unknown[] {
  if ('values' in column) return column.values;
  if ('distinct' in column) return column.at.map((index) => column.distinct[index]);
  const { prefix, field } = column;
  return Array.from({ length }, (_, row) => `${prefix}${String(rows[row]?.[field])}`);
}

/**
 * The rows' values field by field, or null when a row's fields are not `fields` in that
 * order. One pass of for-in, whose reads V8 serves from the shape's own cache: reading
 * each field of every row by name cost the server several times as much.
 */
function columnsOf(rows: readonly Fields[], fields: readonly string[]): unknown[][] | null {
  const columns = fields.map(() => new Array<unknown>(rows.length));
  for (let row = 0; row < rows.length; row++) {
    const fieldsOfRow = rows[row] as Fields;
    let field = 0;
    for (const key in fieldsOfRow) {
      if (key !== fields[field]) return null;
      (columns[field] as unknown[])[row] = fieldsOfRow[key];
      field++;
    }
    if (field !== fields.length) return null;
  }
  return columns;
}

function packTable(rows: Fields[]): PackedTable {
  const fields = rows[0] ? Object.keys(rows[0]) : [];
  const columns = columnsOf(rows, fields);
  if (columns === null) return { rows };
  return { length: rows.length, fields, columns: columns.map(packColumn) };
}

function unpackTable(table: PackedTable): Fields[] {
  if ('rows' in table) return table.rows;
  const { length, fields, columns } = table;
  // Rows read an indexed column's value through its index: expanding each such column
  // first made an array of 100,000 values per field for the collector.
  const sources = columns.map((column) => ('distinct' in column ? column.distinct : unpackColumn(column, length, [])));
  const indexes = columns.map((column) => ('distinct' in column ? column.at : null));
  const rows: Fields[] = new Array<Fields>(length);
  // Each row starts as a copy of an object that already has every field (JSON.parse lays
  // them out inside the object): adding 21 fields one by one regrew each row's field
  // store several times, and the collector then took more time than the unpacking.
  const template = JSON.parse(JSON.stringify(Object.fromEntries(fields.map((field) => [field, 0])))) as Fields;
  for (let row = 0; row < length; row++) {
    const body: Fields = { ...template };
    for (let field = 0; field < fields.length; field++) {
      const source = sources[field] as unknown[];
      const at = indexes[field];
      body[fields[field] as string] = at ? source[at[row] as number] : source[row];
    }
    rows[row] = body;
  }
  return rows;
}

/** The ids as a prefix and a string field of the body every id ends with (`seg:` and the name), or as they are. */
function packIds(ids: string[], bodies: readonly Fields[]): PackedColumn {
  const first = bodies[0];
  for (const [field, value] of Object.entries(first ?? {})) {
    const firstId = ids[0] as string;
    if (typeof value !== 'string' || !firstId.endsWith(value)) continue;
    const prefix = firstId.slice(0, firstId.length - value.length);
    if (bodies.every((body, row) => typeof body[field] === 'string' && ids[row] === `${prefix}${body[field]}`)) {
      return { prefix, field };
    }
  }
  return { values: ids };
}

export function packItems(items: readonly InspectorItem[]): PackedItems {
  const byType = new Map<ItemType, { ids: string[]; bodies: Fields[] }>();
  const runs: { group: number; count: number }[] = [];
  const groupOf = new Map<ItemType, number>();
  for (const item of items) {
    let group = groupOf.get(item.type);
    if (group === undefined) {
      group = groupOf.size;
      groupOf.set(item.type, group);
      byType.set(item.type, { ids: [], bodies: [] });
    }
    const members = byType.get(item.type) as { ids: string[]; bodies: Fields[] };
    members.ids.push(item.id);
    members.bodies.push(bodyOf(item));
    const last = runs[runs.length - 1];
    if (last?.group === group) last.count += 1;
    else runs.push({ group, count: 1 });
  }
  const groups = Array.from(byType, ([type, { ids, bodies }]) => ({
    type,
    ids: packIds(ids, bodies),
    bodies: packTable(bodies),
  }));
  return { groups, runs };
}

export function unpackItems(packed: PackedItems): InspectorItem[] {
  const groups = packed.groups.map(({ type, ids, bodies }) => {
    const rows = unpackTable(bodies);
    const idOf = unpackColumn(ids, rows.length, rows);
    return rows.map((body, row) => ({ id: idOf[row], type, [type]: body }) as unknown as InspectorItem);
  });
  const items: InspectorItem[] = [];
  const taken = groups.map(() => 0);
  for (const { group, count } of packed.runs) {
    const members = groups[group] ?? [];
    const start = taken[group] ?? 0;
    for (let index = start; index < start + count; index++) items.push(members[index] as InspectorItem);
    taken[group] = start + count;
  }
  return items;
}
