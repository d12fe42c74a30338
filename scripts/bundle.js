'use strict';
// The esbuild bundles, each one file two levels below the root, as tsc's dist/<project>/
// output is, so that the paths native/load-addon.ts and server/static-files.ts compute
// from __dirname hold for all of them:
// - electron: the Electron main process and the preload, into dist/app/: the entry that
//   is packaged (package.json "main"), its dependencies inside, so app.asar needs no
//   node_modules;
// - cli: what bin/shm-inspector runs, into dist/bin/. One file loads faster than the
//   thirty tsc makes (a scan command's whole run, about 7 ms sooner); the packages (zod,
//   ws) stay in node_modules, loaded only by the commands that use them.
// `node scripts/bundle.js [electron] [cli]` builds those named, by default both.
const esbuild = require('esbuild');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

const TARGETS = {
  // Electron provides 'electron'; the addon is loaded at run time by its path.
  electron: {
    entryPoints: { main: 'electron/main.ts', preload: 'electron/preload.ts' },
    outdir: 'dist/app',
    external: ['electron'],
  },
  // dist/bin/shm-inspector.js: ensure-built.js names it too (bin/ must not load esbuild).
  cli: { entryPoints: { 'shm-inspector': 'cli/main.ts' }, outdir: 'dist/bin', packages: 'external' },
};

async function bundle(name) {
  const target = TARGETS[name];
  if (!target) throw new Error(`no bundle "${name}" (there are: ${Object.keys(TARGETS).join(', ')})`);
  // Not minified: stack traces stay readable (the Electron bundle is about 0.8 MB).
  return esbuild.build({
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'es2022',
    logLevel: 'warning',
    ...target,
  });
}

if (require.main === module) {
  const names = process.argv.slice(2);
  Promise.all((names.length > 0 ? names : Object.keys(TARGETS)).map(bundle)).catch((error) => {
    // esbuild has printed its own errors already (logLevel 'warning').
    if (!error.errors) process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
}
