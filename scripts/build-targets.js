'use strict';
// What the app is built into, and whether each output is current. Every build step leaves
// a record of the files it read (esbuild's metafile, the UI's module graph, the addon's
// sources) and when it started; an output is stale when one of those files changed
// since. One mechanism for everyone who runs built code: `npm start`, bin/shm-inspector
// (which rebuild) and the test suites (which refuse to run yesterday's code).
const { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const path = require('node:path');

/** Each target: what it is, the file that stands for it, and the command that remakes it. */
const TARGETS = {
  addon: {
    what: 'the native addon',
    output: 'native/build/Release/shm_inspector.node',
    remake: 'npm run build:native',
  },
  cli: { what: 'the command line', output: 'dist/bin/shm-inspector.js', remake: 'npm run build:ts' },
  app: { what: 'the desktop app', output: 'dist/app/main.js', remake: 'npm run build:ts' },
  renderer: { what: 'the UI', output: 'renderer/dist/index.html', remake: 'npm run build:renderer' },
};

const recordPath = (root, name) => path.join(root, 'dist', 'build-records', `${name}.json`);

/**
 * Records that `name` was built from `inputs` (paths relative to root), by a build that
 * started at `startedAt` (ms): a file changed after that start is newer than the output.
 */
function writeBuildRecord(root, name, startedAt, inputs) {
  const file = recordPath(root, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ startedAt, inputs: [...inputs].sort() })}\n`);
}

/** The addon's inputs: its sources and build file (node-gyp reports none). */
function addonInputs(root) {
  const sources = readdirSync(path.join(root, 'native', 'src')).map((name) => `native/src/${name}`);
  return ['native/binding.gyp', ...sources];
}

/** Why the target's output cannot be used as it is, or null when it is current. */
function staleness(root, name) {
  const target = TARGETS[name];
  if (!existsSync(path.join(root, target.output))) return 'not built yet';
  let record;
  try {
    record = JSON.parse(readFileSync(recordPath(root, name), 'utf8'));
  } catch {
    return 'built without a record of its sources';
  }
  for (const input of record.inputs) {
    const stat = statSync(path.join(root, input), { throwIfNoEntry: false });
    if (stat === undefined) return `${input} is gone`;
    if (stat.mtimeMs > record.startedAt) return `${input} changed`;
  }
  return null;
}

/** The targets among `names` whose output is missing or older than its sources, with the reason. */
function staleTargets(root, names) {
  return names.flatMap((name) => {
    const reason = staleness(root, name);
    return reason === null ? [] : [{ name, ...TARGETS[name], reason }];
  });
}

module.exports = { TARGETS, addonInputs, staleTargets, writeBuildRecord };
