'use strict';
// Bundles the Electron main process and the preload, each into one file in dist/app/:
// the entry that is packaged (package.json "main"), so app.asar needs no node_modules.
// dist/app/ is two levels below the root, as tsc's dist/electron/ is, so the paths that
// electron/main.ts and native/load-addon.ts compute from __dirname hold for both.
const esbuild = require('esbuild');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

esbuild
  .build({
    absWorkingDir: root,
    entryPoints: { main: 'electron/main.ts', preload: 'electron/preload.ts' },
    outdir: path.join('dist', 'app'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'es2022',
    // Electron provides 'electron'; the addon is loaded at run time by its path.
    external: ['electron'],
    // Not minified: about 0.8 MB, and stack traces from a packaged app stay readable.
    logLevel: 'warning',
  })
  .catch(() => process.exit(1));
