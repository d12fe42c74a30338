import { useState } from 'react';
import { CleanupDialog } from './components/cleanup-dialog';
import { CreateDialog } from './components/create-dialog';
import { DetailPane } from './components/detail-pane';
import { Header } from './components/header';
import { HostProblemBanner } from './components/host-problem-banner';
import { HeldList } from './components/held-list';
import { LabList } from './components/lab-list';
import { ProcessView } from './components/process-view';
import { SegmentTable } from './components/segment-table';
import { TableBar } from './components/table-bar';
import { TableFilters } from './components/table-filters';
import { useTableKeys } from './components/table-keys';
import { showView } from './store/process-actions';
import type { AppView } from './store/processes-slice';
import { useInspector, useInspectorStore } from './store/store-context';
import { ViewTabs, type ViewTab } from './components/view-tabs';
import { AuditLogPanel } from './components/audit-log-panel';

type OpenDialog = 'create' | 'cleanup' | null;

export function App() {
  const [dialog, setDialog] = useState<OpenDialog>(null);
  // In the store: a link in one view can show another (a process's segment, a segment's process).
  const store = useInspectorStore();
  const view = useInspector((state) => state.processes.view);
  // While not connected the data shown is the last received: dimmed, so it does not pass for live.
  const live = useInspector((state) => state.connection.status === 'connected');
  const close = () => setDialog(null);
  // A dialog's keys are its own; the table's keys work only where the table is.
  useTableKeys(dialog === null && view === 'segments');
  const tabs: ViewTab<AppView>[] = [
    {
      id: 'segments',
      label: 'Segments',
      panel: (
        <main className="panes">
          <section className="panes__table" aria-label="Segments">
            <TableFilters />
            <TableBar />
            <SegmentTable />
          </section>
          <DetailPane />
        </main>
      ),
    },
    { id: 'processes', label: 'Processes', panel: <ProcessView /> },
    { id: 'audit', label: 'Audit log', panel: <AuditLogPanel /> },
  ];
  return (
    <div className={live ? 'app' : 'app app--stale-data'} data-testid="app">
      <Header onCreate={() => setDialog('create')} onClean={() => setDialog('cleanup')} />
      <HostProblemBanner />
      <ViewTabs tabs={tabs} active={view} onSelect={(next) => showView(store, next)} />
      <HeldList />
      <LabList />
      {dialog === 'create' && <CreateDialog onClose={close} />}
      {dialog === 'cleanup' && <CleanupDialog onClose={close} />}
    </div>
  );
}
