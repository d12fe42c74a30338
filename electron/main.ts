/**
 * The Electron main process: lifecycle, one window, the IPC wiring. Every rule about
 * segments lives in core/; this file only transports.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session } from 'electron';
import path from 'node:path';
import type { InspectorApi } from '../core/inspector/inspector-api';
import { createInspector } from '../core/inspector/inspector-service';
import { menuTemplate } from './app-menu';
import { APP_SCHEME, APP_START_URL } from './app-origin';
import { serveAppRequest } from './app-protocol';
import { guardWebContents } from './contents-guard';
import { recoverFromCrashes } from './crash-recovery';
import { wireIpc } from './ipc-wiring';
import { denyAllPermissions, secureWebPreferences } from './security';
import { claimSingleInstance } from './single-instance';
import { createSmokeCheck, SMOKE_ENV, type SmokeCheck } from './smoke-check';
import { loadBounds, saveBounds } from './window-state';

// This file runs as dist/electron/main.js (tsc) or dist/app/main.js (the esbuild bundle
// that is packaged, scripts/bundle.js): both two levels below the root, in the
// repository as inside app.asar, with their preload.js beside them.
const rendererDir = path.join(__dirname, '..', '..', 'renderer', 'dist');

const smoke: SmokeCheck | null =
  process.env[SMOKE_ENV] === '1'
    ? createSmokeCheck({
        electronVersion: process.versions.electron ?? 'unknown',
        // The line is written before the app exits (a pipe to npm start may be slow).
        finish: (line, exitCode) => process.stdout.write(`${line}\n`, () => app.exit(exitCode)),
      })
    : null;

/** Stops the app with a reason: one line in smoke mode, else a dialog. */
function stopWith(title: string, reason: string): void {
  if (smoke) {
    smoke.failed(`${title}: ${reason}`);
    return;
  }
  dialog.showErrorBox(title, reason);
  app.quit();
}

// app:// must be registered before the app is ready: standard (an origin, relative URLs),
// secure (a secure context, like https), with fetch for the module scripts. Not
// corsEnabled: that would let other origins read app:// responses.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

function createWindow(): BrowserWindow {
  const boundsFile = path.join(app.getPath('userData'), 'window-state.json');
  const window = new BrowserWindow({
    ...loadBounds(boundsFile),
    title: 'SHM Inspector',
    show: false,
    webPreferences: secureWebPreferences(path.join(__dirname, 'preload.js'), { devTools: !app.isPackaged }),
  });
  window.once('ready-to-show', () => window.show());
  window.on('close', () => saveBounds(boundsFile, window.getBounds()));
  recoverFromCrashes(window.webContents, {
    maxReloads: 3,
    windowMs: 60_000,
    giveUp: (reason) => stopWith('SHM Inspector’s window keeps failing', reason),
  });
  if (smoke) {
    const check = smoke;
    window.webContents.on('did-finish-load', () => check.pageLoaded());
    window.webContents.on('did-fail-load', (_event, code, description, _url, isMainFrame) => {
      if (isMainFrame) check.failed(`the UI's page did not load: ${description} (${code})`);
    });
    window.webContents.on('render-process-gone', (_event, details) =>
      check.failed(`the renderer stopped: ${details.reason} (exit code ${details.exitCode})`),
    );
  }
  void window.loadURL(APP_START_URL);
  return window;
}

let mainWindow: BrowserWindow | null = null;

function start(): void {
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(rendererDir, request));
  denyAllPermissions(session.defaultSession);
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ packaged: app.isPackaged })));
  // SHM_INSPECTOR_DIR inspects another shm directory (as `serve --dir` does), e.g. for tests.
  const dir = process.env.SHM_INSPECTOR_DIR;
  let inspector: InspectorApi;
  try {
    // The service opens the user's audit log (the one the CLI and the browser host write),
    // and will not start without it: nothing is deleted unrecorded.
    inspector = createInspector(dir ? { dir } : {});
  } catch (error) {
    stopWith('SHM Inspector cannot start', (error as Error).message);
    return;
  }
  const window = createWindow();
  mainWindow = window;
  wireIpc(ipcMain, window, inspector, smoke ? { patchSent: (patch) => smoke.patchSent(patch) } : {});
  app.on('before-quit', () => inspector.close());
}

// Every web contents, not only the window's: guarded as soon as it exists.
app.on('web-contents-created', (_event, contents) => guardWebContents(contents));

if (!claimSingleInstance(app, () => mainWindow)) {
  if (smoke) smoke.failed('another SHM Inspector is running, and only one may run');
  else app.quit();
} else {
  app.on('window-all-closed', () => app.quit());
  void app
    .whenReady()
    .then(start)
    .catch((error: unknown) => stopWith('SHM Inspector cannot start', String(error)));
}
