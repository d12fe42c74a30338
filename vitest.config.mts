import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Deletions made by tests are audited into a scratch data directory, not the user's own.
const env = { XDG_DATA_HOME: path.join(os.tmpdir(), 'shm-inspector-test-data') };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          env,
          include: ['{protocol,native,core,cli,server,electron,scripts}/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          env,
          include: ['test/**/*.test.ts'],
          // Real daemons and processes: one file at a time, generous timeouts.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'renderer',
          include: ['renderer/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          setupFiles: ['renderer/src/test-support/setup.ts'],
        },
      },
    ],
  },
});
