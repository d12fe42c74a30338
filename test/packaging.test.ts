/**
 * Packaging with electron-builder and electron-builder.yml, offline: the `dir` target
 * holds what the app runs and nothing else (app.asar with the main and preload bundles
 * and the renderer, no node_modules, under 5 MB; the addon in app.asar.unpacked, loading
 * from there), the packaged entry point finds its preload, its page and the addon from
 * where it lies, and the deb target is handed the desktop entry and the icon set.
 *
 * STAND-INS, because this machine has no Electron runtime and cannot download tools:
 * - Electron: electronDist is a directory holding only a fake `electron` (a shell script).
 *   electron-builder copies it and renames it shm-inspector; that is all `dir` needs. The
 *   script carries a copy of Electron's fuse wire (sentinel, version, states), so the fuses
 *   electron-builder.yml asks for are really flipped by electron-builder and read back; that
 *   Electron obeys them can only be seen with a real binary.
 * - fpm: CUSTOM_FPM_PATH is a script that records the files electron-builder hands it
 *   and makes no package.
 * - Running the app: the packaged main bundle runs in Node, from the asar extracted to a
 *   directory named app.asar beside a link to the real app.asar.unpacked, with a stub
 *   module in place of 'electron' that records the window it opens, the menu, the
 *   permission handlers and the app:// handler, fetches the page through that handler,
 *   and sends IPC requests through the wiring main.ts set up; in smoke mode it plays the
 *   page loading (or failing to) and the renderer subscribing, as Electron would.
 * Everything else (the config, the bundles, the asar, the addon, the icons) is real.
 */
import { listPackage, extractAll, extractFile } from '@electron/asar';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeShmTempDir } from './support/segments';

const root = path.resolve(__dirname, '..');
const ADDON_IN_APP = 'native/build/Release/shm_inspector.node';
const ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];
const MAX_ASAR_BYTES = 5 * 1024 * 1024;

const FAKE_FPM = `#!/bin/sh
# Stand-in for fpm: records its arguments and the desktop entry, makes no package.
printf '%s\\n' "$@" > "$(dirname "$0")/fpm-args.txt"
for arg in "$@"; do
  case "$arg" in *.desktop=*) cp "\${arg%%=*}" "$(dirname "$0")/fpm.desktop" ;; esac
done
`;

/**
 * Electron's fuse wire as @electron/fuses reads it: a sentinel, the wire's version (1), its
 * length, then one byte per fuse ('1' on, '0' off), in @electron/fuses's FuseV1Options order.
 */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const FUSES = [
  'RunAsNode',
  'EnableCookieEncryption',
  'EnableNodeOptionsEnvironmentVariable',
  'EnableNodeCliInspectArguments',
  'EnableEmbeddedAsarIntegrityValidation',
  'OnlyLoadAppFromAsar',
  'LoadBrowserProcessSpecificV8Snapshot',
  'GrantFileProtocolExtraPrivileges',
] as const;
/** Electron's own defaults: RunAsNode, NODE_OPTIONS, --inspect and file:// privileges on. */
const DEFAULT_FUSES = '10110001';

/**
 * The stand-in for the Electron binary: a script that fails if run, carrying a fuse wire in
 * Electron's defaults in a comment, so that electron-builder's electronFuses step has
 * something real to flip (it edits those bytes in the packaged copy, as in the real binary).
 */
const STAND_IN_ELECTRON = Buffer.concat([
  Buffer.from('#!/bin/sh\necho "stand-in for Electron" >&2\nexit 1\n# '),
  Buffer.from(FUSE_SENTINEL),
  Buffer.from([1, FUSES.length]),
  Buffer.from(`${DEFAULT_FUSES}\n`),
]);

/** Each fuse's state in a binary's fuse wire: true on, false off. */
function readFuses(binary: string): Record<string, boolean> {
  const bytes = readFileSync(binary);
  const at = bytes.indexOf(FUSE_SENTINEL);
  if (at < 0) throw new Error(`${binary} has no fuse wire`);
  const wire = at + FUSE_SENTINEL.length;
  expect(bytes[wire]).toBe(1);
  const states = bytes.subarray(wire + 2, wire + 2 + (bytes[wire + 1] ?? 0)).toString('latin1');
  return Object.fromEntries(FUSES.map((name, index) => [name, states[index] === '1']));
}

