import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { type Page } from '@playwright/test';
import { cell, expect, openApp, segmentRow, showOnlyPulseSegments, test } from './support/fixtures';

const MARKER_SIZE = 40;

/** The last 40 bytes of a file: PulseAudio's marker. */
async function readMarker(file: string, size: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const marker = Buffer.alloc(MARKER_SIZE);
    const { bytesRead } = await handle.read(marker, 0, MARKER_SIZE, size - MARKER_SIZE);
    expect(bytesRead).toBe(MARKER_SIZE);
    return marker;
  } finally {
    await handle.close();
  }
}

/** What a marker naming `pid` must be: magic 0xbeefcafe and the PID, both little endian, then 32 zero bytes. */
function expectedMarker(pid: number): Buffer {
  const marker = Buffer.alloc(MARKER_SIZE);
  marker.set([0xfe, 0xca, 0xef, 0xbe], 0);
  marker.writeUInt32LE(pid, 4);
  return marker;
}

async function openCreateDialog(page: Page) {
  await page.getByTestId('create-button').click();
  const dialog = page.getByTestId('create-dialog');
  await expect(dialog).toBeVisible();
  return dialog;
}

test('Create makes a segment with the requested size and mode, and a marker naming the host', async ({
  page,
  scratch,
  server,
}) => {
  await openApp(page, server);
  await showOnlyPulseSegments(page);

  const dialog = await openCreateDialog(page);
  await expect(dialog.getByLabel('Segment (as PulseAudio makes one)')).toBeChecked();
  await dialog.getByLabel('Data size').fill('128KiB');
  await expect(dialog.getByText('= 128.0 KiB + 40-byte marker')).toBeVisible();
  await dialog.getByLabel('Mode (octal)').fill('0640');
  await dialog.getByTestId('create-submit').click();

  const result = dialog.getByTestId('create-result');
  await expect(result).toContainText(/^Created pulse-shm-\d+\./);
  const name = /Created (pulse-shm-\d+)\./.exec((await result.textContent()) ?? '')?.[1] ?? '';
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);

  // The file: 128 KiB of data plus the 40-byte marker, the mode asked for, the marker naming the server.
  expect(await readdir(scratch)).toEqual([name]);
  const file = path.join(scratch, name);
  const stats = await stat(file);
  expect(stats.isFile()).toBe(true);
  expect(stats.size).toBe(128 * 1024 + MARKER_SIZE);
  expect((stats.mode & 0o777).toString(8)).toBe('640');
  const marker = await readMarker(file, stats.size);
  expect(marker.toString('hex')).toBe(expectedMarker(server.process.pid).toString('hex'));

  // The table: the host made it and keeps it mapped, so it is live with the host as owner.
  const row = segmentRow(page, name);
  await expect(row).toBeVisible({ timeout: 1_000 });
  await expect(cell(row, 'size')).toHaveText(/^128\.0 KiB \/ /);
  await expect(cell(row, 'mode')).toHaveText(/^0640 · uid \d+$/);
  await expect(cell(row, 'owner')).toHaveText(new RegExp(`^${server.process.pid} `));
  await expect(row.getByTestId('state-badge')).toHaveText('live');
});

test('invalid input in the create form shows the errors and creates nothing', async ({ page, scratch, server }) => {
  await openApp(page, server);
  await showOnlyPulseSegments(page);
  const dialog = await openCreateDialog(page);
  const submit = dialog.getByTestId('create-submit');

  // Text that is no size and no octal mode: each field says so.
  await dialog.getByLabel('Data size').fill('lots');
  await dialog.getByLabel('Mode (octal)').fill('0999');
  await dialog.getByLabel('Keep the owner alive (seconds)').fill('soon');
  await submit.click();
  await expect(dialog.getByTestId('field-error-size')).toHaveText('write a size such as 65536, 64KiB or 64MiB');
  await expect(dialog.getByTestId('field-error-mode')).toHaveText('write the mode in octal, such as 0700');
  await expect(dialog.getByTestId('field-error-holdSeconds')).toHaveText('write a whole number');
  await expect(dialog.getByLabel('Data size')).toHaveAttribute('aria-invalid', 'true');

  // Numbers the protocol refuses: over PulseAudio's 1 GiB, a mode below 0600.
  await dialog.getByLabel('Data size').fill('2GiB');
  await expect(dialog.getByTestId('field-error-size'), 'editing a field clears its error').toHaveCount(0);
  await dialog.getByLabel('Mode (octal)').fill('0400');
  await dialog.getByLabel('Keep the owner alive (seconds)').fill('');
  await submit.click();
  await expect(dialog.getByTestId('field-error-size')).toBeVisible();
  await expect(dialog.getByTestId('field-error-size')).not.toBeEmpty();
  await expect(dialog.getByTestId('field-error-mode')).toContainText('0600');
  await expect(dialog.getByTestId('field-error-holdSeconds')).toHaveCount(0);

  // Zero bytes, and the lab's forms judge their own fields too.
  await dialog.getByLabel('Data size').fill('0');
  await submit.click();
  await expect(dialog.getByTestId('field-error-size')).not.toBeEmpty();
  await dialog.getByLabel('Pool with in-use and freed slots (lab)').check();
  await dialog.getByLabel('Slots (64 KiB each)').fill('many');
  await submit.click();
  await expect(dialog.getByTestId('field-error-slots')).toHaveText('write a whole number');

  // Nothing reached the host: the dialog is still the form, the directory and the table are empty.
  await expect(dialog.getByTestId('create-result')).toHaveCount(0);
  await expect(dialog.getByTestId('create-error')).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  await page.getByTestId('rescan-button').click();
  await expect(page.getByTestId('rescan-button')).toHaveText('Rescan');
  expect(await readdir(scratch)).toEqual([]);
  await expect(page.locator('[data-testid^="segment-row-"]')).toHaveCount(0);
});
