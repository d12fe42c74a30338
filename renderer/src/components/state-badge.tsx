import type { RowState } from '../store/rows';
import { visibleText } from '../../../protocol/visible-text';

/** A state as a word on a colored badge (never color alone); the reason shows on hover. */
export function StateBadge({ state, reason }: { state: RowState; reason?: string }) {
  return (
    <span
      className={`badge badge--${state}`}
      data-testid="state-badge"
      title={reason === undefined ? undefined : visibleText(reason)}
    >
      {state}
    </span>
  );
}
