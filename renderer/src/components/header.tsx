import { useInspector } from '../store/store-context';
import { CapacitySummary } from './capacity-summary';
import { ConnectionStatus } from './connection-status';
import { ReclaimableSummary } from './reclaimable-summary';
import { StateCounts } from './state-counts';
import { actionsOffReason } from './describe-problem';
import { Toolbar } from './toolbar';

/** Said up front, not at the last step of a dialog: this host changes nothing. */
function ReadOnlyBadge() {
  const readOnly = useInspector((state) => state.connection.readOnly === true);
  if (!readOnly) return null;
  return (
    <span className="read-only-badge" data-testid="read-only-badge" title={actionsOffReason('connected', true) ?? ''}>
      Read-only
    </span>
  );
}

/** The top bar: capacity, counts by state, what a cleanup would free, the connection, the actions. */
export function Header({ onCreate, onClean }: { onCreate: () => void; onClean: () => void }) {
  const childNamespace = useInspector((state) => state.segments.directory?.initialPidNamespace === false);
  // The engine's note on processes it could not inspect (core/inspector/inspector-header.ts).
  const procNote = useInspector(
    (state) =>
      state.segments.directory?.findings.find((finding) => finding.kind === 'inspector' && finding.subject === '/proc')
        ?.message,
  );
  return (
    <header className="header">
      <div className="header__row">
        <h1 className="header__title">SHM Inspector</h1>
        <CapacitySummary />
        <ReadOnlyBadge />
        <ConnectionStatus />
      </div>
      <div className="header__row">
        <StateCounts />
        <ReclaimableSummary />
        <Toolbar onCreate={onCreate} onClean={onClean} />
      </div>
      {childNamespace && (
        <p className="header__note" role="note">
          The inspector runs in a child PID namespace: owners outside it are invisible, so their segments show as
          unverifiable.
        </p>
      )}
      {procNote !== undefined && (
        <p className="header__note" role="note" data-testid="proc-note">
          {procNote}
        </p>
      )}
    </header>
  );
}
