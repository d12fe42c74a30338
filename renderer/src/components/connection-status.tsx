import { formatDuration } from '../../../protocol/format';
import { useInspector } from '../store/store-context';

const LABELS = {
  connecting: 'Connecting…',
  connected: 'Connected',
  disconnected: 'Disconnected',
  refused: 'Refused: open the new address',
} as const;

export function ConnectionStatus() {
  const status = useInspector((state) => state.connection.status);
  const retryInMs = useInspector((state) => state.connection.retryInMs);
  const retry = status === 'disconnected' && retryInMs !== null ? `, retrying in ${formatDuration(retryInMs)}` : '';
  return (
    <span className={`connection connection--${status}`} data-testid="connection-status" role="status">
      {LABELS[status]}
      {retry}
    </span>
  );
}
