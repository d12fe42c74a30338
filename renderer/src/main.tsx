import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { config as configureZod } from 'zod';
import { App } from './app';
import { getHost } from './host/get-host';
import { HostProvider } from './host/host-context';
import { connectStore, setHostStatus } from './store/actions';
import { createInspectorStore, initialState } from './store/inspector-store';
import { keepViewSaved, loadView, pageStorage, withView } from './store/saved-view';
import { StoreProvider } from './store/store-context';
import './styles/theme.css';
import './styles/layout.css';
import './styles/table.css';
import './styles/detail.css';
import './styles/dialog.css';
import './styles/actions.css';
import './styles/processes.css';

// The CSP has no 'unsafe-eval': tell zod not to probe `new Function` (the probe's refusal is logged as a violation).
configureZod({ jitless: true });

// The table as the user left it: columns, sort and filters (saved-view.ts).
const storage = pageStorage();
const store = createInspectorStore(withView(initialState(), loadView(storage)));
keepViewSaved(store, storage);
const host = getHost((event) => setHostStatus(store, event));
// Patches reach the store here, outside React; components only read it.
connectStore(store, host);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <HostProvider host={host}>
      <StoreProvider store={store}>
        <App />
      </StoreProvider>
    </HostProvider>
  </StrictMode>,
);
