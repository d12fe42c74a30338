import type { RowProcess } from '../store/rows';
import { VisibleText } from './visible-text';

/** The processes that map or hold the item, with their access. */
export function AttachedList({ processes }: { processes: readonly RowProcess[] }) {
  return (
    <section className="detail__section" aria-labelledby="attached-heading">
      <h3 id="attached-heading">Attached processes</h3>
      {processes.length === 0 ? (
        <p>No live process maps it or holds an fd to it.</p>
      ) : (
        <ul className="attached" data-testid="attached-list">
          {processes.map((process) => (
            <li key={process.pid}>
              {process.pid} <VisibleText text={process.comm} />{' '}
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
