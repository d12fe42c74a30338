import { useMemo, useState } from 'react';
import type { ResponseOf } from '../../../protocol/channels';
import type { KeptSegment } from '../../../protocol/cleanup';
import type { SegmentState } from '../../../protocol/scan-result';
import { visibleText } from '../../../protocol/visible-text';
import { Dialog } from './dialog';
import { PlannedCleanupBody, usePlannedCleanup } from './planned-cleanup';

type Plan = ResponseOf<'plan-cleanup'>;

/** What removing an entry of each state means, for the user who must confirm it (the engine said it may go only if named). */
const CONFIRM_WORDS: Readonly<Record<SegmentState, string>> = {
  foreign:
    'Not PulseAudio segments: some other program made these files and may still use them. Removing one can break that program, and cannot be undone.',
  'no-marker':
    'Named like PulseAudio segments, but without a valid marker: no one can tell which process they belong to, or whether it still needs them.',
  unverifiable: 'Their owner may still be running, but cannot be seen from here (another PID namespace, or hidden).',
  'stale-zombie': 'Their owner has exited but is not yet reaped (a zombie): its parent may still read them.',
  'stale-pid-reused': "Their owner's PID now belongs to a newer process: the owner is gone.",
  stale:
    'Their owner is gone, but processes still map them, or might: removing the name frees the memory only once they let go.',
  live: 'Their owner is running.',
};

/** The entries of one state that only the user's confirmation removes. */
interface ConfirmGroup {
  state: SegmentState;
  names: string[];
}

/**
 * The groups to confirm: entries the plan keeps but would remove if forced, and the ones
 * already forced (now in what goes), so that a confirmation can be taken back.
 */
function confirmGroups(plan: Plan, forced: ReadonlySet<string>): ConfirmGroup[] {
  const byState = new Map<SegmentState, string[]>();
  const add = (state: SegmentState, name: string) => byState.set(state, [...(byState.get(state) ?? []), name]);
  for (const kept of plan.keep) if (kept.forceable) add(kept.state, kept.name);
  for (const removal of plan.remove) if (forced.has(removal.name)) add(removal.state, removal.name);
  return [...byState].map(([state, names]) => ({ state, names }));
}

const SHOWN_NAMES = 5;

/** "1 foreign entry", "2 foreign entries". */
export const countEntries = (count: number, kind = ''): string =>
  `${count} ${kind}${count === 1 ? 'entry' : 'entries'}`;

/**
 * Remove the selected rows: the engine plans just those entries, and decides what may go
 * (stale ones; a live one never). What it removes only on the user's word (a foreign file,
 * a segment without a marker...) is listed with what it is, each kind behind its own
 * "Remove anyway"; confirming plans again with those names forced. Then the same
 * confirm-execute path as Clean, in batches, with progress and Cancel.
 */
export function RemoveDialog({ names, onClose }: { names: readonly string[]; onClose: () => void }) {
  const [forced, setForced] = useState<ReadonlySet<string>>(new Set());
  const request = useMemo(
    () => ({ includeZombie: false, includeReused: false, force: [...forced], selected: [...names] }),
    [names, forced],
  );
  const flow = usePlannedCleanup(request);
  const { plan } = flow;

  const groups = useMemo(() => (plan ? confirmGroups(plan, forced) : []), [plan, forced]);
  const toggleGroup = (group: ConfirmGroup, on: boolean) =>
    setForced((current) => {
      const next = new Set(current);
      for (const name of group.names) {
        if (on) next.add(name);
        else next.delete(name);
      }
      return next;
    });

  const title = `Remove ${countEntries(names.length, 'selected ')}`;
  return (
    <Dialog title={title} testId="remove-dialog" onClose={onClose}>
      <PlannedCleanupBody
        flow={flow}
        planning="The engine is judging the selected entries."
        keptWords={keptWords}
        onClose={onClose}
        beforePlan={
          groups.length > 0 && (
            <fieldset className="confirm-force" data-testid="confirm-force">
              <legend>Needs your confirmation</legend>
              {groups.map((group) => {
                const shown = group.names.slice(0, SHOWN_NAMES).map((name) => visibleText(name, { name: true }));
                const more = group.names.length - shown.length;
                return (
                  <div key={group.state} className="confirm-force__group">
                    <label className="choice">
                      <input
                        type="checkbox"
                        data-testid={`confirm-force-${group.state}`}
                        checked={group.names.every((name) => forced.has(name))}
                        onChange={(event) => toggleGroup(group, event.target.checked)}
                      />
                      Remove anyway: {countEntries(group.names.length, `${group.state} `)} ({shown.join(', ')}
                      {more > 0 ? ` and ${more} more` : ''})
                    </label>
                    <p className="confirm-force__why">{CONFIRM_WORDS[group.state]}</p>
                  </div>
                );
              })}
            </fieldset>
          )
        }
      />
    </Dialog>
  );
}

/** A kept entry here: one the user may still confirm above says so, not how the command line would. */
function keptWords(kept: KeptSegment): string {
  return kept.forceable ? `${kept.cause}; kept unless you confirm it above` : kept.cause;
}
