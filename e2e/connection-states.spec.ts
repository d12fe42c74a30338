/**
 * When the browser host goes away and comes back as a new run (a new token), an old tab
 * must say so and stop retrying, and the data it still shows must not pass for live.
 */
import { expect, openApp, startServer, test } from './support/fixtures';

test('after the host restarts with a new token, the old tab dims its data, stops retrying and says to open the new address', async ({
  page,
  children,
  scratch,
  server,
}) => {
  await openApp(page, server);
  await expect(page.getByTestId('app')).toHaveClass('app');

  // The host stops: the tab keeps the last state, dimmed, with the actions off, and retries.
  const stopped = await server.process.stop('SIGINT');
  expect(stopped.code).toBe(0);
  await expect(page.getByTestId('connection-status')).toContainText('Disconnected');
  await expect(page.getByTestId('app')).toHaveClass(/app--stale-data/);
  await expect(page.getByTestId('create-button')).toBeDisabled();

  // A new run on the same port has a new token: this tab's is refused, and it stops there.
  const restarted = await startServer(children, scratch, { port: server.port });
  expect(restarted.token).not.toBe(server.token);
  await expect(page.getByTestId('connection-status')).toHaveText('Refused: open the new address', { timeout: 20_000 });
  await expect(page.getByText('The inspector host no longer accepts this page')).toBeVisible();
  await expect(page.getByTestId('app')).toHaveClass(/app--stale-data/);

  // The new address works, in this same tab.
  await openApp(page, restarted);
  await expect(page.getByTestId('app')).toHaveClass('app');
  await restarted.process.stop('SIGINT');
});
