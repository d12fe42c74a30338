import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Addon } from './addon-types';

const ADDON_FILE = 'shm_inspector.node';

/**
 * Where the built addon may be: the node-gyp build in development, and
 * app.asar.unpacked when packaged (a .node file cannot load from inside an asar).
 */
function candidatePaths(): string[] {
  // This file runs from native/ (sources, tests), dist/native/ (compiled) or inside a
  // bundle of scripts/bundle.js (dist/app/main.js, the Electron main process, or
  // dist/bin/shm-inspector.js, the CLI): the root is one or two levels up. Packaged, the root is resources/app.asar.
  const roots = [path.resolve(__dirname, '..'), path.resolve(__dirname, '..', '..')];
  const built = roots.map((root) => path.join(root, 'native', 'build', 'Release', ADDON_FILE));
  const asar = `${path.sep}app.asar${path.sep}`;
  const unpacked = built
    .filter((file) => file.includes(asar))
    .map((file) => file.replace(asar, `${path.sep}app.asar.unpacked${path.sep}`));
  return [...unpacked, ...built];
}

/** The built addon's path (for a child process that must create a segment and exit), or throws saying how to build it. */
export function addonPath(): string {
  const candidates = candidatePaths();
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) {
    throw new Error(
      `The native addon is not built (looked for ${candidates.join(', ')}). Build it with: npm run build:native`,
    );
  }
  return found;
}

let cached: Addon | undefined;

/** Loads the native addon once, or fails saying how to build it. */
export function loadAddon(): Addon {
  if (cached) return cached;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  cached = require(addonPath()) as Addon;
  return cached;
}
