import { memo } from 'react';
import { formatBytes } from '../../../protocol/format';
import type { DecodedSlot, Pool, SlotState } from '../../../protocol/pool';

/** A letter per state, so the map reads without color (and in print). */
export const SLOT_LETTERS: Readonly<Record<SlotState, string>> = {
  'in-use': 'U',
  free: 'F',
  data: 'D',
  untouched: '·',
};

const STATE_WORDS: Readonly<Record<SlotState, string>> = {
  'in-use': 'in use',
  free: 'free',
  data: 'data, no trusted header',
  untouched: 'untouched',
};

function slotTitle(index: number, state: SlotState, header: DecodedSlot | undefined): string {
  const base = `slot ${index}: ${STATE_WORDS[state]}`;
  if (!header) return base;
  const flags = [header.readOnly && 'read-only', header.isSilence && 'silence'].filter(Boolean).join(', ');
  return `${base}; refcount ${header.refcount}, type ${header.type}, length ${formatBytes(header.length)}${flags ? `, ${flags}` : ''}`;
}

/** One cell per slot, colored by state and lettered; each cell's title carries its header fields. */
export const SlotMap = memo(function SlotMap({ pool }: { pool: Pool }) {
  const headers = new Map(pool.headers.map((header) => [header.index, header]));
  const untouched = pool.states.filter((state) => state === 'untouched').length;
  const summary = `${pool.slotCount} slots: ${pool.inUse} in use (U), ${pool.free} free (F), ${pool.data} data (D), ${untouched} untouched (·)`;
  return (
    <figure className="slot-map">
      <div className="slot-map__cells" role="img" aria-label={summary} data-testid="slot-map">
        {pool.states.map((state, index) => (
          <span key={index} className={`slot slot--${state}`} title={slotTitle(index, state, headers.get(index))}>
            {SLOT_LETTERS[state]}
          </span>
        ))}
      </div>
      <figcaption className="slot-map__legend">
        {(Object.keys(SLOT_LETTERS) as SlotState[]).map((state) => (
          <span key={state} className="slot-map__key">
            <span className={`slot slot--${state}`} aria-hidden="true">
              {SLOT_LETTERS[state]}
            </span>{' '}
            {STATE_WORDS[state]}
          </span>
        ))}
      </figcaption>
    </figure>
  );
});
