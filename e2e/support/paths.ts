import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The command-line entry every test starts: `serve`, `create`, `lab`. */
export const CLI = path.join(REPO_ROOT, 'bin', 'shm-inspector');

/** Where the tests save the PNGs of the main views (kept in the repository). */
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'e2e', 'screenshots');

/** What `npm run build` makes and the suite needs. */
export const BUILD_OUTPUTS: readonly { file: string; what: string }[] = [
  { file: path.join(REPO_ROOT, 'renderer', 'dist', 'index.html'), what: 'the UI bundle, npm run build:renderer' },
  { file: path.join(REPO_ROOT, 'dist', 'bin', 'shm-inspector.js'), what: 'the CLI bundle, npm run build:ts' },
  { file: path.join(REPO_ROOT, 'dist', 'app', 'main.js'), what: 'the Electron main bundle, npm run build:ts' },
  {
    file: path.join(REPO_ROOT, 'native', 'build', 'Release', 'shm_inspector.node'),
    what: 'the native addon, npm run build:native',
  },
];

/** The audit log of the hosts the tests start: in this run's own XDG_DATA_HOME, which global-setup makes. */
export function auditLogPath(): string {
  const dataHome = process.env.XDG_DATA_HOME;
  if (!dataHome?.includes('shm-inspector-e2e-data-'))
    throw new Error('XDG_DATA_HOME is not the run’s own (global-setup)');
  return path.join(dataHome, 'shm-inspector', 'audit.jsonl');
}
