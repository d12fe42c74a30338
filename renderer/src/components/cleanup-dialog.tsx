import { useMemo, useState } from 'react';
import type { KeptSegment } from '../../../protocol/cleanup';
import { Dialog } from './dialog';
import { PlannedCleanupBody, usePlannedCleanup } from './planned-cleanup';

/**
 * A kept entry in this UI's words: the engine's cause, and for one that only a user's
 * say-so would remove, how to do that here (select it, then Remove), not the command line's --force.
 */
export function keptInUiWords(kept: KeptSegment): string {
  return kept.forceable ? `${kept.cause}; to remove it anyway, select its row and choose Remove…` : kept.cause;
}

/**
 * Cleanup in two steps, as the CLI does it: the engine plans (what goes, what stays and
 * why, the bytes freed), the user confirms, the engine executes that plan in batches,
 * re-judging each segment before it removes it, and the dialog shows the progress and
 * what happened.
 */
export function CleanupDialog({ onClose }: { onClose: () => void }) {
  const [includeZombie, setIncludeZombie] = useState(false);
  const [includeReused, setIncludeReused] = useState(false);
  const request = useMemo(() => ({ includeZombie, includeReused, force: [] }), [includeZombie, includeReused]);
  const flow = usePlannedCleanup(request);

  return (
    <Dialog title="Clean up stale segments" testId="cleanup-dialog" onClose={onClose}>
      {flow.run === null && (
        <fieldset className="cleanup-options">
          <legend>Also remove</legend>
          <label className="choice">
            <input type="checkbox" checked={includeZombie} onChange={(e) => setIncludeZombie(e.target.checked)} />
            segments whose owner is a zombie (stale-zombie)
          </label>
          <label className="choice">
            <input type="checkbox" checked={includeReused} onChange={(e) => setIncludeReused(e.target.checked)} />
            segments whose owner PID was reused (stale-pid-reused)
          </label>
        </fieldset>
      )}
      <PlannedCleanupBody
        flow={flow}
        planning="The engine is judging every segment."
        keptWords={keptInUiWords}
        onClose={onClose}
      />
    </Dialog>
  );
}
