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
import { benchSpaceTime } from './spacetime';

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
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

interface FrameFigures {
  nodes: number;
  frames: number;
  p50: number;
  p95: number;
  inFlightMin: number;
  inFlightMedian: number;
}

/**
 * Frame times of the app at 10× with many messages in flight: long network
 * delays and 30% duplication keep hundreds on the wire (the election churn
 * they cause adds more).
 * Measured as requestAnimationFrame intervals over 6 wall seconds.
 */
async function benchFrames(page: import('@playwright/test').Page, nodes: number, delayMs: [number, number]): Promise<FrameFigures> {
  // tsx compiles with keepNames: give the page the helper its output calls.
  await page.evaluate('globalThis.__name = (f) => f');
  return page.evaluate(
    async ([n, delay]) => {
      const lab = (window.raftLab as unknown as { lab: import('../src/store').Lab }).lab;
      const state = () => lab.store.getState();
      await state().resetCluster(String(n), '7', '0');
      state().setSpeed(10);
      state().setPlaying(true);
      state().cluster.setNetwork({ delayMs: delay, duplicateRate: 0.3 });
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
      await sleep(3000); // fill the wire
      const deltas: number[] = [];
      const inFlight: number[] = [];
      let last = performance.now();
      let running = true;
      const frame = (t: number) => {
        deltas.push(t - last);
        last = t;
        if (running) requestAnimationFrame(frame);
      };
      requestAnimationFrame((t) => {
        last = t;
        requestAnimationFrame(frame);
      });
      const sampler = setInterval(() => {
        inFlight.push(state().cluster.inFlight().length);
        void state().submitCommand(`k=${inFlight.length}`);
      }, 250);
      await sleep(6000);
      running = false;
      clearInterval(sampler);
      const q = (xs: number[], p: number) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? 0;
      return {
        nodes: n,
        frames: deltas.length,
        p50: q(deltas, 0.5),
        p95: q(deltas, 0.95),
        inFlightMin: Math.min(...inFlight),
        inFlightMedian: q(inFlight, 0.5),
      };
    },
    [nodes, delayMs] as const,
  );
}

/** `npm run bench -- --spacetime-only`: just the space-time diagram figures. */
export async function benchSpaceTimeOnly(): Promise<void> {
  await withPreview(async (baseURL) => {
    const browser = await launch();
    try {
      console.log('# Space-time diagram (Chromium 1280x1000, zoom key to next frame; the empty diagram is the baseline, same page)');
      for (const f of await benchSpaceTime(await browser.newPage(), baseURL)) {
        console.log(`${f.label.padEnd(34)} median ${f.medianMs.toFixed(1)} ms (min ${f.minMs.toFixed(1)}, max ${f.maxMs.toFixed(1)})`);
      }
    } finally {
      await browser.close();
    }
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
      console.log(
        `worker transport, heartbeats only (nothing to persist): ${fmt(r.workerIdleDeliveredPerSec)} delivered/s  ratio ${r.idleRatio.toFixed(2)}`,
      );
      console.log(
        `worker transport, client load (IndexedDB write per append): ${fmt(r.workerDeliveredPerSec)} delivered/s  ratio ${r.ratio.toFixed(2)}`,
      );
      console.log(
        `worker transport, client load, app network (15–25 ms delays): ${fmt(r.workerAppNetworkDeliveredPerSec)} delivered/s  ratio ${(r.workerAppNetworkDeliveredPerSec / r.rawRoundTripsPerSec).toFixed(2)}`,
      );
      console.log(`inline transport in the same page, delivered:          ${fmt(r.inlineDeliveredPerSec)} /s`);
      console.log('target: worker/raw ratio >= 0.5');

      console.log('\n# Space-time diagram (Chromium 1280x1000, zoom key to next frame; the empty diagram is the baseline, same page)');
      const st = await browser.newPage();
      for (const f of await benchSpaceTime(st, baseURL)) {
        console.log(`${f.label.padEnd(34)} median ${f.medianMs.toFixed(1)} ms (min ${f.minMs.toFixed(1)}, max ${f.maxMs.toFixed(1)})`);
      }
      await st.close();

      console.log('\n# Frame time (the app at 10x, 1280x720, requestAnimationFrame intervals over 6 s)');
      const cases: [number, [number, number]][] = [
        [5, [1000, 2000]],
        [9, [400, 800]],
        [9, [1000, 2000]],
      ];
      for (const transport of ['worker', 'inline']) {
        for (const [nodes, delay] of cases) {
          const app = await browser.newPage({ viewport: { width: 1280, height: 720 } });
          await app.goto(`${baseURL}${transport === 'inline' ? '?transport=inline' : ''}`);
          await app.waitForFunction(() => window.raftLab?.lab !== undefined);
          const f = await benchFrames(app, nodes, delay);
          console.log(
            `${transport.padEnd(6)} ${nodes} nodes, delays ${delay[0]}–${delay[1]} ms: p50 ${f.p50.toFixed(1)} ms, p95 ${f.p95.toFixed(1)} ms over ${f.frames} frames; in flight: median ${f.inFlightMedian}, min ${f.inFlightMin}`,
          );
          await app.close();
        }
      }
      console.log('target: p95 <= 16.7 ms with >= 200 messages in flight');
    } finally {
      await browser.close();
    }
  });
  const size = firstLoadJsGzipBytes();
  console.log('\n# Bundle');
  console.log(`first-load JS: ${(size.gzipBytes / 1024).toFixed(1)} KB gzip (${size.files.join(', ')}); target <= 150 KB`);
  console.log(`node worker: ${(size.workerGzipBytes / 1024).toFixed(1)} KB gzip (loaded once per node, cached)`);
}
