import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The version in the project's package.json, found from this file's directory upwards:
 * it runs as cli/ (tests), dist/cli/ (tsc) or the bundle in dist/bin/.
 */
export function version(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === 'shm-inspector' && manifest.version) return manifest.version;
    } catch {
      // No package.json here: look one level up.
    }
    if (path.dirname(dir) === dir) return 'unknown';
  }
}
