import { defineConfig, type Plugin } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

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

/**
 * Offline after the first visit (issue 14): `vite build` also writes a
 * Workbox service worker (`sw.js`) that precaches every file of the build —
 * the HTML, the app and node-worker chunks, the CSS, anything in public/ — and
 * answers navigations with the precached index.html. It is registered by
 * src/ui/pwa.ts (hence `injectRegister: false`), relative to the page, so its
 * scope is the directory the site is served from. `registerType: 'prompt'`: a
 * new deployment installs in the background and waits; the page offers to
 * reload (src/ui/UpdatePrompt.tsx) rather than swapping code under a running
 * cluster. Not in `npm run dev` (devOptions off): `virtual:pwa-register` is a
 * no-op there and in Vitest.
 */
const offline = VitePWA({
  strategies: 'generateSW',
  registerType: 'prompt',
  injectRegister: false,
  manifest: false,
  workbox: {
    globPatterns: ['**/*.{js,mjs,css,html,svg,png,ico,webmanifest,json,txt,woff2}'],
    navigateFallback: 'index.html',
    cleanupOutdatedCaches: true,
  },
  devOptions: { enabled: false },
});

// Relative base: the built site works from any subpath and any static server.
export default defineConfig({
  base: './',
  plugins: [devWithoutCsp(), react(), offline],
  worker: { format: 'es' },
  build: { target: 'es2022' },
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: ['test/browser/**', 'node_modules/**'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
