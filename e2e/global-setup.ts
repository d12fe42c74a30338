import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { staleTargets } from '../scripts/build-targets';
import { REPO_ROOT } from './support/paths';

/**
 * The suite tests what `npm run build` produced (scripts/test.sh builds first): it never
 * builds on its own, so a missing or stale output stops the run at once with what to do.
 */
export default function globalSetup(): () => void {
  const stale = staleTargets(REPO_ROOT, ['addon', 'cli', 'app', 'renderer']);
  if (stale.length > 0) {
    const list = stale.map((target) => `  ${target.output} (${target.what}): ${target.reason}`).join('\n');
    throw new Error(
      `The e2e tests need a current build, and these outputs are missing or older than their sources:\n${list}\n` +
        'Run `npm run build` first (`npm test` does it), then `npx playwright test` again.',
    );
  }
  // The hosts' audit log goes to a data directory of this run's own, inherited by the
  // workers and every host they start, and removed at the end (the returned teardown).
  const dataHome = mkdtempSync(path.join(os.tmpdir(), 'shm-inspector-e2e-data-'));
  process.env.XDG_DATA_HOME = dataHome;
  return () => rmSync(dataHome, { recursive: true, force: true });
}
