import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const __dirname = path.dirname(fileURLToPath(import.meta.url));

// The analyst console: a static SPA served by the gateway at /console (docs/console.md).
// `npm run console:build` writes dist/console; no network is needed.
export default defineConfig({
  root: __dirname,
  base: '/console/',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: path.resolve(__dirname, '../../dist/console'),
    emptyOutDir: true,
    // No inline scripts or styles: the gateway's CSP for /console is script-src 'self'; style-src 'self'.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
    rollupOptions: { output: { manualChunks: (id: string) => (id.includes('node_modules/echarts') || id.includes('node_modules/zrender') ? 'echarts' : undefined) } },
  },
});
