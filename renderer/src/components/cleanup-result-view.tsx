import type { CleanupResult } from '../../../protocol/cleanup';
import { formatBytes, plural } from '../../../protocol/format';
import { VisibleText } from './visible-text';

/** What the cleanup did: removed, kept after the re-check, failed (with the errno or CHANGED). */
export function CleanupResultView({ result }: { result: CleanupResult }) {
  return (
    <div className="cleanup-result" data-testid="cleanup-result" role="status">
      <p>
        Removed {plural(result.removed.length, 'segment')}, freed {formatBytes(result.bytesFreed)}.
        {result.failed.length > 0 && ` ${plural(result.failed.length, 'segment')} could not be removed.`}
      </p>
      {result.removed.length > 0 && (
        <ul aria-label="Removed">
          {result.removed.map((removed) => (
            <li key={removed.name}>
              <VisibleText text={removed.name} name />: {formatBytes(removed.bytes)}
            </li>
          ))}
        </ul>
      )}
      {result.failed.length > 0 && (
        <ul aria-label="Failed" className="cleanup-failed">
          {result.failed.map((failure) => (
            <li key={failure.name}>
              <VisibleText text={failure.name} name />:{' '}
              {failure.code === 'CHANGED' ? 'changed since the plan, left alone' : failure.code} (
              <VisibleText text={failure.message} />)
            </li>
          ))}
        </ul>
      )}
      {result.kept.length > 0 && (
        <details>
          <summary>Kept: {plural(result.kept.length, 'segment')}</summary>
          <ul>
            {result.kept.map((kept) => (
              <li key={kept.name}>
                <VisibleText text={kept.name} name />: <VisibleText text={kept.reason} />
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
