'use strict';
// Builds the native addon and the command line's bundle when they are missing, so that
// bin/shm-inspector and `npm start` work right after `npm install` (which runs no
// scripts). A lock directory keeps concurrent first runs from building at once.
const { existsSync, mkdirSync, rmSync, statSync } = require('node:fs');
const path = require('node:path');

const STALE_LOCK_MS = 10 * 60 * 1000;

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function run(root, args) {
  // Required here, not at the top: child_process loads a dozen modules that every run would pay for.
  const { execFileSync } = require('node:child_process');
  execFileSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

function outputs(root) {
  return {
    addon: path.join(root, 'native', 'build', 'Release', 'shm_inspector.node'),
    cli: path.join(root, 'dist', 'bin', 'shm-inspector.js'), // scripts/bundle.js cli
    renderer: path.join(root, 'renderer', 'dist', 'index.html'),
  };
}

/** Takes the build lock, waiting for another process's build; false if the outputs appeared meanwhile. */
function takeLock(lock, ready) {
  for (;;) {
    try {
      mkdirSync(lock);
      return true;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    if (Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > STALE_LOCK_MS)
      rmSync(lock, { recursive: true, force: true });
    sleep(500);
    if (ready()) return false;
  }
}

/**
 * Builds what is missing: the addon and the CLI bundle, and with `withRenderer` the UI
 * bundle. Returns their paths.
 */
function ensureBuilt(root, withRenderer = false) {
  const built = outputs(root);
  build(root, built, withRenderer);
  return built;
}

function build(root, { addon, cli, renderer }, withRenderer) {
  const ready = () => existsSync(addon) && existsSync(cli) && (!withRenderer || existsSync(renderer));
  if (ready()) return;
  const lock = path.join(root, '.build-lock');
  if (!takeLock(lock, ready)) return;
  try {
    if (!existsSync(addon)) {
      process.stderr.write('shm-inspector: building the native addon (first run)...\n');
      const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js', { paths: [root] });
      run(root, [nodeGyp, 'rebuild', '--directory', 'native', `--nodedir=${process.env.npm_config_nodedir || '/usr'}`]);
    }
    if (!existsSync(cli)) {
      process.stderr.write('shm-inspector: bundling the command line (first run)...\n');
      run(root, [path.join(root, 'scripts', 'bundle.js'), 'cli']);
    }
    if (withRenderer && !existsSync(renderer)) {
      process.stderr.write('shm-inspector: building the UI (first run)...\n');
      const vite = require.resolve('vite/bin/vite.js', { paths: [root] });
      run(root, [vite, 'build', '--config', path.join('renderer', 'vite.config.mts'), '--logLevel', 'error']);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

module.exports = { ensureBuilt };
