import { useState } from 'react';
import type { ErrorValue } from '../../../protocol/channels';
import { useHost } from '../host/host-context';
import { useInspector } from '../store/store-context';
import { describeProblem } from './describe-problem';
import { ChangeButton } from './change-button';

/** What the lab made and still runs, each with a way to stop it (removing it, or leaving it behind stale). */
export function LabList() {
  const host = useHost();
  const items = useInspector((state) => state.lab.items);
  const [error, setError] = useState<ErrorValue | null>(null);
  if (items.length === 0) return null;

  const stop = async (id: string, keep: boolean) => {
    const result = await host.request('lab-stop', { id, keep });
    setError(result.ok ? null : result.error);
  };

  return (
    <section className="lab" aria-labelledby="lab-heading" data-testid="lab-list">
      <h2 id="lab-heading">Lab</h2>
      <ul>
        {items.map((item) => (
          <li key={item.id}>
            {item.kind} {item.name} ({item.storage}, {item.slots} slots){' '}
            <ChangeButton onClick={() => void stop(item.id, false)}>Stop and remove</ChangeButton>{' '}
            <ChangeButton onClick={() => void stop(item.id, true)}>Stop, leave it stale</ChangeButton>
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
