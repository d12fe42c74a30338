'use strict';
// `npm start`: builds what is missing, then opens the Electron app; where no Electron
// runtime exists (its installer downloads one; ELECTRON_OVERRIDE_DIST_PATH points at
// one you have), it says so in one line and starts the browser host instead.
const { execFileSync, spawn, spawnSync } = require('node:child_process');
const { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ensureBuilt } = require('./ensure-built.js');

const root = path.resolve(__dirname, '..');

/** The Electron binary to run, or null when there is none. */
function electronBinary() {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const binary = path.join(override, 'electron');
    return existsSync(binary) ? binary : null;
  }
  // Not require('electron'): without a binary it starts a download (and fails offline).
  try {
    const packageDir = path.dirname(require.resolve('electron/package.json', { paths: [root] }));
    const relative = readFileSync(path.join(packageDir, 'path.txt'), 'utf8').trim();
    const binary = path.join(packageDir, 'dist', relative);
    return existsSync(binary) ? binary : null;
  } catch {
    return null; // no path.txt: the installer never ran or could not download the binary
  }
}

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

function startBrowserHost() {
  const serve = spawn(process.execPath, [path.join(root, 'bin', 'shm-inspector'), 'serve', ...process.argv.slice(2)], {
    stdio: ['inherit', 'pipe', 'inherit'],
  });
  serve.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    const url = /https?:\/\/\S+/.exec(String(chunk));
    if (url) openInBrowser(url[0]);
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => serve.kill(signal));
  serve.on('exit', (code) => process.exit(code ?? 0));
}

ensureBuilt(root, true);
const electron = electronBinary();
if (electron) {
  // Electron runs package.json "main": the bundle that is also packaged (dist/app/main.js).
  if (!existsSync(path.join(root, 'dist', 'app', 'main.js')))
    execFileSync(process.execPath, [path.join(root, 'scripts', 'bundle.js'), 'electron'], { stdio: 'inherit' });
  const app = spawn(electron, [root], { stdio: 'inherit' });
  app.on('exit', (code) => process.exit(code ?? 0));
} else {
  process.stdout.write(
    'No Electron runtime here (it could not be downloaded; set ELECTRON_OVERRIDE_DIST_PATH to use one): starting the browser host instead.\n',
  );
  startBrowserHost();
}
