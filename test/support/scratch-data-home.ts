/**
 * Vitest global setup: the deletions tests make are audited into a data directory of
 * this run's own (XDG_DATA_HOME), never the user's, and removed afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const dataHome = mkdtempSync(path.join(os.tmpdir(), 'shm-inspector-test-data-'));
  process.env.XDG_DATA_HOME = dataHome;
  return () => rmSync(dataHome, { recursive: true, force: true });
}
