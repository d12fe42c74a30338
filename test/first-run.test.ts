/**
 * The README's first command on a fresh clone: `npm install && npm start` builds what is
 * missing and starts the app. Each test runs `npm start` in smoke mode
 * (SHM_INSPECTOR_SMOKE=1) in a copy of the repository with no build outputs, whose
 * node_modules links to this checkout's packages, except electron, which is copied so
 * that Electron's installer can write its binary there. The network is a loopback
 * server of the test's own: a mirror serving a stand-in Electron (a shell script, since
 * a real one cannot be downloaded here), or a port that refuses connections.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type RunResult } from './support/processes';
import { makeShmTempDir, randomPulseName } from './support/segments';

const ROOT = path.resolve(__dirname, '..');
const ELECTRON_VERSION = (
  JSON.parse(readFileSync(path.join(ROOT, 'node_modules/electron/package.json'), 'utf8')) as {
    version: string;
  }
).version;
const ZIP_NAME = `electron-v${ELECTRON_VERSION}-linux-x64.zip`;

/** The repository's files as a fresh clone has them (tracked, plus new files git does not ignore). */
function copyCheckout(to: string): void {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT })
    .toString()
    .split('\0')
    .filter((file) => file !== '' && existsSync(path.join(ROOT, file)));
  for (const file of files) cpSync(path.join(ROOT, file), path.join(to, file), { preserveTimestamps: false });
  mkdirSync(path.join(to, 'node_modules'));
  for (const entry of readdirSync(path.join(ROOT, 'node_modules'))) {
    if (entry === 'electron') continue;
    symlinkSync(path.join(ROOT, 'node_modules', entry), path.join(to, 'node_modules', entry));
  }
  // Electron's package as npm installs it with scripts off: no binary, no path.txt.
  cpSync(path.join(ROOT, 'node_modules', 'electron'), path.join(to, 'node_modules', 'electron'), {
    recursive: true,
    filter: (source) => !/[/\\]electron[/\\](dist|path\.txt)$/.test(source),
  });
}

/** A zip of a stand-in `electron` that records how it was started, as Electron's release zips are laid out. */
function standInElectronZip(dir: string, record: string): Buffer {
  const script =
    '#!/bin/sh\n' +
    `printf '%s\\n' "$@" > '${record}.args'\n` +
    `printf '%s\\n' "$SHM_INSPECTOR_SMOKE" > '${record}.smoke'\n` +
    'echo "stand-in electron started"\n';
  const zip = path.join(dir, ZIP_NAME);
  const made = spawnSync('python3', [
    '-c',
    'import sys, zipfile\n' +
      'with zipfile.ZipFile(sys.argv[1], "w") as z:\n' +
      '    info = zipfile.ZipInfo("electron"); info.external_attr = 0o100755 << 16\n' +
      '    z.writestr(info, sys.argv[2]); z.writestr("version", sys.argv[3])\n',
    zip,
    script,
    ELECTRON_VERSION,
  ]);
  if (made.status !== 0) throw new Error(`could not make the zip: ${String(made.stderr)}`);
  return readFileSync(zip);
}

interface Mirror {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

/** A loopback HTTP server that serves files by name and records every request path. */
function serveMirror(files: Record<string, Buffer>): Promise<Mirror> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(request.url ?? '');
    const body = files[path.posix.basename(request.url ?? '')];
    response.writeHead(body ? 200 : 404).end(body);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
        requests,
        close: () => new Promise((done) => server.close(() => done())),
      }),
    ),
  );
}

/** A loopback port that nothing listens on: bound, then released. */
async function refusingPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A first build of the addon takes a while on two cores. */
const SLOW = 300_000;

