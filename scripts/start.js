'use strict';
// `npm start`: builds what is missing or stale, then opens the desktop app. When the
// Electron binary is missing, Electron's own installer fetches it first; where that
// fails, or there is no display to open a window on, it says why in one line and starts
// the browser host instead.
//
// SHM_INSPECTOR_SMOKE=1 makes it a check of the first run: the same steps, then the app
// (Electron, or the browser host) checks that its UI was served a first snapshot, prints
// one line and exits 0 (1 when something failed). CI runs it on a fresh clone.
const { spawn, spawnSync } = require('node:child_process');
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ensureBuilt, exitOnBuildError } = require('./ensure-built.js');
const { findElectronBinary, installElectron } = require('./electron-runtime.js');

const root = path.resolve(__dirname, '..');
const smoke = process.env.SHM_INSPECTOR_SMOKE === '1';
const say = (line) => process.stderr.write(`shm-inspector: ${line}\n`);

/**
 * Opens the address in the user's browser through a redirect file only the user can
 * read (as Jupyter does): the token never appears on a command line, which any local
 * user could read in /proc. The file goes when this process exits.
 */
function openInBrowser(url) {
  const desktop = process.env.DISPLAY || process.env.WAYLAND_DISPLAY;
  if (!desktop || spawnSync('sh', ['-c', 'command -v xdg-open'], { stdio: 'ignore' }).status !== 0) return;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shm-inspector-open-')); // mode 0700
  const page = path.join(dir, 'open.html');
  const target = url.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
  writeFileSync(page, `<!doctype html><meta http-equiv="refresh" content="0;url=${target}">\n`, { mode: 0o600 });
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  spawn('xdg-open', [page], { stdio: 'ignore', detached: true }).unref();
}

/** Runs a child to its end, passing Ctrl-C and SIGTERM on, and exits with its code. */
function runToEnd(child) {
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function startBrowserHost() {
  const args = [
    path.join(root, 'bin', 'shm-inspector'),
    'serve',
    ...(smoke ? ['--smoke'] : []),
    ...process.argv.slice(2),
  ];
  const serve = spawn(process.execPath, args, { stdio: ['inherit', 'pipe', 'inherit'] });
  serve.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    const url = /https?:\/\/\S+/.exec(String(chunk));
    if (url && !smoke) openInBrowser(url[0]);
  });
  runToEnd(serve);
}

/** The Electron binary to open the window with, fetching it when missing; else why not, in one line. */
function electronOrReason() {
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    return { reason: 'no display to open a window on (DISPLAY and WAYLAND_DISPLAY are unset)' };
  const found = findElectronBinary(root);
  if (found.binary || !found.installable) return found;
  const { version } = require(path.join(found.packageDir, 'package.json'));
  process.stderr.write(`shm-inspector: fetching Electron ${version} for the desktop window (once)...`);
  const failure = installElectron(found.packageDir);
  process.stderr.write(failure === null ? ' done\n' : ' failed\n');
  if (failure !== null) return { reason: `Electron could not be fetched: ${failure}` };
  return findElectronBinary(root);
}

try {
  ensureBuilt(root, ['addon', 'cli', 'renderer']);
  const electron = electronOrReason();
  if (electron.binary) {
    ensureBuilt(root, ['app']); // Electron runs package.json "main", the bundle that is also packaged
    // Chromium will not start as root without --no-sandbox; inspecting root's segments needs root.
    const sandbox = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
    runToEnd(spawn(electron.binary, [...sandbox, root], { stdio: 'inherit' }));
  } else {
    say(`no desktop window: ${electron.reason}. Starting the browser host instead.`);
    startBrowserHost();
  }
} catch (error) {
  exitOnBuildError(error);
}
