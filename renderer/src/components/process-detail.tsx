import { formatBytes, plural } from '../../../protocol/format';
import type { ProcessSummary } from '../../../protocol/processes';
import { selectSelectedProcess } from '../store/process-rows';
import { showSegment } from '../store/process-actions';
import { toRow } from '../store/rows';
import { useInspector, useInspectorStore } from '../store/store-context';
import { PROCESS_DETAIL_ID } from './process-table';
import { VisibleText } from './visible-text';

/** An item of the live state by id, as a link that shows it in the Segments tab. */
function ItemLink({ id, access }: { id: string; access?: 'rw' | 'ro' }) {
  const store = useInspectorStore();
  const item = useInspector((state) => state.segments.items.get(id));
  const row = item ? toRow(item) : null;
  return (
    <li>
      <button
        type="button"
        className="link-button"
        data-testid={`process-item-${id}`}
        title="Show it in the Segments tab"
        onClick={() => showSegment(store, id)}
      >
        <VisibleText text={row?.name ?? id} name />
      </button>
      {row && row.size !== null && ` ${formatBytes(row.size)}`}
      {access && (
        <>
          {' '}
          <span className={`access access--${access}`}>{access === 'rw' ? 'read-write (rw)' : 'read-only (ro)'}</span>
        </>
      )}
      {row && row.state !== 'held' && ` ${row.state}`}
    </li>
  );
}

function Facts({ process }: { process: ProcessSummary }) {
  const client = process.client;
  return (
    <dl className="facts">
      <dt>Program</dt>
      <dd>
        <VisibleText text={process.comm} />
      </dd>
      <dt>Command line</dt>
      <dd data-testid="process-cmdline">
        {process.cmdline === null ? 'unknown' : <VisibleText text={process.cmdline} />}
      </dd>
      <dt>User</dt>
      <dd>
        {process.user === null ? '' : <VisibleText text={process.user} />}
        {process.uid === null ? 'unknown' : ` (uid ${process.uid})`}
      </dd>
      {client && (
        <>
          <dt>PulseAudio client</dt>
          <dd data-testid="process-client">
            <VisibleText text={client.name ?? '(no name)'} />
            {client.binary !== null && (
              <>
                {' '}
                (<VisibleText text={client.binary} />)
              </>
            )}
          </dd>
        </>
      )}
      <dt>Holds</dt>
      <dd>
        {plural(process.holds.length, 'item')}, {formatBytes(process.bytes)} ({process.rw} rw, {process.ro} ro)
      </dd>
      <dt>Created</dt>
      <dd>
        {plural(process.created.length, 'segment')}
        {process.created.length > 0 && ` (${process.createdAlive} live, ${process.createdStale} stale)`}
      </dd>
    </dl>
  );
}

/** The selected process: what it is, what it holds and what it made, each a link to its segment. */
export function ProcessDetail() {
  const process = useInspector(selectSelectedProcess);
  return (
    <section
      id={PROCESS_DETAIL_ID}
      className="detail"
      data-testid="process-detail"
      tabIndex={-1}
      aria-label="Process details"
    >
      {process === null ? (
        <p className="detail__empty">Select a process to see what it holds and what it created.</p>
      ) : (
        <>
          <h2 className="detail__title">
            PID {process.pid} <VisibleText text={process.comm} />
          </h2>
          <Facts process={process} />
          <section className="detail__section" aria-labelledby="process-holds-heading">
            <h3 id="process-holds-heading">Maps or holds</h3>
            {process.holds.length === 0 ? (
              <p>Nothing listed.</p>
            ) : (
              <ul className="attached" data-testid="process-holds">
                {process.holds.map((hold) => (
                  <ItemLink key={hold.id} id={hold.id} access={hold.access} />
                ))}
              </ul>
            )}
          </section>
          {process.created.length > 0 && (
            <section className="detail__section" aria-labelledby="process-created-heading">
              <h3 id="process-created-heading">Created (its PID in the marker)</h3>
              <ul className="attached" data-testid="process-created">
                {process.created.map((id) => (
                  <ItemLink key={id} id={id} />
                ))}
              </ul>
            </section>
          )}
        </>
      )}
    </section>
  );
}
