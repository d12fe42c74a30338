import { act, fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { setHostError, setHostStatus } from '../store/actions';
import { fullPatch } from '../test-support/fixtures';
import { renderWith } from '../test-support/render-app';
import { recordingHost } from '../test-support/recording-host';
import { HostProblemBanner } from './host-problem-banner';
import { Toolbar } from './toolbar';

describe('HostProblemBanner', () => {
  it('shows nothing while all is well', () => {
    renderWith(<HostProblemBanner />, { patches: [fullPatch([])] });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says the host is unreachable, when it retries, and how to get back', () => {
    const { store } = renderWith(<HostProblemBanner />, { patches: [fullPatch([])] });
    act(() => setHostStatus(store, { status: 'disconnected', retryInMs: 2000 }));
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Disconnected from the inspector host');
    expect(alert.textContent).toContain('Reconnecting in 2 s');
    expect(alert.textContent).toContain('shm-inspector serve');
  });

  it('explains a missing shm directory and a permission problem, and can be dismissed', () => {
    const { store } = renderWith(<HostProblemBanner />, { patches: [fullPatch([])] });
    act(() => setHostError(store, { code: 'ENOENT', message: 'no such directory' }));
    expect(screen.getByRole('alert').textContent).toMatch(/no shared-memory directory at \/dev\/shm.*mount -t tmpfs/);
    act(() => setHostError(store, { code: 'EACCES', message: 'cannot open /dev/shm' }));
    expect(screen.getByRole('alert').textContent).toMatch(
      /Permission denied: cannot open \/dev\/shm.*Run the inspector as a user/,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('reports a failed rescan from the toolbar', async () => {
    const host = recordingHost({ 'scan-now': () => ({ ok: false, error: { code: 'EACCES', message: 'denied' } }) });
    renderWith(
      <>
        <Toolbar onCreate={() => {}} onClean={() => {}} />
        <HostProblemBanner />
      </>,
      { patches: [fullPatch([])], host },
    );
    fireEvent.click(screen.getByTestId('rescan-button'));
    expect((await screen.findByRole('alert')).textContent).toContain('Permission denied');
    expect(host.calls).toEqual([{ channel: 'scan-now', request: {} }]);
  });
});
