import type { RowProcess } from '../store/rows';
import { ProcessLink } from './process-link';
import { VisibleText } from './visible-text';

/**
 * The processes that map or hold the item, with their access; `unknown` says why there
 * may be more (processes that could hold it could not be inspected).
 */
export function AttachedList({ processes, unknown }: { processes: readonly RowProcess[]; unknown: string | null }) {
  return (
    <section className="detail__section" aria-labelledby="attached-heading">
      <h3 id="attached-heading">Attached processes</h3>
      {unknown !== null && (
        <p className="detail__error" data-testid="holders-unknown">
          The list may be incomplete ({unknown}): cleanup keeps it unless it is named with --force.
        </p>
      )}
      {processes.length === 0 ? (
        <p>No live process maps it or holds an fd to it.</p>
      ) : (
        <ul className="attached" data-testid="attached-list">
          {processes.map((process) => (
            <li key={process.pid}>
              <ProcessLink pid={process.pid} /> <VisibleText text={process.comm} />{' '}
              <span className={`access access--${process.access}`}>
                {process.access === 'rw' ? 'read-write (rw)' : 'read-only (ro)'}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
