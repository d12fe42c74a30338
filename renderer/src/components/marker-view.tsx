import { MARKER_MAGIC } from '../../../protocol/limits';
import type { Marker } from '../../../protocol/scan-result';

const hex32 = (value: number): string => `0x${(value >>> 0).toString(16).padStart(8, '0')}`;

/** The marker's 40 bytes (reference §2): magic, PID, 32 reserved bytes; each row its bytes and meaning. */
export function MarkerView({ marker }: { marker: Marker | null }) {
  if (!marker) {
    return (
      <section className="detail__section" aria-labelledby="marker-heading">
        <h3 id="marker-heading">Marker</h3>
        <p>No marker was read (the file is smaller than 40 bytes, or not a regular file).</p>
      </section>
    );
  }
  // Lines of 4 bytes that never wrap inside: the pane is narrow, and a field's bytes stay in groups.
  const bytes = (from: number, to: number) =>
    (marker.hex.slice(from * 2, to * 2).match(/.{1,8}/g) ?? []).map((line, i) => (
      <span key={i} className="hex__line">
        {(line.match(/../g) ?? []).join(' ')}
      </span>
    ));
  const reservedZero = /^0*$/.test(marker.hex.slice(16));
  return (
    <section className="detail__section" aria-labelledby="marker-heading">
      <h3 id="marker-heading">Marker {marker.valid ? '(valid)' : '(not valid)'}</h3>
      <table className="marker" data-testid="marker">
        <thead>
          <tr>
            <th scope="col">Offset</th>
            <th scope="col">Bytes</th>
            <th scope="col">Field</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>0</td>
            <td className="hex">{bytes(0, 4)}</td>
            <td>
              magic {hex32(marker.magic)}{' '}
              {marker.magic >>> 0 === MARKER_MAGIC ? '(PulseAudio’s)' : '(not PulseAudio’s)'}
            </td>
          </tr>
          <tr>
            <td>4</td>
            <td className="hex">{bytes(4, 8)}</td>
            <td>PID {marker.pid}</td>
          </tr>
          <tr>
            <td>8</td>
            <td className="hex">{reservedZero ? <span className="hex__line">00 × 32</span> : bytes(8, 40)}</td>
            <td>reserved {reservedZero ? '(zero)' : '(not zero)'}</td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}
