import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { fullPatch } from '../test-support/fixtures';
import { renderWith } from '../test-support/render-app';
import { recordingHost } from '../test-support/recording-host';
import { CreateDialog } from './create-dialog';

const created = {
  kind: 'posix' as const,
  name: 'pulse-shm-12345',
  path: '/dev/shm/pulse-shm-12345',
  dev: 23,
  inode: 99,
  dataSize: 65536,
  fileSize: 65576,
  mode: 0o700,
  markerPid: 4000,
};

const setField = (label: string, value: string) =>
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
const submit = () => fireEvent.click(screen.getByTestId('create-submit'));

describe('CreateDialog', () => {
  it('shows the error next to each invalid field and sends nothing: size 0, mode 0500', () => {
    const host = recordingHost();
    renderWith(<CreateDialog onClose={() => {}} />, { patches: [fullPatch([])], host });
    setField('Data size', '0');
    setField('Mode (octal)', '0500');
    submit();
    expect(screen.getByTestId('field-error-size').textContent).toBe('size must be greater than 0');
    expect(screen.getByTestId('field-error-mode').textContent).toBe(
      'mode 0500 is below 0600 (the owner must be able to read and write)',
    );
    expect(screen.getByLabelText('Data size').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByLabelText('Data size').getAttribute('aria-describedby')).toBe(
      screen.getByTestId('field-error-size').id,
    );
    expect(host.calls).toEqual([]);
  });

  it("clears a field's error once it is edited", () => {
    renderWith(<CreateDialog onClose={() => {}} />);
    setField('Data size', '0');
    submit();
    setField('Data size', '64KiB');
    expect(screen.queryByTestId('field-error-size')).toBeNull();
    expect(screen.getByText('= 64.0 KiB + 40-byte marker')).toBeTruthy();
  });

  it('sends a valid segment to create and says what was made', async () => {
    const host = recordingHost({ create: () => ({ ok: true, value: created }) });
    renderWith(<CreateDialog onClose={() => {}} />, { host });
    setField('Data size', '64KiB');
    setField('Keep the owner alive (seconds)', '60');
    fireEvent.click(screen.getByLabelText('memfd (no name; lives while held)'));
    submit();
    expect((await screen.findByTestId('create-result')).textContent).toContain('Created pulse-shm-12345.');
    expect(host.calls).toEqual([
      { channel: 'create', request: { size: 65536, mode: 0o700, memfd: true, holdSeconds: 60 } },
    ]);
  });

  it('sends a lab pool and a lab srbchannel to their channels', async () => {
    const lab = {
      id: 'lab-1',
      kind: 'pool' as const,
      storage: 'posix' as const,
      name: 'pulse-shm-7',
      inode: 7,
      slots: 8,
    };
    const host = recordingHost({
      'lab-pool': () => ({ ok: true, value: lab }),
      'lab-srbchannel': () => ({ ok: true, value: { ...lab, kind: 'srbchannel' as const } }),
    });
    const { unmount } = renderWith(<CreateDialog onClose={() => {}} />, { host });
    fireEvent.click(screen.getByLabelText('Pool with in-use and freed slots (lab)'));
    setField('Slots (64 KiB each)', '8');
    submit();
    expect((await screen.findByTestId('create-result')).textContent).toContain('pulse-shm-7 with 8 slots');
    unmount();

    renderWith(<CreateDialog onClose={() => {}} />, { host });
    fireEvent.click(screen.getByLabelText('Read-write pool with an srbchannel and traffic (lab)'));
    setField('Rate each way (bytes per second)', '0');
    submit();
    expect(screen.getByTestId('field-error-rate').textContent).toBe('rate must be at least 1 byte per second');
    setField('Rate each way (bytes per second)', '96000');
    submit();
    await screen.findByTestId('create-result');
    expect(host.calls).toEqual([
      { channel: 'lab-pool', request: { slots: 8, allocated: 4, freed: 2, memfd: false } },
      { channel: 'lab-srbchannel', request: { rate: 96000, memfd: false } },
    ]);
  });

  it("shows the engine's refusal in words that say what to do", async () => {
    const host = recordingHost({
      create: () => ({ ok: false, error: { code: 'read-only', message: 'read-only host' } }),
    });
    renderWith(<CreateDialog onClose={() => {}} />, { host });
    submit();
    expect((await screen.findByTestId('create-error')).textContent).toContain('--read-only');
  });

  it('closes on Escape', () => {
    const onClose = vi.fn();
    renderWith(<CreateDialog onClose={onClose} />);
    fireEvent.keyDown(screen.getByTestId('create-dialog'), { key: 'Escape' });
    expect(onClose).toHaveBeenCalledOnce();
  });
});
