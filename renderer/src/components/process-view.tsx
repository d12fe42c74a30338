import { useInspector } from '../store/store-context';
import { ProcessDetail } from './process-detail';
import { ProcessTable } from './process-table';

/** Why PulseAudio's client names are missing, in one line; nothing when they are there or were not asked for. */
function NamesNote() {
  const names = useInspector((state) => state.processes.list?.pulseNames ?? null);
  if (names === null || names.available) return null;
  return (
    <p className="process-view__note" data-testid="process-names-note">
      PulseAudio client names unavailable: {names.reason}.
    </p>
  );
}

/** The Processes tab: every process that creates, maps or holds a segment or pool, and the selected one's detail. */
export function ProcessView() {
  const waiting = useInspector((state) => state.processes.list === null);
  const empty = useInspector((state) => state.processes.list?.processes.length === 0);
  return (
    <main className="panes">
      <section className="panes__table process-view" aria-label="Processes">
        <NamesNote />
        <div className="process-view__scroll">
          <ProcessTable />
          {(waiting || empty) && (
            <p className="detail__empty process-view__empty" data-testid="process-empty">
              {waiting ? 'Waiting for the first process list…' : 'No process creates, maps or holds a listed item.'}
            </p>
          )}
        </div>
      </section>
      <ProcessDetail />
    </main>
  );
}
