import type { ResponseOf } from '../../../protocol/channels';
import { formatBytes, plural } from '../../../protocol/format';
import { StateBadge } from './state-badge';
import { VisibleText } from './visible-text';
import { visibleText } from '../../../protocol/visible-text';

/** What the plan removes and frees, what it keeps and why, and forced names it cannot act on. */
export function CleanupPlanView({ plan }: { plan: ResponseOf<'plan-cleanup'> }) {
  const bytes = plan.remove.reduce((sum, removal) => sum + removal.bytes, 0);
  return (
    <div className="cleanup-plan" data-testid="cleanup-plan">
      <p className="cleanup-plan__summary">
        {plan.remove.length === 0
          ? `Nothing to remove in ${visibleText(plan.dir)}.`
          : `Removes ${plural(plan.remove.length, 'segment')} from ${visibleText(plan.dir)}, freeing ${formatBytes(bytes)}.`}
      </p>
      {plan.remove.length > 0 && (
        <table className="cleanup-table">
          <caption>Goes</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">State</th>
              <th scope="col">Frees</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {plan.remove.map((removal) => (
              <tr key={removal.name} data-testid={`cleanup-remove-${removal.name}`}>
                <td>
                  <VisibleText text={removal.name} name />
                </td>
                <td>
                  <StateBadge state={removal.state} />
                </td>
                <td>{formatBytes(removal.bytes)}</td>
                <td>
                  <VisibleText text={removal.reason} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {plan.keep.length > 0 && (
        <details>
          <summary>Stays: {plural(plan.keep.length, 'segment')}</summary>
          <ul className="cleanup-keep">
            {plan.keep.map((kept) => (
              <li key={kept.name} data-testid={`cleanup-keep-${kept.name}`}>
                <VisibleText text={kept.name} name /> <StateBadge state={kept.state} />:{' '}
                <VisibleText text={kept.reason} />
              </li>
            ))}
          </ul>
        </details>
      )}
      {plan.failed.length > 0 && (
        <ul className="cleanup-failed" aria-label="Cannot act on">
          {plan.failed.map((failure) => (
            <li key={failure.name}>
              <VisibleText text={failure.name} name />: {failure.code} (<VisibleText text={failure.message} />)
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
