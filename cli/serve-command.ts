import { parseArgs } from 'node:util';
import { HISTORY_INTERVAL_BOUNDS } from '../core/inspector/history-ring';
import { createInspector } from '../core/inspector/inspector-service';
import { plural } from '../protocol/format';
import { DEFAULT_HOST, DEFAULT_PORT, startBrowserHost, type BrowserHost } from '../server/browser-host';
import { isLoopbackHost } from '../server/access-guard';
import { smokeCheck } from '../server/smoke-check';
import { EXIT_FAILED, EXIT_OK, UsageError, type Io } from './cli-error';
import { printable } from './printable';

function parsePort(text: string | undefined, smoke: boolean): number {
  // A smoke check must not collide with a host the user runs: it takes a free port.
  if (text === undefined) return smoke ? 0 : DEFAULT_PORT;
  if (!/^[0-9]+$/.test(text) || Number(text) > 65_535) {
    throw new UsageError(`--port: "${text}" is not a port number (0 to 65535; 0 picks a free one)`);
  }
  return Number(text);
}

/** --history-ms: how often the history sparklines take a point. */
function parseHistoryMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const { min, max } = HISTORY_INTERVAL_BOUNDS;
  if (!/^[0-9]+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`--history-ms: "${text}" is not a whole number of milliseconds from ${min} to ${max}`);
  }
  return Number(text);
}

/** Resolves at the first SIGINT or SIGTERM. */
function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** `shm-inspector serve`: the app in a browser, until Ctrl-C (with --smoke, until it has checked itself). */
export async function serveCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string', default: DEFAULT_HOST },
      'read-only': { type: 'boolean', default: false },
      'allow-remote': { type: 'boolean', default: false },
      dir: { type: 'string' },
      'static-dir': { type: 'string' },
      smoke: { type: 'boolean', default: false },
      'history-ms': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const port = parsePort(values.port, values.smoke);
  const historyMs = parseHistoryMs(values['history-ms']);
  if (!isLoopbackHost(values.host) && !values['allow-remote']) {
    throw new UsageError(
      `--host ${values.host} is not a loopback address: anyone who can reach it and has the token could ` +
        'delete segments. Add --allow-remote to listen there anyway.',
    );
  }
  // The service decides what read-only means (it opens no audit log and refuses every change).
  const inspector = createInspector({
    ...(values.dir === undefined ? {} : { dir: values.dir }),
    readOnly: values['read-only'],
    ...(historyMs === undefined ? {} : { historyMs }),
    warn: (message) => io.err(`Warning: ${printable(message)}`),
  });
  if (inspector.auditLogFile) io.err(`Deletions are recorded in ${printable(inspector.auditLogFile)}`);
  try {
    const host = await startBrowserHost({
      inspector,
      port,
      host: values.host,
      readOnly: values['read-only'],
      allowRemote: values['allow-remote'],
      warn: io.err,
      ...(values['static-dir'] === undefined ? {} : { staticDir: values['static-dir'] }),
    });
    if (values.smoke) return await smoke(host, io);
    io.out(`SHM Inspector: ${host.url}`);
    await interrupted();
    await host.close();
  } finally {
    inspector.close();
  }
  return EXIT_OK;
}

/** `serve --smoke`: checks the running host as a browser would, says how it went in one line, stops. */
async function smoke(host: BrowserHost, io: Io): Promise<number> {
  try {
    const report = await smokeCheck(host.url);
    const where = host.url.replace(/#.*$/, '');
    io.out(
      `shm-inspector smoke: ok (browser host at ${where}, UI served, snapshot of ${report.dir} with ${plural(report.items, 'item')})`,
    );
    return EXIT_OK;
  } catch (error) {
    io.err(`shm-inspector smoke: failed: ${(error as Error).message}`);
    return EXIT_FAILED;
  } finally {
    await host.close();
  }
}
