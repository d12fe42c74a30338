import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { Children } from './support/processes';
import { cell, expect, openApp, segmentRow, showOnlyPulseSegments, test, type CreatedJson } from './support/fixtures';
import { auditLogPath } from './support/paths';

/** A PID that existed and is gone: the child has exited and been reaped. */
function deadPid(): number {
  const pid = spawnSync('true').pid;
  if (pid === undefined) throw new Error('could not spawn true');
  return pid;
}

/** A stale segment made by the CLI: its marker names a process that is gone. */
async function staleSegment(children: Children, dir: string): Promise<CreatedJson> {
  const create = children.start([
    'create',
    '--dir',
    dir,
    '--size',
    '4KiB',
    '--mode',
    '0600',
    '--marker-pid',
    String(deadPid()),
    '--json',
  ]);
  return create.json<CreatedJson>();
}

interface AuditLine {
  name: string;
  dir: string;
  interface: string;
  outcome: string;
  reason: string;
}

/** The audit log's lines about the names in `dir` (the log is shared by the whole run). */
function auditLinesIn(dir: string): AuditLine[] {
  if (!existsSync(auditLogPath())) return [];
  return readFileSync(auditLogPath(), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as AuditLine)
    .filter((entry) => entry.dir === dir);
}

async function expectState(page: Page, name: string, state: string): Promise<void> {
  await expect(segmentRow(page, name).getByTestId('state-badge')).toHaveText(state);
}

test('two stale segments selected with Ctrl-click go through the context menu’s Remove, and the audit log has both', async ({
  page,
  children,
  scratch,
  server,
}) => {
  const [a, b, c] = [
    await staleSegment(children, scratch),
    await staleSegment(children, scratch),
    await staleSegment(children, scratch),
  ];
  if (!a || !b || !c) throw new Error('not created');
  await openApp(page, server);
  await showOnlyPulseSegments(page);
  for (const created of [a, b, c]) await expectState(page, created.name, 'stale');

  await segmentRow(page, a.name).click();
  await segmentRow(page, b.name).click({ modifiers: ['ControlOrMeta'] });
  await expect(segmentRow(page, a.name)).toHaveAttribute('aria-selected', 'true');
  await expect(segmentRow(page, b.name)).toHaveAttribute('aria-selected', 'true');
  await expect(segmentRow(page, c.name)).toHaveAttribute('aria-selected', 'false');

  await segmentRow(page, b.name).click({ button: 'right' });
  const menu = page.getByRole('menu', { name: 'Row actions' });
  await expect(menu).toBeVisible();
  await menu.getByRole('menuitem', { name: /Remove 2 entries/ }).click();

  const dialog = page.getByTestId('remove-dialog');
  await expect(dialog.getByRole('heading')).toHaveText('Remove 2 selected entries');
  const plan = dialog.getByTestId('cleanup-plan');
  await expect(plan).toContainText(`Removes 2 segments from ${scratch}`);
  await expect(plan.getByTestId(`cleanup-remove-${a.name}`)).toBeVisible();
  await expect(plan.getByTestId(`cleanup-remove-${b.name}`)).toBeVisible();
  await dialog.getByTestId('cleanup-confirm').click();
  await expect(dialog.getByTestId('cleanup-result')).toContainText('Removed 2 segments');

  expect(existsSync(a.path ?? ''), 'the first is gone').toBe(false);
  expect(existsSync(b.path ?? ''), 'the second is gone').toBe(false);
  expect(existsSync(c.path ?? ''), 'the one not selected stays, stale as it is').toBe(true);
  expect(
    auditLinesIn(scratch)
      .map((entry) => [entry.name, entry.interface, entry.outcome])
      .sort(),
  ).toEqual(
    [
      [a.name, 'websocket', 'removed'],
      [b.name, 'websocket', 'removed'],
    ].sort(),
  );
  await expect(segmentRow(page, a.name)).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);
});

