import { useMemo, useState } from 'react';
import type { ResponseOf } from '../../../protocol/channels';
import type { KeptSegment, PlannedRemoval } from '../../../protocol/cleanup';
import { formatBytes, plural } from '../../../protocol/format';
import { visibleText } from '../../../protocol/visible-text';
import { STATE_SEVERITY } from '../store/rows';
import { StateBadge } from './state-badge';
import { VirtualList } from './virtual-list';
import { VisibleText } from './visible-text';

type PlanSortColumn = 'name' | 'state' | 'bytes';
interface PlanSort {
  column: PlanSortColumn;
  direction: 'asc' | 'desc';
}

const COMPARE: Readonly<Record<PlanSortColumn, (a: PlannedRemoval, b: PlannedRemoval) => number>> = {
  name: (a, b) => a.name.localeCompare(b.name),
  state: (a, b) => STATE_SEVERITY.indexOf(a.state) - STATE_SEVERITY.indexOf(b.state) || a.name.localeCompare(b.name),
  bytes: (a, b) => a.bytes - b.bytes || a.name.localeCompare(b.name),
};

const COLUMNS: { column: PlanSortColumn; label: string }[] = [
  { column: 'name', label: 'Name' },
  { column: 'state', label: 'State' },
  { column: 'bytes', label: 'Frees' },
];

/** How a kept entry reads in the plan: the engine's reason, or for one a user could remove, how in this UI. */
export type KeptWords = (kept: KeptSegment) => string;

const defaultKeptWords: KeptWords = (kept) => kept.reason;

/**
 * What the plan removes and frees (a list of any length, sortable by name, state and bytes
 * freed), what it keeps and why, and the names it cannot act on.
 */
export function CleanupPlanView({
  plan,
  keptWords = defaultKeptWords,
}: {
  plan: ResponseOf<'plan-cleanup'>;
  keptWords?: KeptWords;
}) {
  const bytes = plan.remove.reduce((sum, removal) => sum + removal.bytes, 0);
  const [sort, setSort] = useState<PlanSort>({ column: 'name', direction: 'asc' });
  const sorted = useMemo(() => {
    const compare = COMPARE[sort.column];
    const sign = sort.direction === 'asc' ? 1 : -1;
    return [...plan.remove].sort((a, b) => sign * compare(a, b));
  }, [plan.remove, sort]);
  const sortBy = (column: PlanSortColumn) =>
    setSort((current) =>
      current.column === column
        ? { column, direction: current.direction === 'asc' ? 'desc' : 'asc' }
        : { column, direction: 'asc' },
    );

  return (
    <div className="cleanup-plan" data-testid="cleanup-plan">
      <p className="cleanup-plan__summary">
        {plan.remove.length === 0
          ? `Nothing to remove in ${visibleText(plan.dir)}.`
          : `Removes ${plural(plan.remove.length, 'segment')} from ${visibleText(plan.dir)}, freeing ${formatBytes(bytes)}.`}
      </p>
      {plan.remove.length > 0 && (
        <div className="plan-list">
          <p className="plan-list__caption">Goes</p>
          <div className="plan-list__head plan-row" role="group" aria-label="Sort what goes">
            {COLUMNS.map(({ column, label }) => (
              <button
                key={column}
                type="button"
                className="plan-list__sort"
                data-testid={`plan-sort-${column}`}
                aria-pressed={sort.column === column}
                onClick={() => sortBy(column)}
              >
                {label}
                {sort.column === column ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ''}
              </button>
            ))}
            <span>Why</span>
          </div>
          <VirtualList
            items={sorted}
            keyOf={(removal) => removal.name}
            label="Goes"
            testId="plan-removals"
            renderRow={(removal) => (
              <div className="plan-row" data-testid={`cleanup-remove-${removal.name}`}>
                <span className="plan-row__name" title={visibleText(removal.name, { name: true })}>
                  <VisibleText text={removal.name} name />
                </span>
                <StateBadge state={removal.state} />
                <span className="plan-row__bytes">{formatBytes(removal.bytes)}</span>
                <span className="plan-row__reason" title={visibleText(removal.reason)}>
                  <VisibleText text={removal.reason} />
                </span>
              </div>
            )}
          />
        </div>
      )}
      {plan.keep.length > 0 && (
        <details>
          <summary>Stays: {plural(plan.keep.length, 'segment')}</summary>
          <VirtualList
            items={plan.keep}
            keyOf={(kept) => kept.name}
            label="Stays"
            renderRow={(kept) => (
              <div className="plan-row plan-row--kept" data-testid={`cleanup-keep-${kept.name}`}>
                <span className="plan-row__name" title={visibleText(kept.name, { name: true })}>
                  <VisibleText text={kept.name} name />
                </span>
                <StateBadge state={kept.state} />
                <span className="plan-row__reason" title={visibleText(keptWords(kept))}>
                  <VisibleText text={keptWords(kept)} />
                </span>
              </div>
            )}
          />
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
