import { defineConfig, type Plugin } from 'vitest/config';
import react from '@vitejs/plugin-react';

/**
 * The dev server cannot run under index.html's Content-Security-Policy: Vite
 * serves CSS as <style> elements (for HMR), which `style-src 'self'` refuses,
 * so the page loses all its styles; and @vitejs/plugin-react's inline Fast
 * Refresh preamble only escapes `script-src 'self'` because Vite happens to
 * put it before the <meta>. So in `serve` mode only, the policy's <meta> is
 * removed; `vite build` (the deployed site, and what the Playwright tests run)
 * keeps it.
 */
function devWithoutCsp(): Plugin {
  return {
    name: 'raft-lab:dev-without-csp',
    apply: 'serve',
    transformIndexHtml: {
      order: 'pre',
      handler: (html) => html.replace(/<meta\s+http-equiv="Content-Security-Policy"[^>]*>/i, ''),
    },
  };
}

// Relative base: the built site works from any subpath and any static server.
export default defineConfig({
  base: './',
  plugins: [devWithoutCsp(), react()],
  worker: { format: 'es' },
  build: { target: 'es2022' },
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: ['test/browser/**', 'node_modules/**'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
