// The renderer's build: one static bundle with relative URLs (base './'), so the same files
// load from disk in Electron and from the browser host.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // A strict CSP forbids inline scripts; a data: URL for a small asset would need img-src data:.
    assetsInlineLimit: 0,
  },
});
