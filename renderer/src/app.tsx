import { useState } from 'react';
import { CleanupDialog } from './components/cleanup-dialog';
import { CreateDialog } from './components/create-dialog';
import { DetailPane } from './components/detail-pane';
import { Header } from './components/header';
import { HostProblemBanner } from './components/host-problem-banner';
import { HeldList } from './components/held-list';
import { LabList } from './components/lab-list';
import { SegmentTable } from './components/segment-table';
import { TableBar } from './components/table-bar';
import { TableFilters } from './components/table-filters';
import { useTableKeys } from './components/table-keys';
import { useInspector } from './store/store-context';

type OpenDialog = 'create' | 'cleanup' | null;

export function App() {
  const [dialog, setDialog] = useState<OpenDialog>(null);
  // While not connected the data shown is the last received: dimmed, so it does not pass for live.
  const live = useInspector((state) => state.connection.status === 'connected');
  const close = () => setDialog(null);
  // A dialog's keys are its own.
  useTableKeys(dialog === null);
  return (
    <div className={live ? 'app' : 'app app--stale-data'} data-testid="app">
      <Header onCreate={() => setDialog('create')} onClean={() => setDialog('cleanup')} />
      <HostProblemBanner />
      <main className="panes">
        <section className="panes__table" aria-label="Segments">
          <TableFilters />
          <TableBar />
          <SegmentTable />
        </section>
        <DetailPane />
      </main>
      <HeldList />
      <LabList />
      {dialog === 'create' && <CreateDialog onClose={close} />}
      {dialog === 'cleanup' && <CleanupDialog onClose={close} />}
    </div>
  );
}
