import type { ReactNode } from 'react';
import type { Problem } from './describe-problem';
import { VisibleText } from './visible-text';

/**
 * An empty, loading or error state that says what to do. Errors are announced at once
 * (role alert); the rest politely (role status).
 */
export function ProblemState({
  problem,
  tone,
  children,
}: {
  problem: Problem;
  tone: 'error' | 'info';
  children?: ReactNode;
}) {
  return (
    <div
      className={`problem problem--${tone}`}
      role={tone === 'error' ? 'alert' : 'status'}
      data-testid="problem-state"
    >
      {/* A title or action may quote a name from the engine's message. */}
      <p className="problem__title">
        <VisibleText text={problem.title} />
      </p>
      <p className="problem__action">
        <VisibleText text={problem.action} />
      </p>
      {children}
    </div>
  );
}