test('a foreign file and a segment without a marker are removed from the UI only after confirmations that say what they are', async ({
  page,
  scratch,
  server,
}) => {
  const foreign = path.join(scratch, 'notes-e2e.txt');
  writeFileSync(foreign, 'some other program’s data');
  // Named like PulseAudio's, but 10 bytes: no room for a marker.
  const unmarked = path.join(scratch, 'pulse-shm-3999999999');
  writeFileSync(unmarked, Buffer.alloc(10));
  await openApp(page, server);
  // Each row found by the search and selected; a selection stays while the filter changes.
  await page.getByTestId('filter-search').fill('-e2e.txt');
  await expectState(page, 'notes-e2e.txt', 'foreign');
  await segmentRow(page, 'notes-e2e.txt').click();
  await page.getByTestId('filter-search').fill('3999999999');
  await expectState(page, 'pulse-shm-3999999999', 'no-marker');
  await page.getByTestId('filter-search').fill('');
  await segmentRow(page, 'pulse-shm-3999999999').click({ modifiers: ['ControlOrMeta'] });

  await page.keyboard.press('Delete');
  const dialog = page.getByTestId('remove-dialog');
  const confirm = dialog.getByTestId('confirm-force');
  await expect(confirm).toContainText('Remove anyway: 1 foreign entry (notes-e2e.txt)');
  await expect(confirm).toContainText('Not PulseAudio segments: some other program made these files');
  await expect(confirm).toContainText('Remove anyway: 1 no-marker entry (pulse-shm-3999999999)');
  await expect(confirm).toContainText('without a valid marker: no one can tell which process they belong to');
  await expect(dialog).not.toContainText('--force');
  await expect(dialog.getByTestId('cleanup-plan')).toContainText('Nothing to remove');
  await expect(dialog.getByTestId('cleanup-confirm')).toBeDisabled();
  expect(existsSync(foreign), 'nothing goes before the confirmation').toBe(true);

  await dialog.getByTestId('confirm-force-foreign').check();
  await expect(dialog.getByTestId('cleanup-confirm')).toHaveText('Remove 1');
  await dialog.getByTestId('confirm-force-no-marker').check();
  await expect(dialog.getByTestId('cleanup-confirm')).toHaveText('Remove 2');
  await dialog.getByTestId('cleanup-confirm').click();
  await expect(dialog.getByTestId('cleanup-result')).toContainText('Removed 2 segments');
  expect(existsSync(foreign)).toBe(false);
  expect(existsSync(unmarked)).toBe(false);
  expect(
    auditLinesIn(scratch)
      .map((entry) => [entry.name, entry.outcome, entry.reason.split(' ')[0]])
      .sort(),
  ).toEqual(
    [
      ['notes-e2e.txt', 'removed', 'forced'],
      ['pulse-shm-3999999999', 'removed', 'forced'],
    ].sort(),
  );
});

