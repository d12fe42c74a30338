import os from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The command-line entry every test starts: `serve`, `create`, `lab`. */
export const CLI = path.join(REPO_ROOT, 'bin', 'shm-inspector');

/** Where the tests save the PNGs of the main views (kept in the repository). */
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'e2e', 'screenshots');

/** What `npm run build` makes and the suite needs. */
export const BUILD_OUTPUTS: readonly { file: string; what: string }[] = [
  { file: path.join(REPO_ROOT, 'renderer', 'dist', 'index.html'), what: 'the UI bundle, npm run build:renderer' },
  { file: path.join(REPO_ROOT, 'dist', 'cli', 'main.js'), what: 'the compiled TypeScript, npm run build:ts' },
  { file: path.join(REPO_ROOT, 'dist', 'electron', 'main.js'), what: 'the Electron main process, npm run build:ts' },
  {
    file: path.join(REPO_ROOT, 'native', 'build', 'Release', 'shm_inspector.node'),
    what: 'the native addon, npm run build:native',
  },
];

/** The hosts the tests start audit their deletions here (XDG_DATA_HOME, set by global-setup), not in the user's data directory. */
export const TEST_DATA_HOME = path.join(os.tmpdir(), 'shm-inspector-test-data');
export const AUDIT_LOG = path.join(TEST_DATA_HOME, 'shm-inspector', 'audit.jsonl');
