import type { ButtonHTMLAttributes } from 'react';
import { useInspector } from '../store/store-context';
import { actionsOffReason } from './describe-problem';

/** Why the actions that change something are off now (disconnected, read-only), or null. */
export function useChangesOff(): string | null {
  return useInspector((state) => actionsOffReason(state.connection.status, state.connection.readOnly));
}

/** A button that changes something: off, with the reason as its tooltip, while changes are. */
export function ChangeButton(props: Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'disabled' | 'title' | 'type'>) {
  const off = useChangesOff();
  return <button type="button" {...props} disabled={off !== null} title={off ?? undefined} />;
}
