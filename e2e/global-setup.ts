import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILD_OUTPUTS, REPO_ROOT } from './support/paths';

/**
 * The suite tests what `npm run build` produced (scripts/test.sh builds first): it never
 * builds on its own, so a missing output stops the run at once with what to do.
 */
export default function globalSetup(): () => void {
  const missing = BUILD_OUTPUTS.filter((output) => !existsSync(output.file));
  if (missing.length > 0) {
    const list = missing.map((output) => `  ${path.relative(REPO_ROOT, output.file)} (${output.what})`).join('\n');
    throw new Error(
      `The e2e tests need a build, and these outputs are missing:\n${list}\n` +
        'Run `npm run build` first (`npm test` does it), then `npx playwright test` again.',
    );
  }
  // The hosts' audit log goes to a data directory of this run's own, inherited by the
  // workers and every host they start, and removed at the end (the returned teardown).
  const dataHome = mkdtempSync(path.join(os.tmpdir(), 'shm-inspector-e2e-data-'));
  process.env.XDG_DATA_HOME = dataHome;
  return () => rmSync(dataHome, { recursive: true, force: true });
}