/** Stand-in for Electron's 'electron' module: just enough API for electron/main.ts to start. */
const ELECTRON_STUB = `'use strict';
const handlers = new Map();
const appListeners = new Map();
const mainFrame = { url: '' };
const ipcListeners = new Map();
const contentsListeners = new Map();
const emit = (event, ...args) => (contentsListeners.get(event) ?? []).forEach((listener) => listener(...args));
// In smoke mode the stub stands for the Electron binary, whose version main.ts reports.
if (process.env.STUB_SMOKE) process.versions.electron = '45.5.0';
const opened = { preload: null, devTools: null, page: null, contents: null, guarded: false };
const recorded = { schemes: null, protocolHandler: null, permissionHandlers: [], menu: null };
const rolesOf = (items) =>
  items.flatMap((item) => [item.role, ...(Array.isArray(item.submenu) ? rolesOf(item.submenu) : [])]).filter(Boolean);
class BrowserWindow {
  constructor(options) {
    opened.preload = options.webPreferences.preload;
    opened.devTools = options.webPreferences.devTools;
    this.webContents = {
      mainFrame,
      on(event, listener) { contentsListeners.set(event, [...(contentsListeners.get(event) ?? []), listener]); },
      setWindowOpenHandler() { opened.guarded = true; },
      send() {},
      reload() {},
      isDestroyed: () => false,
    };
    opened.contents = this.webContents;
    // As Electron does: every new web contents goes through web-contents-created.
    for (const listener of appListeners.get('web-contents-created') ?? []) listener({}, this.webContents);
  }
  once() {}
  on() {}
  loadURL(url) {
    opened.page = url;
    mainFrame.url = url;
    return Promise.resolve();
  }
  isDestroyed() { return false; }
}
const app = {
  isPackaged: true,
  requestSingleInstanceLock: () => true,
  on(event, listener) { appListeners.set(event, [...(appListeners.get(event) ?? []), listener]); },
  quit() {},
  exit(code) { process.exit(code); },
  getPath: () => process.env.STUB_USER_DATA,
  whenReady() {
    if (process.env.STUB_SMOKE) {
      // Smoke mode: the page loads (or fails to) and the renderer subscribes, as in Electron;
      // main.ts then writes its line and calls app.exit.
      setImmediate(() => {
        if (process.env.STUB_SMOKE === 'load-fails') {
          emit('did-fail-load', {}, -6, 'ERR_FILE_NOT_FOUND', opened.page, true);
          return;
        }
        emit('did-finish-load');
        ipcListeners.get('inspector:subscribe')({ sender: opened.contents, senderFrame: mainFrame });
      });
      return Promise.resolve();
    }
    // Runs after main.ts's start(): the page through the app:// handler, one request from
    // the window's frame, then the report.
    setImmediate(async () => {
      const page = recorded.protocolHandler(new Request(opened.page));
      const escape = recorded.protocolHandler(new Request('app://shm-inspector/..%2f..%2fpackage.json'));
      const served = {
        status: page.status,
        type: page.headers.get('content-type'),
        csp: page.headers.get('content-security-policy'),
        body: await page.text(),
        escapeStatus: escape.status,
      };
      const event = { sender: opened.contents, senderFrame: mainFrame };
      const ask = (channel, request) => handlers.get('inspector:request')(event, channel, request);
      const response = await ask('create', { size: 4096, mode: 0o600, memfd: false });
      // A stale segment cleaned through IPC: the deletion lands in the audit log in userData.
      const stale = await ask('lab-stale', {});
      const plan = await ask('plan-cleanup', { includeZombie: false, includeReused: false, force: [] });
      const cleaned = await ask('execute-cleanup', { planId: plan.value.planId });
      const addons = Object.keys(require.cache).filter((file) => file.endsWith('.node'));
      const { preload, devTools, page: pageUrl, guarded } = opened;
      const menuRoles = rolesOf(recorded.menu);
      process.stdout.write(JSON.stringify({
        preload, devTools, page: pageUrl, guarded, served, response, stale, cleaned, addons,
        schemes: recorded.schemes, permissionHandlers: recorded.permissionHandlers, menuRoles,
      }));
      process.exit(0);
    });
    return Promise.resolve();
  },
};
const permissionSetter = (name) => (handler) => recorded.permissionHandlers.push([name, typeof handler]);
module.exports = {
  app,
  BrowserWindow,
  ipcMain: {
    handle: (channel, listener) => handlers.set(channel, listener),
    on: (channel, listener) => ipcListeners.set(channel, listener),
  },
  Menu: { buildFromTemplate: (template) => (recorded.menu = template), setApplicationMenu() {} },
  protocol: {
    registerSchemesAsPrivileged: (schemes) => (recorded.schemes = schemes),
    handle: (scheme, handler) => (recorded.protocolHandler = handler),
  },
  session: {
    defaultSession: {
      setPermissionRequestHandler: permissionSetter('request'),
      setPermissionCheckHandler: permissionSetter('check'),
      setDevicePermissionHandler: permissionSetter('device'),
    },
  },
  dialog: { showErrorBox: (title, message) => { process.stderr.write(title + ': ' + message + '\\n'); } },
  shell: { openExternal() {} },
};
`;

