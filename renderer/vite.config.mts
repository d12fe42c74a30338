// The renderer's build: one static bundle with relative URLs (base './'), so the same files
// load from disk in Electron and from the browser host.
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = path.dirname(root);
const { writeBuildRecord } = createRequire(import.meta.url)('../scripts/build-targets.js') as {
  writeBuildRecord(root: string, name: string, startedAt: number, inputs: string[]): void;
};

/**
 * Records the files the UI was built from (scripts/build-targets.js), so that `npm start`
 * and the tests know when the build is older than its sources: every module in the graph,
 * the files copied from public/, and this config.
 */
function recordInputs(): Plugin {
  let startedAt = 0;
  return {
    name: 'shm-inspector-build-record',
    apply: 'build',
    buildStart() {
      startedAt = Date.now();
    },
    buildEnd(error) {
      if (error) return;
      const modules = [...this.getModuleIds()]
        .filter((id) => path.isAbsolute(id) && !id.includes('?'))
        .map((id) => path.relative(repoRoot, id));
      const assets = readdirSync(path.join(root, 'public'), { recursive: true, encoding: 'utf8' });
      const inputs = new Set([
        ...modules,
        ...assets.map((file) => path.join('renderer', 'public', file)),
        'renderer/index.html',
        'renderer/vite.config.mts',
      ]);
      writeBuildRecord(repoRoot, 'renderer', startedAt, [...inputs]);
    },
  };
}

export default defineConfig({
  root,
  base: './',
  plugins: [react(), recordInputs()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // A strict CSP forbids inline scripts; a data: URL for a small asset would need img-src data:.
    assetsInlineLimit: 0,
  },
});
