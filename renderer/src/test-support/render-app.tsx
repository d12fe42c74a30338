import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import type { Patch } from '../../../protocol/channels';
import { HostProvider } from '../host/host-context';
import { applyPatch } from '../store/apply-patch';
import { createInspectorStore, initialState, type InspectorStore } from '../store/inspector-store';
import { StoreProvider } from '../store/store-context';
import { recordingHost, type RecordingHost } from './recording-host';

/** Renders `ui` with a fresh store (after `patches`) and a recording host. */
export function renderWith(
  ui: ReactElement,
  { patches = [], host = recordingHost() }: { patches?: Patch[]; host?: RecordingHost } = {},
): { store: InspectorStore; host: RecordingHost } & ReturnType<typeof render> {
  const store = createInspectorStore(patches.reduce(applyPatch, initialState()));
  const result = render(
    <HostProvider host={host}>
      <StoreProvider store={store}>{ui}</StoreProvider>
    </HostProvider>,
  );
  return { store, host, ...result };
}
