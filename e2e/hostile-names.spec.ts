import { writeFile } from 'node:fs/promises';
import { cell, expect, openApp, segmentRow, test } from './support/fixtures';

/** Part of every name below, to narrow the (virtualized) table to them with the search box. */
const TAG = 'odd-e2e';
/** U+202E reverses what follows it, a newline reads as a space, U+009B is a C1 control. */
const HOSTILE = `${TAG}-\u202egpj.exe\nremove\u009b2J`;

test('names that are not UTF-8, or that hold control and bidi characters, are shown distinctly with visible escapes', async ({
  page,
  scratch,
  server,
}) => {
  // Three files a lossy decoder shows alike (odd\ufffd), and one that would pose as another.
  for (const bytes of [Buffer.from([0xff]), Buffer.from([0xfe]), Buffer.from('\ufffd')]) {
    await writeFile(Buffer.concat([Buffer.from(`${scratch}/${TAG}`), bytes]), 'x');
  }
  await writeFile(`${scratch}/${HOSTILE}`, 'x');
  // A trailing space would not show: this one could pass for a name without it.
  await writeFile(`${scratch}/${TAG} `, 'x');

  await openApp(page, server);
  await page.getByTestId('filter-search').fill(TAG);
  const names = page.locator('[role="row"][data-testid^="segment-row-"] .cell--name');
  await expect(names).toHaveCount(5);
  // What a person reads (innerText): each name distinct, the escapes in place of the characters.
  expect((await names.allInnerTexts()).sort()).toEqual(
    [`${TAG}\\xfe`, `${TAG}\\xff`, `${TAG}\ufffd`, `${TAG}\\x20`, `${TAG}-\\u202egpj.exe\\x0aremove\\u009b2J`].sort(),
  );
  // And nothing the browser could reorder, hide or fold into a space is left in the page.
  const rendered = (await names.allTextContents()).join('');
  expect(rendered).not.toMatch(/[\u202e\u009b\n\udc80-\udcff]/);

  const row = segmentRow(page, HOSTILE);
  await expect(cell(row, 'name').locator('.visible-text__escape')).toHaveText(['\\u202e', '\\x0a', '\\u009b']);
  await row.click();
  await expect(page.getByTestId('detail-name')).toHaveText(`${TAG}-\\u202egpj.exe\\x0aremove\\u009b2J`);
});
