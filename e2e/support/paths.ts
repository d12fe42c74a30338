import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The command-line entry every test starts: `serve`, `create`, `lab`. */
export const CLI = path.join(REPO_ROOT, 'bin', 'shm-inspector');

/** Where the tests save the PNGs of the main views (kept in the repository). */
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'e2e', 'screenshots');

/** The audit log of the hosts the tests start: in this run's own XDG_DATA_HOME, which global-setup makes. */
export function auditLogPath(): string {
  const dataHome = process.env.XDG_DATA_HOME;
  if (!dataHome?.includes('shm-inspector-e2e-data-'))
    throw new Error('XDG_DATA_HOME is not the run’s own (global-setup)');
  return path.join(dataHome, 'shm-inspector', 'audit.jsonl');
}
