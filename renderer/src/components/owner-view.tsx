import { formatDuration } from '../../../protocol/format';
import type { Segment } from '../../../protocol/scan-result';
import { ProcessLink } from './process-link';
import { VisibleText } from './visible-text';

/** Who the marker names and what that process is now: the evidence behind live or stale. */
export function OwnerView({ segment }: { segment: Segment }) {
  const { marker, owner, birthTime } = segment;
  let text: string;
  if (!marker?.valid) text = 'No valid marker, so no owner to check.';
  else if (!owner && segment.state === 'unverifiable') {
    text = `The marker names PID ${marker.pid}, which could not be inspected: ${segment.reason}.`;
  } else if (!owner) text = `The marker names PID ${marker.pid}; no process has that PID now.`;
  else {
    const zombie = owner.state === 'Z' ? ', a zombie (exited, not reaped)' : '';
    // The engine judges reuse (with its margin for clock ticks); this only words its verdict.
    const started =
      birthTime === null
        ? 'the filesystem records no creation time to compare with'
        : owner.startTime <= birthTime
          ? `started ${formatDuration(birthTime - owner.startTime)} before the segment was created`
          : segment.state === 'stale-pid-reused'
            ? `started ${formatDuration(owner.startTime - birthTime)} after the segment was created: a reused PID`
            : `started ${formatDuration(owner.startTime - birthTime)} after the segment's recorded creation, within the margin the engine allows for clock ticks: its creator`;
    text = `The marker names PID ${marker.pid}: ${owner.comm} (state ${owner.state}${zombie}), which ${started}.`;
  }
  return (
    <section className="detail__section" aria-labelledby="owner-heading">
      <h3 id="owner-heading">Owner</h3>
      <p data-testid="owner-summary">
        <VisibleText text={text} />
      </p>
      {/* A process that reuses the PID did not make it: its link would mislead. */}
      {owner && segment.state !== 'stale-pid-reused' && (
        <p data-testid="owner-process">
          See <ProcessLink pid={owner.pid} /> in Processes.
        </p>
      )}
    </section>
  );
}
