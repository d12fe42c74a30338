import { parseArgs } from 'node:util';
import { defaultAuditLogPath } from '../core/audit/audit-log';
import { createInspector } from '../core/inspector/inspector-service';
import { DEFAULT_HOST, DEFAULT_PORT, startBrowserHost } from '../server/browser-host';
import { isLoopbackHost } from '../server/access-guard';
import { EXIT_OK, UsageError, type Io } from './cli-error';
import { printable } from './printable';

function parsePort(text: string | undefined): number {
  if (text === undefined) return DEFAULT_PORT;
  if (!/^[0-9]+$/.test(text) || Number(text) > 65_535) {
    throw new UsageError(`--port: "${text}" is not a port number (0 to 65535; 0 picks a free one)`);
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

/** `shm-inspector serve`: the app in a browser, until Ctrl-C. */
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
    },
    strict: true,
    allowPositionals: false,
  });
  const port = parsePort(values.port);
  if (!isLoopbackHost(values.host) && !values['allow-remote']) {
    throw new UsageError(
      `--host ${values.host} is not a loopback address: anyone who can reach it and has the token could ` +
        'delete segments. Add --allow-remote to listen there anyway.',
    );
  }
  // A read-only host deletes nothing, so it needs no log; any other will not start without one.
  const auditLog = values['read-only'] ? null : defaultAuditLogPath();
  const inspector = createInspector({
    ...(values.dir === undefined ? {} : { dir: values.dir }),
    auditLog,
    warn: (message) => io.err(`Warning: ${printable(message)}`),
  });
  if (auditLog) io.err(`Deletions are recorded in ${auditLog}`);
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
    io.out(`SHM Inspector: ${host.url}`);
    await interrupted();
    await host.close();
  } finally {
    inspector.close();
  }
  return EXIT_OK;
}
