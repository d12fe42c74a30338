import { formatBytes, formatDuration, plural } from '../../../protocol/format';
import type { PoolDecode } from '../../../protocol/pool';
import { channelName } from '../store/channel-series';
import { useInspector } from '../store/store-context';
import { SlotMap } from './slot-map';
import { Sparkline, sparklineLabel } from './sparkline';
import { SrbChart } from './srb-chart';

/** The pool's slots in use over the last minutes, as the engine sampled them. */
function SlotsHistory({ itemId }: { itemId: string }) {
  const history = useInspector((state) => state.segments.history);
  const series = history?.pools.find((pool) => pool.id === itemId);
  if (!history || !series || series.inUse.length === 0) return null;
  const label = sparklineLabel('slots in use', history.times, series.inUse, String);
  return (
    <p className="pool-history">
      Slots in use, last {formatDuration(history.windowMs)}:{' '}
      <Sparkline values={series.inUse} label={label} testId="pool-sparkline" />
    </p>
  );
}

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
      <SlotsHistory itemId={itemId} />
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