test('Ctrl+C and the context menu copy names, the full path and the owner PID', async ({
  page,
  context,
  children,
  scratch,
  server,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
  const a = await staleSegment(children, scratch);
  const b = await staleSegment(children, scratch);
  await openApp(page, server);
  await showOnlyPulseSegments(page);
  await expectState(page, b.name, 'stale');
  const clipboard = () => page.evaluate(() => navigator.clipboard.readText());

  // The two are next to each other in the name order (only PulseAudio rows shown): from the first, Shift+Down takes both.
  const [first = ''] = [a.name, b.name].sort((x, y) => x.localeCompare(y));
  await segmentRow(page, first).click();
  await page.keyboard.press('Shift+ArrowDown');
  await page.keyboard.press('ControlOrMeta+c');
  await expect(page.getByTestId('row-actions-notice')).toHaveText('Copied 2 names.');
  expect((await clipboard()).split('\n').sort()).toEqual([a.name, b.name].sort());

  await segmentRow(page, a.name).click();
  await page.keyboard.press('Shift+F10');
  await page.getByTestId('row-menu-copy-path').click();
  await expect.poll(clipboard).toBe(path.join(scratch, a.name));
  await segmentRow(page, a.name).click({ button: 'right' });
  await page.getByTestId('row-menu-copy-pid').click();
  await expect.poll(clipboard).toBe(String(a.markerPid));
});

test('a segment Create keeps alive is listed with Release, and no longer mapped once released', async ({
  page,
  scratch,
  server,
}) => {
  await openApp(page, server);
  await showOnlyPulseSegments(page);
  await page.getByTestId('create-button').click();
  const create = page.getByTestId('create-dialog');
  await create.getByLabel('Data size').fill('64KiB');
  await create.getByTestId('create-submit').click();
  const created = create.getByTestId('create-result');
  await expect(created).toContainText(/^Created pulse-shm-\d+\./);
  const name = /Created (pulse-shm-\d+)\./.exec((await created.textContent()) ?? '')?.[1] ?? '';
  await create.getByRole('button', { name: 'Close' }).click();

  await expectState(page, name, 'live');
  await expect(cell(segmentRow(page, name), 'attached')).not.toHaveText('—');
  const held = page.getByTestId(`held-${name}`);
  await expect(held).toContainText(name);
  await segmentRow(page, name).click({ button: 'right' });
  await page.getByTestId('row-menu-release').click();
  await expect(page.getByTestId('row-actions-notice')).toHaveText('Released 1 segment.');
  await expect(held).toHaveCount(0);
  // The file stays; no process maps it now (its marker still names the running host: live, unmapped).
  await expect(cell(segmentRow(page, name), 'attached')).toHaveText('—');
  expect(readdirSync(scratch)).toEqual([name]);
});

test('cleaning 2,000 stale segments keeps Remove in view and shows progress, then a summary', async ({
  page,
  children,
  scratch,
  server,
}) => {
  test.setTimeout(120_000);
  // One made by the CLI, the rest copies of it under other PulseAudio names: the same marker, all stale.
  const first = await staleSegment(children, scratch);
  const count = 2000;
  for (let i = 1; i < count; i++) copyFileSync(first.path ?? '', path.join(scratch, `pulse-shm-${4_000_000_000 + i}`));
  expect(readdirSync(scratch)).toHaveLength(count);

  await openApp(page, server);
  await page.getByTestId('clean-stale-button').click();
  const dialog = page.getByTestId('cleanup-dialog');
  await expect(dialog.getByTestId('cleanup-plan')).toContainText(`Removes ${count} segments from ${scratch}`);
  const remove = dialog.getByTestId('cleanup-confirm');
  await expect(remove).toHaveText(`Remove ${count}`);
  await expect(remove, 'the button is on screen, not 120,000 px down').toBeInViewport();
  // Only the rows in view are rendered.
  expect(await dialog.getByTestId('plan-removals').getByRole('listitem').count()).toBeLessThan(60);

  await remove.click();
  const progress = dialog.getByTestId('cleanup-progress');
  await expect(progress).toContainText(new RegExp(`Removing… [1-9]\\d* of ${count}, [\\d.]+ \\w?i?B freed`));
  await expect(dialog.getByTestId('cleanup-cancel-run')).toBeInViewport();
  const result = dialog.getByTestId('cleanup-result');
  await expect(result).toContainText(`Removed ${count} segments`, { timeout: 60_000 });
  expect(readdirSync(scratch)).toEqual([]);
  expect(auditLinesIn(scratch).filter((entry) => entry.outcome === 'removed')).toHaveLength(count);
});

test('the keyboard alone selects two rows, opens Remove with Delete and removes them', async ({
  page,
  children,
  scratch,
  server,
}) => {
  const a = await staleSegment(children, scratch);
  const b = await staleSegment(children, scratch);
  await openApp(page, server);
  await showOnlyPulseSegments(page);
  await expectState(page, a.name, 'stale');
  await expectState(page, b.name, 'stale');

  await page.getByTestId('segment-table').focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('Shift+End');
  await page.keyboard.press('Delete');
  const dialog = page.getByTestId('remove-dialog');
  await expect(dialog.getByTestId('cleanup-plan')).toContainText('Removes 2 segments');
  await dialog.getByTestId('cleanup-confirm').press('Enter');
  await expect(dialog.getByTestId('cleanup-result')).toContainText('Removed 2 segments');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  expect(readdirSync(scratch)).toEqual([]);
});
