import type { ReactNode } from 'react';
import type { Problem } from './describe-problem';

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
      <p className="problem__title">{problem.title}</p>
      <p className="problem__action">{problem.action}</p>
      {children}
    </div>
  );
}