interface StubReport {
  preload: string;
  devTools: boolean;
  page: string;
  guarded: boolean;
  served: { status: number; type: string; csp: string; body: string; escapeStatus: number };
  schemes: { scheme: string; privileges: Record<string, boolean> }[];
  permissionHandlers: [string, string][];
  menuRoles: string[];
  response: { ok: boolean; value?: { path: string | null } };
  stale: { ok: boolean; value?: { name: string } };
  cleaned: { ok: boolean; value?: { removed: { name: string }[] } };
  addons: string[];
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): [number, number] {
  const bytes = readFileSync(file);
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

describe('packaging (electron-builder, offline, with stand-ins for Electron and fpm)', () => {
  let tmp: string;
  let appDir: string;
  let asar: string;
  let unpacked: string;
  let shmDir: string;

  beforeAll(async () => {
    for (const built of ['dist/app/main.js', 'dist/app/preload.js', 'renderer/dist/index.html', ADDON_IN_APP]) {
      if (!existsSync(path.join(root, built))) throw new Error(`${built} is missing: run npm run build first`);
    }
    // realpath: the addon's path in require.cache is a real path.
    tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'shm-inspector-packaging-')));
    const electronDist = path.join(tmp, 'electron-stand-in');
    mkdirSync(electronDist);
    writeFileSync(path.join(electronDist, 'electron'), STAND_IN_ELECTRON);
    chmodSync(path.join(electronDist, 'electron'), 0o755);
    const fpm = path.join(tmp, 'fpm-stand-in', 'fpm');
    mkdirSync(path.dirname(fpm));
    writeFileSync(fpm, FAKE_FPM);
    chmodSync(fpm, 0o755);
    execFileSync('bash', [path.join(root, 'scripts', 'render-icons.sh'), path.join(tmp, 'icons')]);

    const cli = require.resolve('electron-builder/cli.js', { paths: [root] });
    const args = [cli, '--linux', 'dir', 'deb', '--publish', 'never'];
    args.push(`-c.electronDist=${electronDist}`, `-c.directories.output=${path.join(tmp, 'out')}`);
    args.push(`-c.linux.icon=${path.join(tmp, 'icons')}`);
    const env = { ...process.env, ELECTRON_BUILDER_CACHE: path.join(tmp, 'cache'), CUSTOM_FPM_PATH: fpm };
    try {
      await promisify(execFile)(process.execPath, args, { cwd: root, env, maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      throw new Error(`electron-builder failed:\n${stdout ?? ''}\n${stderr ?? ''}`);
    }
    appDir = path.join(tmp, 'out', 'linux-unpacked');
    asar = path.join(appDir, 'resources', 'app.asar');
    unpacked = path.join(appDir, 'resources', 'app.asar.unpacked');
    shmDir = makeShmTempDir();
  });

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    if (shmDir) rmSync(shmDir, { recursive: true, force: true });
  });

  it('app.asar holds the main and preload bundles, the renderer and package.json, no node_modules, under 5 MB', ({
    annotate,
  }) => {
    const size = statSync(asar).size;
    const report = `app.asar is ${(size / 1024 / 1024).toFixed(2)} MiB (${size} bytes)`;
    console.log(report);
    void annotate(report);
    expect(size).toBeLessThan(MAX_ASAR_BYTES);

    const entries = listPackage(asar, { isPack: false });
    for (const file of ['/package.json', '/dist/app/main.js', '/dist/app/preload.js', '/renderer/dist/index.html']) {
      expect(entries).toContain(file);
    }
    expect(entries.filter((entry) => entry.includes('node_modules'))).toEqual([]);
    // Only the bundles from dist/: not the tsc output, nor tests or sources.
    expect(entries.filter((entry) => entry.startsWith('/dist/') && !entry.startsWith('/dist/app'))).toEqual([]);
    expect(entries.filter((entry) => entry.endsWith('.ts'))).toEqual([]);

    const metadata = JSON.parse(extractFile(asar, 'package.json').toString('utf8')) as { main: string };
    expect(metadata.main).toBe('dist/app/main.js');
  });

  it('the addon is in app.asar.unpacked, marked unpacked in the asar, and loads from there', () => {
    expect(listPackage(asar, { isPack: true })).toContain(`unpack : /${ADDON_IN_APP}`);
    const addon = path.join(unpacked, ADDON_IN_APP);
    const script =
      'const a = require(process.argv[1]); process.stdout.write(JSON.stringify(a.scanDirectory(process.argv[2])));';
    const scan = JSON.parse(execFileSync(process.execPath, ['-e', script, addon, shmDir], { encoding: 'utf8' })) as {
      dev: number;
      columns: { count: number };
    };
    expect(scan.dev).toBe(statSync(shmDir).dev);
    expect(scan.columns.count).toBe(0);
  });

  /** The layout Electron presents: resources/app.asar/<files> beside resources/app.asar.unpacked. */
  let run: { resources: string; main: string } | null = null;
  function preparedRun(): { resources: string; main: string } {
    if (run) return run;
    const runDir = path.join(tmp, 'run');
    const resources = path.join(runDir, 'resources');
    extractAll(asar, path.join(resources, 'app.asar'));
    // extractAll also copies the unpacked addon in; only the one in app.asar.unpacked may load.
    rmSync(path.join(resources, 'app.asar', ADDON_IN_APP));
    symlinkSync(unpacked, path.join(resources, 'app.asar.unpacked'));
    mkdirSync(path.join(runDir, 'node_modules', 'electron'), { recursive: true });
    writeFileSync(path.join(runDir, 'node_modules', 'electron', 'index.js'), ELECTRON_STUB);
    run = { resources, main: path.join(resources, 'app.asar', 'dist', 'app', 'main.js') };
    return run;
  }

  it('the packaged main bundle finds its preload, its page and the addon from inside app.asar', () => {
    const { resources, main } = preparedRun();
    const userData = path.join(tmp, 'user-data');
    mkdirSync(userData);

    const output = execFileSync(process.execPath, [main], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, SHM_INSPECTOR_DIR: shmDir, STUB_USER_DATA: userData, XDG_DATA_HOME: userData },
      timeout: 20_000,
    });
    const report = JSON.parse(output) as StubReport;

    const inAsar = (file: string): string => {
      const relative = path.relative(path.join(resources, 'app.asar'), file);
      expect(relative.startsWith('..')).toBe(false);
      return `/${relative}`;
    };
    const entries = listPackage(asar, { isPack: false });
    expect(entries).toContain(inAsar(report.preload));
    expect(inAsar(report.preload)).toBe('/dist/app/preload.js');
    // The page is loaded from app://, whose handler serves the packaged renderer/dist and
    // nothing outside it, with the CSP as a header.
    expect(report.page).toBe('app://shm-inspector/index.html');
    expect(report.schemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
    expect(report.served).toMatchObject({ status: 200, type: 'text/html; charset=utf-8', escapeStatus: 400 });
    expect(report.served.body).toBe(extractFile(asar, 'renderer/dist/index.html').toString('utf8'));
    expect(report.served.csp).toContain("script-src 'self'");
    // Packaged: no DevTools, no Reload; every permission refused; the window's contents guarded.
    expect(report.devTools).toBe(false);
    expect(report.menuRoles).not.toContain('toggleDevTools');
    expect(report.menuRoles).not.toContain('reload');
    expect(report.menuRoles).toContain('zoomIn');
    expect(report.permissionHandlers).toEqual([
      ['request', 'function'],
      ['check', 'function'],
      ['device', 'function'],
    ]);
    expect(report.guarded).toBe(true);
    // The addon main.ts's engine loaded is the packaged one in app.asar.unpacked.
    expect(report.addons).toEqual([path.join(unpacked, ADDON_IN_APP)]);
    // And it works: the request went through the IPC wiring and the engine made a segment.
    expect(report.response.ok).toBe(true);
    const created = report.response.value?.path ?? '';
    expect(path.dirname(created)).toBe(shmDir);
    expect(existsSync(created)).toBe(true);
    // A deletion through IPC is in the audit log, the same file the CLI and the browser host write.
    const stale = report.stale.value?.name;
    expect(report.cleaned.value?.removed.map((item) => item.name)).toEqual([stale]);
    const audit = readFileSync(path.join(userData, 'shm-inspector', 'audit.jsonl'), 'utf8')
      .trimEnd()
      .split('\n');
    expect(audit.map((line) => JSON.parse(line) as unknown)).toEqual([
      expect.objectContaining({ interface: 'ipc', dir: shmDir, name: stale, outcome: 'removed' }),
    ]);
  });

  it('smoke mode: one ok line with the segment count and exit 0 once the page loaded and the snapshot was sent', () => {
    const { main } = preparedRun();
    const dir = makeShmTempDir();
    const userData = mkdtempSync(path.join(tmp, 'smoke-'));
    try {
      // Two files the engine scans: any regular file in the directory is a segment to it.
      writeFileSync(path.join(dir, 'smoke-a'), Buffer.alloc(4096));
      writeFileSync(path.join(dir, 'smoke-b'), Buffer.alloc(8192));
      const env = { PATH: process.env.PATH, SHM_INSPECTOR_DIR: dir, STUB_USER_DATA: userData, XDG_DATA_HOME: userData };
      const smoke = (extra: Record<string, string>) =>
        spawnSync(process.execPath, [main], { encoding: 'utf8', env: { ...env, ...extra }, timeout: 20_000 });

      const ok = smoke({ SHM_INSPECTOR_SMOKE: '1', STUB_SMOKE: 'loads' });
      expect({ status: ok.status, stdout: ok.stdout }).toEqual({
        status: 0,
        stdout: 'shm-inspector smoke: ok (electron 45.5.0, 2 segments)\n',
      });

      const failed = smoke({ SHM_INSPECTOR_SMOKE: '1', STUB_SMOKE: 'load-fails' });
      expect({ status: failed.status, stdout: failed.stdout }).toEqual({
        status: 1,
        stdout: "shm-inspector smoke: failed: the UI's page did not load: ERR_FILE_NOT_FOUND (-6)\n",
      });

      // No audit log (its directory would be under a regular file): the app cannot start.
      const notAFile = path.join(userData, 'not-a-directory');
      writeFileSync(notAFile, '');
      const cannotStart = smoke({ SHM_INSPECTOR_SMOKE: '1', STUB_SMOKE: 'loads', XDG_DATA_HOME: notAFile });
      expect(cannotStart.status).toBe(1);
      expect(cannotStart.stdout).toMatch(/^shm-inspector smoke: failed: SHM Inspector cannot start: .+\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the packaged binary’s fuses are flipped: no run-as-node, NODE_OPTIONS or --inspect, only app.asar', () => {
    // The stand-in carries Electron's default wire; electron-builder flipped the packaged copy.
    expect(readFuses(path.join(tmp, 'electron-stand-in', 'electron'))).toMatchObject({ RunAsNode: true });
    expect(readFuses(path.join(appDir, 'shm-inspector'))).toEqual({
      RunAsNode: false,
      EnableCookieEncryption: false,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      // On, though Electron validates the asar's integrity only on macOS and Windows.
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
      LoadBrowserProcessSpecificV8Snapshot: false,
      GrantFileProtocolExtraPrivileges: false,
    });
  });

  it('the deb target gets a System desktop entry and the icon set rendered from build-resources/icon.svg', () => {
    const desktop = readFileSync(path.join(tmp, 'fpm-stand-in', 'fpm.desktop'), 'utf8');
    expect(desktop).toMatch(/^Name=SHM Inspector$/m);
    expect(desktop).toMatch(/^Categories=System;$/m);
    expect(desktop).toMatch(/^Icon=shm-inspector$/m);
    expect(desktop).toMatch(/^Exec="\/opt\/SHM Inspector\/shm-inspector" %U$/m);
    expect(desktop).toMatch(/^StartupWMClass=shm-inspector$/m);

    const args = readFileSync(path.join(tmp, 'fpm-stand-in', 'fpm-args.txt'), 'utf8').split('\n');
    for (const size of ICON_SIZES) {
      const icon = path.join(tmp, 'icons', `${size}x${size}.png`);
      expect(pngSize(icon)).toEqual([size, size]);
      expect(args).toContain(`${icon}=/usr/share/icons/hicolor/${size}x${size}/apps/shm-inspector.png`);
    }
    expect(args).toContain(`${appDir}/=/opt/SHM Inspector`);
    expect(args[args.indexOf('--url') + 1]).toMatch(/^https:\/\//);
    expect(args[args.indexOf('--maintainer') + 1]).toMatch(/<.+@.+>$/);
  });
});
