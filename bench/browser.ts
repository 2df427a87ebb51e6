/**
 * Browser benchmarks, in the system Chromium against the built app:
 * the worker transport vs a raw postMessage round-trip loop (same page),
 * and the first-load JS bundle size (gzip).
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';

const PORT = 4191;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** Gzip size of the JS a first visit loads: the entry script and its modulepreloads. */
export function firstLoadJsGzipBytes(dist = 'dist'): { files: string[]; gzipBytes: number; workerGzipBytes: number } {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  const gz = (f: string) => gzipSync(readFileSync(join(dist, f))).length;
  const workers = readdirSync(join(dist, 'assets')).filter((f) => f.startsWith('node.worker'));
  return {
    files,
    gzipBytes: files.reduce((sum, f) => sum + gz(f), 0),
    workerGzipBytes: workers.reduce((sum, f) => sum + gz(join('assets', f)), 0),
  };
}

export async function withPreview<T>(fn: (baseURL: string) => Promise<T>): Promise<T> {
  execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], { stdio: 'inherit' });
  const server = spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'preview', '--port', String(PORT), '--strictPort'], {
    stdio: 'ignore',
  });
  try {
    const baseURL = `http://localhost:${PORT}/`;
    for (let i = 0; i < 100; i++) {
      try {
        if ((await fetch(baseURL)).ok) break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    return await fn(baseURL);
  } finally {
    server.kill();
  }
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export async function benchBrowser(): Promise<void> {
  await withPreview(async (baseURL) => {
    const browser = await launch();
    try {
      const page = await browser.newPage();
      await page.goto(baseURL);
      await page.waitForFunction(() => window.raftLab !== undefined);
      const runs = [];
      for (let i = 0; i < 3; i++) runs.push(await page.evaluate(() => window.raftLab!.benchTransport(2000)));
      runs.sort((a, b) => a.ratio - b.ratio);
      const r = runs[1]!;
      console.log('# Worker transport (Chromium, 5 nodes; client load = one command every 5 virtual ms; median of 3)');
      console.log(`raw postMessage round trips (echo worker, lock-step): ${fmt(r.rawRoundTripsPerSec)} /s`);
      console.log(`worker transport, heartbeats only (nothing to persist): ${fmt(r.workerIdleDeliveredPerSec)} delivered/s  ratio ${r.idleRatio.toFixed(2)}`);
      console.log(`worker transport, client load (IndexedDB write per append): ${fmt(r.workerDeliveredPerSec)} delivered/s  ratio ${r.ratio.toFixed(2)}`);
      console.log(`inline transport in the same page, delivered:          ${fmt(r.inlineDeliveredPerSec)} /s`);
      console.log('target: worker/raw ratio >= 0.5');
    } finally {
      await browser.close();
    }
  });
  const size = firstLoadJsGzipBytes();
  console.log('\n# Bundle');
  console.log(`first-load JS: ${(size.gzipBytes / 1024).toFixed(1)} KB gzip (${size.files.join(', ')}); target <= 150 KB`);
  console.log(`node worker: ${(size.workerGzipBytes / 1024).toFixed(1)} KB gzip (loaded once per node, cached)`);
}
