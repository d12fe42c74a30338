import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Deletions made by tests are audited into a data directory of the run's own.
    globalSetup: ['test/support/scratch-data-home.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{protocol,native,core,cli,server,electron,scripts}/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
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
