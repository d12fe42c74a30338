'use strict';
// The esbuild bundles, each one file two levels below the root, as tsc's dist/<project>/
// output is, so that the paths native/load-addon.ts and server/static-files.ts compute
// from __dirname hold for all of them:
// - app: the Electron main process and the preload, into dist/app/: the entry that
//   is packaged (package.json "main"), its dependencies inside, so app.asar needs no
//   node_modules;
// - cli: what bin/shm-inspector runs, into dist/bin/. One file loads faster than the
//   thirty tsc makes (a scan command's whole run, about 7 ms sooner); the packages (zod,
//   ws) stay in node_modules, loaded only by the commands that use them.
// `node scripts/bundle.js [app] [cli]` builds those named, by default both.
const esbuild = require('esbuild');
const path = require('node:path');
const { writeBuildRecord } = require('./build-targets.js');

const root = path.resolve(__dirname, '..');

const BUNDLES = {
  // Electron provides 'electron'; the addon is loaded at run time by its path.
  app: {
    entryPoints: { main: 'electron/main.ts', preload: 'electron/preload.ts' },
    outdir: 'dist/app',
    external: ['electron'],
  },
  // dist/bin/shm-inspector.js: ensure-built.js names it too (bin/ must not load esbuild).
  cli: { entryPoints: { 'shm-inspector': 'cli/main.ts' }, outdir: 'dist/bin', packages: 'external' },
};

/** Bundles one target and records the files it was made from (scripts/build-targets.js). */
async function bundle(name) {
  const target = BUNDLES[name];
  if (!target) throw new Error(`no bundle "${name}" (there are: ${Object.keys(BUNDLES).join(', ')})`);
  const startedAt = Date.now();
  // Not minified: stack traces stay readable (the Electron bundle is about 0.8 MB).
  const result = await esbuild.build({
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'es2022',
    logLevel: 'warning',
    metafile: true,
    ...target,
  });
  writeBuildRecord(root, name, startedAt, Object.keys(result.metafile.inputs));
  return result;
}

if (require.main === module) {
  const names = process.argv.slice(2);
  Promise.all((names.length > 0 ? names : Object.keys(BUNDLES)).map(bundle)).catch((error) => {
    // esbuild has printed its own errors already (logLevel 'warning').
    if (!error.errors) process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
}
