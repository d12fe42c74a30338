import { useEffect } from 'react';
import type { AuditRecord } from '../../../protocol/audit';
import { formatBytes, formatTime, plural } from '../../../protocol/format';
import { useHost } from '../host/host-context';
import { loadAuditLog } from '../store/audit-actions';
import { useInspector, useInspectorStore } from '../store/store-context';
import { VisibleText } from './visible-text';

/** The interfaces as a user knows them (the log says `websocket`, `ipc`, `cli`). */
const VIA_WORDS: Readonly<Record<string, string>> = {
  websocket: 'browser',
  ipc: 'desktop app',
  cli: 'command line',
};

function who(record: AuditRecord): string {
  if (record.uid === null && record.pid === null) return '—';
  return [record.uid === null ? null : `uid ${record.uid}`, record.pid === null ? null : `PID ${record.pid}`]
    .filter(Boolean)
    .join(', ');
}

function AuditRow({ record }: { record: AuditRecord }) {
  const removed = record.outcome === 'removed';
  return (
    <tr data-testid="audit-record">
      <td>{formatTime(record.time, { date: true })}</td>
      <td title={record.via}>{VIA_WORDS[record.via] ?? record.via}</td>
      <td>{who(record)}</td>
      <td className="audit__name" title={record.reason}>
        <VisibleText text={record.name} name />
      </td>
      <td>{removed ? formatBytes(record.bytes) : '—'}</td>
      <td>
        {removed ? 'removed' : record.outcome}
        {record.message !== null && (
          <span className="audit__message">
            : <VisibleText text={record.message} />
          </span>
        )}
      </td>
    </tr>
  );
}

/**
 * The Audit log tab: who removed what, when, from which interface, newest first, as the
 * engine reads its log. Read when the tab opens, after a cleanup this page ran, and on Refresh.
 */
export function AuditLogPanel() {
  const host = useHost();
  const store = useInspectorStore();
  const { view, loading, error, cleanupsRun } = useInspector((state) => state.audit);
  useEffect(() => {
    void loadAuditLog(store, host);
  }, [store, host, cleanupsRun]);

  return (
    <main className="audit" aria-labelledby="audit-heading" data-testid="audit-log">
      <div className="audit__bar">
        <h2 id="audit-heading">Audit log</h2>
        <button
          type="button"
          onClick={() => void loadAuditLog(store, host)}
          disabled={loading}
          data-testid="audit-refresh"
        >
          {loading ? 'Reading…' : 'Refresh'}
        </button>
      </div>
      {error && (
        <p role="alert" className="audit__error">
          The audit log could not be read: <VisibleText text={`${error.message} (${error.code})`} />
        </p>
      )}
      {view && !view.kept && (
        <p className="audit__note" data-testid="audit-none">
          No audit log: {view.why}.
        </p>
      )}
      {view?.kept && (
        <>
          <p className="audit__note" data-testid="audit-summary">
            {view.records.length === 0
              ? 'Nothing has been removed yet.'
              : `The newest ${plural(view.records.length, 'record')}${view.more ? ' (older ones are in the file)' : ''}`}
            {' from '}
            <VisibleText text={view.file} />
            {view.unreadable > 0 && `; ${plural(view.unreadable, 'line')} that could not be read skipped`}
          </p>
          {view.torn && (
            <p className="audit__warning" role="note">
              <VisibleText text={view.torn} />
            </p>
          )}
          {view.records.length > 0 && (
            <table className="audit__table">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Via</th>
                  <th scope="col">Who</th>
                  <th scope="col">Name</th>
                  <th scope="col">Size freed</th>
                  <th scope="col">Outcome</th>
                </tr>
              </thead>
              <tbody>
                {view.records.map((record, index) => (
                  <AuditRow key={`${record.time}-${record.inode}-${index}`} record={record} />
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </main>
  );
}
