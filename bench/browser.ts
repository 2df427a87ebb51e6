/**
 * Browser benchmarks, in the system Chromium against the built app, each
 * beside its baseline from the same run: the worker transport beside a raw
 * postMessage loop (same page), the space-time diagram beside an empty one
 * (same page), and the first-load JS bundle size (gzip).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser } from '@playwright/test';
import { BENCH_DIST, showSpread, spread, withBrowser, withPage, withPreview, type Spread } from './harness';
import { record, setChromiumVersion } from './results';
import { benchFrames } from './frames';
import { benchLag } from './lag';
import { benchMemory } from './memory';
import { benchSpaceTime, type SpaceTimeFigure } from './spacetime';

/** Gzip size of the JS a first visit loads: the entry script and its modulepreloads. */
export function firstLoadJsGzipBytes(dist = BENCH_DIST): { files: string[]; gzipBytes: number; workerGzipBytes: number } {
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

export interface BrowserBenchOptions {
  /** Which sections: 'all', or some of 'transport', 'frames', 'lag', 'memory', 'spacetime' (run in that order). */
  sections: 'all' | readonly string[];
  /** Measured runs per case, after one warm-up run. */
  runs: number;
  /** Virtual minutes of the memory run. */
  memoryMinutes: number;
  /** Wall minutes after which the memory run gives up (undefined: twice its time at full pace, plus one). */
  memoryWallMinutes: number | undefined;
  /** Wall seconds per frame measurement, and per lag run. */
  frameSeconds: number;
  lagSeconds: number;
}

/** What window.raftLab.benchTransport returns: printed field by field, so fields added later show up too. */
type TransportFigures = Record<string, unknown>;

const RAW_KEY = 'rawRoundTripsPerSec';

/**
 * The worker transport (src/worker/bench.ts, 5 nodes, client load = a command
 * every 5 virtual ms) beside raw lock-step postMessage round trips measured
 * in the same page: a warm-up run, then `runs` runs, each in a fresh page.
 * Every numeric field is printed as median (min–max); every rate beside it
 * as a ratio to the same run's raw rate.
 */
async function benchTransportSection(browser: Browser, baseURL: string, runs: number) {
  console.log(
    `\n# Worker transport (Chromium, src/worker/bench.ts: 5 nodes; client load = a command every 5 virtual ms; raw = lock-step postMessage round trips to an echo worker in the same page, the app's own run paused; ${runs} run${runs === 1 ? '' : 's'} after a warm-up, median (min–max))`,
  );
  const all: TransportFigures[] = [];
  for (let i = 0; i <= runs; i++) {
    const r = await withPage(browser, async (page) => {
      await page.goto(baseURL);
      await page.waitForFunction(() => window.raftLab !== undefined);
      // The app's own run (five more workers and the view at 60 fps) is paused: only the bench's clusters work.
      await page.getByRole('button', { name: 'Pause', exact: true }).click();
      await page.getByRole('button', { name: 'Play', exact: true }).waitFor();
      return page.evaluate(() => window.raftLab!.benchTransport(2000) as unknown as Promise<Record<string, unknown>>);
    });
    if (i > 0) all.push(r);
  }
  const keys = [...new Set(all.flatMap((r) => Object.keys(r)))].filter((k) => all.every((r) => typeof r[k] === 'number'));
  const figures: Record<string, Spread> = {};
  const ratios: Record<string, Spread> = {};
  const hasRaw = keys.includes(RAW_KEY);
  for (const k of keys) {
    figures[k] = spread(all.map((r) => r[k] as number));
    // Ratios for the worker transport's rates (the inline transport's does not go through postMessage).
    if (hasRaw && k.startsWith('worker') && k.endsWith('PerSec'))
      ratios[k] = spread(all.map((r) => (r[k] as number) / (r[RAW_KEY] as number)));
  }
  if (hasRaw) console.log(`${'raw postMessage round trips /s (baseline)'.padEnd(44)} ${showSpread(figures[RAW_KEY]!, 0)}`);
  for (const k of keys) {
    if (k === RAW_KEY) continue;
    const isRate = k.endsWith('PerSec');
    const value = showSpread(figures[k]!, isRate ? 0 : 2);
    console.log(`${k.padEnd(44)} ${value}${ratios[k] ? `   = ${showSpread(ratios[k], 2)} × raw` : ''}`);
  }
  console.log('target: workerDeliveredPerSec (client load) >= 0.5 × raw');
  console.log(
    'ceiling: workerDurabilityCeilingPerSec = originIdbCommitsPerSec × deliveredPerFollowerCommit, the most any transport keeping Figure 2 on this IndexedDB can deliver',
  );
  record('transport', { runs, figures, ratiosToRaw: ratios });
}

/** The space-time diagram (its own baseline, the empty diagram, in the same page): a warm-up page, then `runs` pages. */
async function benchSpaceTimeSection(browser: Browser, baseURL: string, runs: number) {
  console.log(
    `\n# Space-time diagram (Chromium 1280x1000, zoom key to next frame, 30 keys per figure (10 with all in view); the empty diagram is the baseline, same page; a warm-up page, then ${runs}; median of the pages' medians (min–max), and the slowest key of any page)`,
  );
  const pages: SpaceTimeFigure[][] = [];
  for (let i = 0; i <= runs; i++) {
    const figures = await withPage(browser, (page) => benchSpaceTime(page, baseURL));
    if (i > 0) pages.push(figures);
  }
  const out = pages[0]!.map((f, i) => ({
    label: f.label,
    medianMs: spread(pages.map((p) => p[i]!.medianMs)),
    maxMs: Math.max(...pages.map((p) => p[i]!.maxMs)),
  }));
  for (const f of out) console.log(`${f.label.padEnd(34)} median ${showSpread(f.medianMs)} ms, slowest ${f.maxMs.toFixed(1)} ms`);
  record('spaceTime', { runs, figures: out });
}

function bundleSection() {
  const size = firstLoadJsGzipBytes();
  console.log('\n# Bundle');
  console.log(`first-load JS: ${(size.gzipBytes / 1024).toFixed(1)} KB gzip (${size.files.join(', ')}); target <= 150 KB`);
  console.log(`node worker: ${(size.workerGzipBytes / 1024).toFixed(1)} KB gzip (loaded once per node, cached)`);
  record('bundle', size);
}

/** The browser sections asked for, against one build and one browser (both stopped afterwards). */
export async function benchBrowser(options: BrowserBenchOptions): Promise<void> {
  const want = (name: string) => options.sections === 'all' || options.sections.includes(name);
  await withPreview((baseURL) =>
    withBrowser(async (browser) => {
      setChromiumVersion(browser.version());
      console.log(`\n# Chromium ${browser.version()}`);
      if (want('transport')) await benchTransportSection(browser, baseURL, options.runs);
      if (want('frames')) record('frames', await benchFrames(browser, baseURL, options.runs, options.frameSeconds * 1000));
      if (want('lag')) record('lag', await benchLag(browser, baseURL, options.runs, options.lagSeconds));
      if (want('memory')) record('memory', await benchMemory(browser, baseURL, options.memoryMinutes, options.memoryWallMinutes));
      if (want('spacetime')) await benchSpaceTimeSection(browser, baseURL, options.runs);
    }),
  );
  if (options.sections === 'all') bundleSection();
}