describe('npm start on a fresh clone', () => {
  let copy: string;
  let shmDir: string;
  let work: string;

  /** `npm start -- --dir shmDir` in the copy, in smoke mode, with the given additions to the environment. */
  function npmStart(env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
    const base: NodeJS.ProcessEnv = { ...process.env, SHM_INSPECTOR_SMOKE: '1' };
    delete base.DISPLAY;
    delete base.WAYLAND_DISPLAY;
    return run(['npm', 'start', '--silent', '--', '--dir', shmDir], {
      cwd: copy,
      env: { ...base, electron_config_cache: path.join(work, 'electron-cache'), ...env },
      timeoutMs: 240_000,
    });
  }

  /** Marks a source file as edited now. */
  function touch(file: string): void {
    const now = new Date();
    utimesSync(path.join(copy, file), now, now);
  }

  beforeAll(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'shm-inspector-first-run-'));
    copy = path.join(work, 'clone');
    copyCheckout(copy);
    shmDir = makeShmTempDir();
    writeFileSync(path.join(shmDir, randomPulseName()), Buffer.alloc(4096));
  });
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
    rmSync(shmDir, { recursive: true, force: true });
  });

  it(
    'builds each missing part with one line each, then serves the UI and a first snapshot',
    async () => {
      const result = await npmStart();

      expect(result.stderr).toMatch(
        /^shm-inspector: building the native addon \(not built yet\)\.\.\. done in [\d.]+ s$/m,
      );
      expect(result.stderr).toMatch(/^shm-inspector: building the command line \(not built yet\)\.\.\. done in/m);
      expect(result.stderr).toMatch(/^shm-inspector: building the UI \(not built yet\)\.\.\. done in/m);
      // The tools' own chatter goes to the logs, not to the user.
      expect(result.stderr + result.stdout).not.toMatch(/gyp info|vite v\d/);
      expect(readFileSync(path.join(copy, 'dist/build-logs/addon.log'), 'utf8')).toContain('gyp info ok');
      expect(result.stderr).toMatch(
        /^shm-inspector: no desktop window: no display to open a window on \(DISPLAY and WAYLAND_DISPLAY are unset\)\. Starting the browser host instead\.$/m,
      );
      expect(result.stdout).toMatch(
        new RegExp(
          `^shm-inspector smoke: ok \\(browser host at http://127\\.0\\.0\\.1:\\d+/, UI served, snapshot of ${shmDir} with 1 item\\)$`,
          'm',
        ),
      );
      expect(result.code).toBe(0);
    },
    SLOW,
  );

  it(
    'rebuilds what a source edit made stale, for bin/shm-inspector and for npm start, and nothing else',
    async () => {
      const bundle = path.join(copy, 'dist/bin/shm-inspector.js');
      const bundledAt = statSync(bundle).mtimeMs;
      touch('core/marker.ts');
      const scan = await run([path.join(copy, 'bin/shm-inspector'), 'scan', '--dir', shmDir, '--json'], {
        timeoutMs: 60_000,
      });
      expect(scan.code).toBe(0);
      expect(scan.stderr.trim()).toMatch(
        /^shm-inspector: building the command line \(core\/marker\.ts changed\)\.\.\. done in [\d.]+ s$/,
      );
      expect(statSync(bundle).mtimeMs).toBeGreaterThan(bundledAt);

      touch('renderer/src/app.tsx');
      touch('native/src/marker.h');
      const result = await npmStart();
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(
        /^shm-inspector: building the native addon \(native\/src\/marker\.h changed\)\.\.\. done/m,
      );
      expect(result.stderr).toMatch(/^shm-inspector: building the UI \(renderer\/src\/app\.tsx changed\)\.\.\. done/m);
      expect(result.stderr).not.toMatch(/building the command line/);
      expect(result.stdout).toMatch(/^shm-inspector smoke: ok /m);

      const again = await npmStart();
      expect(again.stderr).not.toMatch(/building/);
      expect(again.code).toBe(0);
    },
    SLOW,
  );

  it(
    'stops with what failed, the end of the log and where the whole log is, when a build step fails',
    async () => {
      const header = path.join(copy, 'native/src/marker.h');
      const original = readFileSync(header, 'utf8');
      writeFileSync(header, `${original}\n#error broken on purpose by the test\n`);
      try {
        const result = await npmStart();
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(
          /^shm-inspector: building the native addon \(native\/src\/marker\.h changed\)\.\.\. failed$/m,
        );
        expect(result.stderr).toMatch(
          /^shm-inspector: building the native addon failed \(exit code 1\)\. The whole log is dist\/build-logs\/addon\.log; its end:$/m,
        );
        expect(result.stderr).toContain('broken on purpose by the test');
        expect(result.stdout).not.toContain('smoke');
      } finally {
        writeFileSync(header, original);
      }
    },
    SLOW,
  );

  it(
    'builds the addon against the headers of the Node that runs it, found from its own install prefix',
    async () => {
      // Another install of Node: this one's binary, hard-linked (execPath is the real file), beside its headers.
      const prefix = path.join(work, 'other-node');
      mkdirSync(path.join(prefix, 'bin'), { recursive: true });
      mkdirSync(path.join(prefix, 'include'));
      linkSync(process.execPath, path.join(prefix, 'bin', 'node'));
      symlinkSync(
        path.join(path.dirname(process.execPath), '..', 'include', 'node'),
        path.join(prefix, 'include', 'node'),
      );
      const env: NodeJS.ProcessEnv = { ...process.env };
      for (const name of Object.keys(env)) if (/^npm_config_nodedir$/i.test(name)) delete env[name];

      const result = await run([path.join(prefix, 'bin', 'node'), 'scripts/ensure-built.js', '--force', 'addon'], {
        cwd: copy,
        env,
        timeoutMs: 240_000,
      });
      expect(result.code).toBe(0);
      expect(readFileSync(path.join(copy, 'dist/build-logs/addon.log'), 'utf8')).toContain(
        `'-Dnode_root_dir=${prefix}'`,
      );
    },
    SLOW,
  );

  it(
    'with no mirror reachable, says in one line why there is no window and serves the browser host',
    async () => {
      const port = await refusingPort();
      const result = await npmStart({ DISPLAY: ':99', ELECTRON_MIRROR: `http://127.0.0.1:${port}/` });

      expect(result.stderr).toMatch(
        /^shm-inspector: fetching Electron [\d.]+ for the desktop window \(once\)\.\.\. failed$/m,
      );
      const reasons = result.stderr.split('\n').filter((line) => line.includes('no desktop window'));
      expect(reasons).toEqual([
        `shm-inspector: no desktop window: Electron could not be fetched: could not fetch http://127.0.0.1:${port}/v${ELECTRON_VERSION}/${ZIP_NAME}: connect ECONNREFUSED 127.0.0.1:${port}. Starting the browser host instead.`,
      ]);
      expect(result.stdout).toMatch(/^shm-inspector smoke: ok \(browser host at /m);
      expect(result.code).toBe(0);
      expect(existsSync(path.join(copy, 'node_modules/electron/path.txt'))).toBe(false);
    },
    SLOW,
  );

  it(
    'with a mirror, fetches Electron through its own installer, then opens the app with it',
    async () => {
      const record = path.join(work, 'stand-in');
      const zip = standInElectronZip(work, record);
      const sums = Buffer.from(`${createHash('sha256').update(zip).digest('hex')} *${ZIP_NAME}\n`);
      const mirror = await serveMirror({ [ZIP_NAME]: zip, 'SHASUMS256.txt': sums });
      try {
        const env = { DISPLAY: ':99', ELECTRON_MIRROR: mirror.url, electron_use_remote_checksums: '1' };
        const result = await npmStart(env);

        expect(result.stderr).toMatch(
          /^shm-inspector: fetching Electron [\d.]+ for the desktop window \(once\)\.\.\. done$/m,
        );
        expect(mirror.requests).toEqual(
          expect.arrayContaining([`/v${ELECTRON_VERSION}/${ZIP_NAME}`, `/v${ELECTRON_VERSION}/SHASUMS256.txt`]),
        );
        expect(readFileSync(path.join(copy, 'node_modules/electron/path.txt'), 'utf8')).toBe('electron');
        expect(result.stderr).toMatch(/^shm-inspector: building the desktop app \(not built yet\)\.\.\. done/m);
        expect(result.stdout).toContain('stand-in electron started');
        expect(result.stderr).not.toContain('no desktop window');
        expect(result.code).toBe(0);
        // Launched with the app's directory (package.json "main"), in smoke mode.
        const args = readFileSync(`${record}.args`, 'utf8').trim().split('\n');
        expect(args.at(-1)).toBe(copy);
        expect(args.includes('--no-sandbox')).toBe(process.getuid?.() === 0);
        expect(readFileSync(`${record}.smoke`, 'utf8').trim()).toBe('1');

        // Installed once: the next start launches it without fetching.
        const requestsBefore = mirror.requests.length;
        rmSync(`${record}.args`);
        const next = await npmStart(env);
        expect(next.stderr).not.toContain('fetching Electron');
        expect(mirror.requests.length).toBe(requestsBefore);
        expect(existsSync(`${record}.args`)).toBe(true);
        expect(next.code).toBe(0);
      } finally {
        await mirror.close();
      }
    },
    SLOW,
  );
});
