import { formatBytes, plural } from '../../../protocol/format';
import type { PoolDecode } from '../../../protocol/pool';
import { channelName } from '../store/channel-series';
import { SlotMap } from './slot-map';
import { SrbChart } from './srb-chart';

/** The item's data read as a PulseAudio mempool: counts, the slot map, and a chart per srbchannel. */
export function PoolView({ itemId, decode }: { itemId: string; decode: PoolDecode | null }) {
  if (!decode) return null;
  if (!decode.pool) {
    return (
      <section className="detail__section" aria-labelledby="pool-heading">
        <h3 id="pool-heading">Pool</h3>
        <p>Not read as a pool: {decode.notPool}</p>
      </section>
    );
  }
  const pool = decode.pool;
  return (
    <section className="detail__section" aria-labelledby="pool-heading">
      <h3 id="pool-heading">Pool</h3>
      <p>
        {plural(pool.slotCount, 'slot')} of {formatBytes(pool.slotSize)}: {pool.inUse} in use, {pool.free} free,{' '}
        {pool.data} data; high-water mark {pool.highWater}; {formatBytes(pool.resident)} resident.
        {pool.base && ` Owner's mapping base ${pool.base}${pool.baseCheck ? ` (${pool.baseCheck})` : ''}.`}
      </p>
      <SlotMap pool={pool} />
      {pool.srbchannels.map((channel) => (
        <SrbChart
          key={channel.offset}
          channel={channelName(itemId, channel.offset)}
          title={`srbchannel in slot ${channel.slot} (offset ${channel.offset})`}
          capacity={channel.capacity}
        />
      ))}
    </section>
  );
}
