/**
 * The Electron main process: lifecycle, one window, the IPC wiring. Every rule about
 * segments lives in core/; this file only transports.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, session } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { InspectorApi } from '../core/inspector/inspector-api';
import { createInspector } from '../core/inspector/inspector-service';
import { wireIpc } from './ipc-wiring';
import { CONTENT_SECURITY_POLICY, secureWebPreferences } from './security';
import { loadBounds, saveBounds } from './window-state';

// This file runs as dist/electron/main.js (tsc) or dist/app/main.js (the esbuild bundle
// that is packaged, scripts/bundle.js): both two levels below the root, in the
// repository as inside app.asar, with their preload.js beside them.
const rendererIndex = path.join(__dirname, '..', '..', 'renderer', 'dist', 'index.html');
const appUrlPrefix = pathToFileURL(path.dirname(rendererIndex)).href;

function createWindow(): BrowserWindow {
  const boundsFile = path.join(app.getPath('userData'), 'window-state.json');
  const window = new BrowserWindow({
    ...loadBounds(boundsFile),
    title: 'SHM Inspector',
    show: false,
    webPreferences: secureWebPreferences(path.join(__dirname, 'preload.js')),
  });
  window.once('ready-to-show', () => window.show());
  window.on('close', () => saveBounds(boundsFile, window.getBounds()));
  // Navigation and new windows are denied (the UI has no links to follow).
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  void window.loadFile(rendererIndex);
  return window;
}

function start(): void {
  session.defaultSession.webRequest.onHeadersReceived((details, respond) =>
    respond({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    }),
  );
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, grant) => grant(false));
  Menu.setApplicationMenu(
    Menu.buildFromTemplate([{ role: 'fileMenu' }, { role: 'editMenu' }, { role: 'viewMenu' }, { role: 'windowMenu' }]),
  );
  // SHM_INSPECTOR_DIR inspects another shm directory (as `serve --dir` does), e.g. for tests.
  const dir = process.env.SHM_INSPECTOR_DIR;
  let inspector: InspectorApi;
  try {
    // The service opens the user's audit log (the one the CLI and the browser host write),
    // and will not start without it: nothing is deleted unrecorded.
    inspector = createInspector(dir ? { dir } : {});
  } catch (error) {
    dialog.showErrorBox('SHM Inspector cannot start', (error as Error).message);
    app.quit();
    return;
  }
  const window = createWindow();
  wireIpc(
    ipcMain,
    {
      mainFrame: window.webContents.mainFrame,
      send: (channel, patch) => window.webContents.send(channel, patch),
      isDestroyed: () => window.isDestroyed(),
    },
    inspector,
    appUrlPrefix,
  );
  app.on('before-quit', () => inspector.close());
  app.on('second-instance', () => {
    if (window.isMinimized()) window.restore();
    window.focus();
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('window-all-closed', () => app.quit());
  void app.whenReady().then(start);
}
