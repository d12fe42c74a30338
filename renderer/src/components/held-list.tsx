import { useState } from 'react';
import type { ErrorValue } from '../../../protocol/channels';
import { formatDuration } from '../../../protocol/format';
import { useNow } from './use-now';
import { useHost } from '../host/host-context';
import { useInspector } from '../store/store-context';
import { describeProblem } from './describe-problem';
import { VisibleText } from './visible-text';
import { ChangeButton } from './change-button';

/**
 * What this app keeps alive (Create with keep-alive): the service maps each until it is
 * released, its time runs out or the host stops. Release unmaps it; the file stays, and
 * with no other holder turns stale, as PulseAudio's do when their creator goes.
 */
export function HeldList() {
  const host = useHost();
  const held = useInspector((state) => state.lab.held);
  const [error, setError] = useState<ErrorValue | null>(null);
  const now = useNow(1_000);
  if (held.length === 0) return null;

  const release = async (id: string) => {
    const result = await host.request('release', { id });
    setError(result.ok ? null : result.error);
  };

  return (
    <section className="lab" aria-labelledby="held-heading" data-testid="held-list">
      <h2 id="held-heading">Kept alive by this app</h2>
      <ul>
        {held.map((item) => (
          <li key={item.id} data-testid={`held-${item.name}`}>
            {item.kind === 'memfd' ? `memfd ${item.name} (inode ${item.inode})` : <VisibleText text={item.name} name />}
            {item.until === null
              ? ', until released'
              : `, for ${formatDuration(Math.max(0, item.until - now))} more`}{' '}
            <ChangeButton data-testid={`release-${item.id}`} onClick={() => void release(item.id)}>
              Release
            </ChangeButton>
          </li>
        ))}
      </ul>
      {error && (
        <p role="alert" className="form-error">
          {describeProblem(error, null).title}
        </p>
      )}
    </section>
  );
}
