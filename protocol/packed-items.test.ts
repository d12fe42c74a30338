import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InspectorItem, Patch } from './channels';
import type { DeletedSegment, MemfdPool } from './memory';
import { packItems, unpackItems } from './packed-items';
import type { Segment } from './scan-result';
import { decodeServerMessage, encodeServerMessage, type ServerMessage } from './websocket-messages';

const NOW = Date.UTC(2026, 0, 1);

/** A segment as the engine reports one of the benchmark's: a live owner, sometimes a mapper. */
function segment(index: number, ownerPid: number, mapper: number | null): Segment {
  const name = `pulse-shm-${(2_000_000_000 + index * 7919) >>> 0}`;
  return {
    name,
    kind: 'file',
    size: 4136,
    allocated: 4096,
    dev: 27,
    inode: 7_000_000 + index,
    mode: 0o700,
    uid: 0,
    gid: 0,
    birthTime: NOW + index * 0.341,
    mtime: NOW + index * 0.341,
    pulse: true,
    state: 'live',
    reason: `owner PID ${ownerPid} (node) is running and started before the segment was created`,
    marker: { valid: true, magic: 0xbeefcafe, pid: ownerPid, hex: `feca${ownerPid.toString(16)}`.padEnd(80, '0') },
    owner: { pid: ownerPid, comm: 'node', state: 'S', startTime: NOW - 5_000.5 },
    attached: mapper === null ? [] : [{ pid: mapper, comm: 'node', access: 'ro', via: ['map'] }],
    holdersIncomplete: null,
    removal: 'never',
    error: null,
    pool: null,
  };
}

const segmentItem = (value: Segment): InspectorItem => ({ id: `seg:${value.name}`, type: 'segment', segment: value });

const memfd = (inode: number): InspectorItem => {
  const pool: MemfdPool = {
    dev: 1,
    inode,
    name: 'pulseaudio',
    size: 64 * 1024 * 1024,
    allocated: null,
    holders: [{ pid: 10 + inode, comm: 'paplay', access: 'rw', via: ['map', 'fd'], uid: 1000 }],
    unreadable: 'map_files needs CAP_SYS_ADMIN',
    pool: null,
  };
  return { id: `memfd:1:${inode}`, type: 'memfd', memfd: pool };
};

const deleted = (inode: number): InspectorItem => {
  const value: DeletedSegment = {
    path: `/dev/shm/gone-${inode}`,
    dev: 27,
    inode,
    size: null,
    allocated: 8192,
    holders: [],
  };
  return { id: `deleted:27:${inode}`, type: 'deleted', deleted: value };
};

function snapshot(items: InspectorItem[]): ServerMessage {
  const patch: Patch = {
    seq: 7,
    full: true,
    header: null,
    upserts: items,
    removals: [],
    samples: [],
  };
  return { type: 'patch', patch };
}

const benchLike = (count: number): InspectorItem[] =>
  Array.from({ length: count }, (_, index) =>
    segmentItem(segment(index, 4242, index < 32 ? 5000 + (index >> 3) : null)),
  );

describe('packed items on the WebSocket', () => {
  it('a patch reads back equal to the one sent, items in their order whatever their types', () => {
    const items = [memfd(3), ...benchLike(50), deleted(9), memfd(4), segmentItem(segment(99, 77, 78)), deleted(10)];
    const message = snapshot(items);
    const decoded = decodeServerMessage(encodeServerMessage(message));
    expect(decoded).toEqual(message);
    expect(decoded?.type === 'patch' && decoded.patch.upserts.map((item) => item.id)).toEqual(items.map((i) => i.id));
  });

  it('a snapshot of the benchmark’s segments is a fraction of their JSON: under 150 chars a segment, not 660', () => {
    const message = snapshot(benchLike(10_000));
    const plain = JSON.stringify(message).length / 10_000;
    const packed = encodeServerMessage(message).length / 10_000;
    expect(plain).toBeGreaterThan(600);
    expect(packed).toBeLessThan(150);
  });

  it('keeps a patch a reader can tell from its text: a patch, and whether it carries samples', () => {
    const text = encodeServerMessage(snapshot(benchLike(100)));
    expect(text).toContain('"packedUpserts"');
    expect(text.startsWith('{"type":"patch"')).toBe(true);
    expect(text).toContain('"samples":[]');
  });

  it('sends a small patch as plain JSON, which reads back as it is', () => {
    const message = snapshot([segmentItem(segment(1, 42, 43)), memfd(2)]);
    expect(encodeServerMessage(message)).toBe(JSON.stringify(message));
    expect(decodeServerMessage(JSON.stringify(message))).toEqual(message);
  });

  it('passes responses as they are, and refuses what is not a server message', () => {
    const response: ServerMessage = {
      type: 'response',
      id: 4,
      result: { ok: false, error: { code: 'x', message: 'y' } },
    };
    expect(decodeServerMessage(encodeServerMessage(response))).toEqual(response);
    for (const text of [
      '',
      'not json',
      'null',
      '{"type":"patch"}',
      '{"type":"patch","patch":{"upserts":{}}}',
      '{"type":"patch","patch":{"packedUpserts":{}}}',
      '{"type":"patch","patch":{"packedUpserts":{"groups":[{"type":"segment","ids":{},"bodies":{}}],"runs":[]}}}',
    ]) {
      expect(decodeServerMessage(text)).toBeNull();
    }
  });

  it('unpacks any items to equal ones in the same order: shared values, unique values, rows of other shapes', () => {
    const value = fc.oneof(
      fc.constantFrom(null, 0, 1, -1.5, true, false, '', 'a', '{"a":1}'),
      fc.string({ maxLength: 4 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n)),
      fc.constantFrom({ a: 1 }, [1, 2], { a: '1' }, [], {}, { a: 1, b: 2 }, { b: 2, a: 1 }, [{ a: 1 }], [{ a: '1' }]),
      // Equal in their first fields (one fingerprint), in another order after them.
      fc.constantFrom({ p: 1, q: 1, r: 1, s: 2, t: 3 }, { p: 1, q: 1, r: 1, t: 3, s: 2 }, { p: 1, q: 1, r: 1, s: 2 }),
    );
    const body = fc.oneof(
      fc.record({ name: fc.constantFrom('a', 'b', 'c'), x: value, y: value }),
      fc.record({ name: fc.string({ maxLength: 3 }), y: value, x: value }),
      fc.dictionary(fc.constantFrom('name', 'x', 'z'), value),
    );
    const item = fc
      .tuple(fc.constantFrom('segment', 'memfd', 'deleted'), body, fc.constantFrom('seg:', 'other:', ''), fc.nat(5))
      .map(([type, fields, prefix, n]) => {
        const id = typeof fields.name === 'string' && n > 0 ? `${prefix}${fields.name}` : `id-${n}`;
        return { id, type, [type]: fields } as unknown as InspectorItem;
      });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 30 }), (items) => {
        const unpacked = unpackItems(JSON.parse(JSON.stringify(packItems(items))));
        expect(unpacked).toEqual(items);
        // Fields in the same order too: JSON written from the items (an export) reads the same.
        expect(JSON.stringify(unpacked)).toBe(JSON.stringify(items));
      }),
      { numRuns: 500 },
    );
  });
});
