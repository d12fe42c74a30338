'use strict';
// Builds what is missing or older than its sources (scripts/build-targets.js), so that
// bin/shm-inspector and `npm start` work right after `npm install` (which runs no
// scripts) and after every edit. Each step says what it does in one line; the tools'
// own output goes to a log under dist/build-logs/, shown only when a step fails. A lock
// directory keeps concurrent first runs from building at once.
//
// `node scripts/ensure-built.js [--force] [target...]` builds the named targets (all by
// default) when stale, or always with --force: `npm run build` and its parts.
const { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync } = require('node:fs');
const path = require('node:path');
const { TARGETS, addonInputs, staleTargets, writeBuildRecord } = require('./build-targets.js');

const STALE_LOCK_MS = 10 * 60 * 1000;
const LOG_LINES_ON_FAILURE = 20;

/** A build step that failed; its message says which, why, and where the whole log is. */
class BuildError extends Error {}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * The install prefix of the Node that runs this, when it ships Node's headers there
 * (official tarballs, nvm, nodesource and Debian all do): the addon is then built
 * against the Node that will load it. npm's own nodedir setting wins; with neither,
 * node-gyp does what it does by default (it downloads the headers).
 */
function nodeHeadersPrefix() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  return existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? prefix : null;
}

/** A package's command through its package.json `bin`, which its `exports` cannot hide. */
function packageBin(root, name, command = name) {
  const manifest = require.resolve(`${name}/package.json`, { paths: [root] });
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8'));
  return path.join(path.dirname(manifest), typeof bin === 'string' ? bin : bin[command]);
}

/** The node command line that builds each target. */
const STEPS = {
  addon: (root) => {
    const prefix = nodeHeadersPrefix();
    const args = [packageBin(root, 'node-gyp'), 'rebuild', '--directory', 'native'];
    return prefix === null ? args : [...args, `--nodedir=${prefix}`];
  },
  cli: (root) => [path.join(root, 'scripts', 'bundle.js'), 'cli'],
  app: (root) => [path.join(root, 'scripts', 'bundle.js'), 'app'],
  renderer: (root) => [packageBin(root, 'vite'), 'build', '--config', path.join('renderer', 'vite.config.mts')],
};

function lastLines(file, count) {
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  return lines
    .slice(-count)
    .map((line) => `  ${line}`)
    .join('\n');
}

/** Runs one target's build with its output in a log file; throws a BuildError when it fails. */
function buildOne(root, target, reason) {
  // Required here, not at the top: child_process loads a dozen modules that every CLI run would pay for.
  const { spawnSync } = require('node:child_process');
  const logDir = path.join(root, 'dist', 'build-logs');
  mkdirSync(logDir, { recursive: true });
  const log = path.join(logDir, `${target.name}.log`);
  const logRelative = path.relative(process.cwd(), log);
  process.stderr.write(`shm-inspector: building ${target.what} (${reason})...`);
  const startedAt = Date.now();
  const fd = openSync(log, 'w');
  let result;
  try {
    // At npm's info level whatever npm was run with (`npm start --silent` silences node-gyp): the log is for reading.
    const env = { ...process.env, npm_config_loglevel: 'info' };
    result = spawnSync(process.execPath, STEPS[target.name](root), { cwd: root, env, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  if (result.error || result.status !== 0) {
    process.stderr.write(' failed\n');
    const how = result.error ? result.error.message : `exit code ${result.status ?? result.signal}`;
    throw new BuildError(
      `shm-inspector: building ${target.what} failed (${how}). The whole log is ${logRelative}; its end:\n` +
        `${lastLines(log, LOG_LINES_ON_FAILURE)}\nFix the cause, then run the command again (or ${target.remake}).`,
    );
  }
  if (target.name === 'addon') writeBuildRecord(root, 'addon', startedAt, addonInputs(root));
  process.stderr.write(` done in ${((Date.now() - startedAt) / 1000).toFixed(1)} s\n`);
}

/** Takes the build lock, waiting for another process's build; false if the outputs became current meanwhile. */
function takeLock(lock, current) {
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
    if (current()) return false;
  }
}

/**
 * Builds the named targets that are missing or older than their sources (all of them
 * with `force`). Returns the path of each target's output, by name. Throws a BuildError.
 */
function ensureBuilt(root, names, { force = false } = {}) {
  const outputs = Object.fromEntries(names.map((name) => [name, path.join(root, TARGETS[name].output)]));
  const toBuild = () =>
    force ? names.map((name) => ({ name, ...TARGETS[name], reason: 'asked for' })) : staleTargets(root, names);
  if (toBuild().length === 0) return outputs;
  const lock = path.join(root, '.build-lock');
  if (!takeLock(lock, () => toBuild().length === 0)) return outputs;
  try {
    for (const target of toBuild()) buildOne(root, target, target.reason);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return outputs;
}

/** Prints a BuildError's message and exits 1; anything else is a bug, thrown on. */
function exitOnBuildError(error) {
  if (!(error instanceof BuildError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const force = args.includes('--force');
  const names = args.filter((arg) => arg !== '--force');
  const unknown = names.filter((name) => !Object.hasOwn(TARGETS, name));
  if (unknown.length > 0) {
    process.stderr.write(
      `ensure-built: no target ${unknown.join(', ')} (there are: ${Object.keys(TARGETS).join(', ')})\n`,
    );
    process.exit(2);
  }
  try {
    ensureBuilt(path.resolve(__dirname, '..'), names.length > 0 ? names : Object.keys(TARGETS), { force });
  } catch (error) {
    exitOnBuildError(error);
  }
}

module.exports = { BuildError, ensureBuilt, exitOnBuildError };
