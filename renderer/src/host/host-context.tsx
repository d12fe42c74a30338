import { createContext, useContext, type ReactNode } from 'react';
import type { InspectorHost } from '../../../protocol/channels';

const HostContext = createContext<InspectorHost | null>(null);

/** Gives components the host for requests (dialogs); patches reach the store outside React. */
export function HostProvider({ host, children }: { host: InspectorHost; children: ReactNode }) {
  return <HostContext.Provider value={host}>{children}</HostContext.Provider>;
}

export function useHost(): InspectorHost {
  const host = useContext(HostContext);
  if (!host) throw new Error('useHost needs a <HostProvider> above it');
  return host;
}
