/**
 * What every browser benchmark shares: the built app served by `vite preview`
 * (its own build directory, so a bench never races a test run over `dist/`),
 * the system Chromium, pages that are always closed, the in-page helpers, and
 * the statistics (median with min–max over runs).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';

/** The preview server's port: BENCH_PORT, else 4191. */
export const PORT = Number(process.env.BENCH_PORT ?? 4191);
/** Where the bench builds the app (under node_modules: ignored by git, never the tests' `dist/`). */
export const BENCH_DIST = 'node_modules/.cache/raft-lab-bench/dist';
/** An unminified build with readable function names, for `--profile`. */
export const PROFILE_DIST = 'node_modules/.cache/raft-lab-bench/dist-unminified';

export const VIEWPORT = { width: 1280, height: 720 } as const;
export type Transport = 'worker' | 'inline';

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
export { fmtInt as fmt };

let liveServer: ChildProcess | null = null;
/** A bench stopped by Ctrl-C or a kill still stops its server (`finally` does not run on a signal). */
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    liveServer?.kill();
    process.exit(130);
  });
}

/** Builds the app into `outDir` and serves it on PORT while `fn` runs; the server is killed even when `fn` throws. */
export async function withPreview<T>(fn: (baseURL: string) => Promise<T>, options: { minify?: boolean; outDir?: string } = {}): Promise<T> {
  const outDir = options.outDir ?? BENCH_DIST;
  const args = ['vite', 'build', '--logLevel', 'error', '--outDir', outDir, '--emptyOutDir'];
  if (options.minify === false) args.push('--minify', 'false');
  execFileSync('npx', args, { stdio: 'inherit' });
  const server = spawn(
    process.execPath,
    ['node_modules/vite/bin/vite.js', 'preview', '--port', String(PORT), '--strictPort', '--outDir', outDir],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  liveServer = server;
  let serverError = '';
  server.stderr?.on('data', (chunk: Buffer) => (serverError += chunk.toString()));
  try {
    const baseURL = `http://localhost:${PORT}/`;
    let up = false;
    for (let i = 0; i < 150 && !up; i++) {
      if (server.exitCode !== null) break;
      try {
        up = (await fetch(baseURL)).ok;
      } catch {
        await sleep(100);
      }
    }
    if (!up) throw new Error(`vite preview did not come up on port ${PORT} (set BENCH_PORT to another port?) ${serverError}`);
    return await fn(baseURL);
  } finally {
    server.kill();
    liveServer = null;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function launch(): Promise<Browser> {
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
      // performance.memory with exact figures (not bucketed) for the memory bench.
      '--enable-precise-memory-info',
    ],
  });
}

/** Runs `fn` with a browser that is closed afterwards, whatever happens. */
export async function withBrowser<T>(fn: (browser: Browser) => Promise<T>): Promise<T> {
  const browser = await launch();
  try {
    return await fn(browser);
  } finally {
    await browser.close();
  }
}

/**
 * Runs `fn` on a fresh page in its own context (fresh IndexedDB and session
 * storage: a worker-transport page never resumes an earlier run's disks),
 * 1280×720; page and context are closed afterwards, whatever happens.
 */
export async function withPage<T>(browser: Browser, fn: (page: Page, context: BrowserContext) => Promise<T>): Promise<T> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  // tsx compiles with keepNames: functions handed to page.evaluate call __name, which the page lacks.
  await context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  const page = await context.newPage();
  try {
    return await fn(page, context);
  } finally {
    await page.close();
    await context.close();
  }
}

/** What a bench page of the app is opened with: the run in the hash (as the app reads it), the transport in the query. */
export interface AppRun {
  transport: Transport;
  nodes?: number;
  seed?: number;
  /** Compaction threshold (§7), entries; 0 = never. */
  compact?: number;
  /** Election timeout range, virtual ms. */
  election?: readonly [number, number];
}

export function appURL(baseURL: string, run: AppRun): string {
  const query = run.transport === 'inline' ? '?transport=inline' : '';
  const hash = [
    run.nodes !== undefined ? `nodes=${run.nodes}` : '',
    run.seed !== undefined ? `seed=${run.seed}` : '',
    run.compact !== undefined ? `compact=${run.compact}` : '',
    run.election ? `election=${run.election[0]}-${run.election[1]}` : '',
  ].filter((p) => p !== '');
  return `${baseURL}${query}${hash.length > 0 ? `#${hash.join('&')}` : ''}`;
}

/** Opens the app and waits for `window.raftLab.lab`. */
export async function openApp(page: Page, baseURL: string, run: AppRun): Promise<void> {
  await page.goto(appURL(baseURL, run));
  await page.waitForFunction(() => window.raftLab?.lab !== undefined);
}

/** Waits (up to `timeoutMs` wall ms) until some live node is leader; false if none was elected in that time. */
export async function waitForLeader(page: Page, timeoutMs: number): Promise<boolean> {
  try {
    await page.waitForFunction(
      () => {
        const lab = (window.raftLab as unknown as { lab: import('../src/store').Lab }).lab;
        return lab.store.getState().nodes.some((n) => n.alive && n.role === 'leader');
      },
      undefined,
      { timeout: timeoutMs, polling: 100 },
    );
    return true;
  } catch {
    return false;
  }
}

/** Median with min and max over runs, and the runs themselves. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: readonly number[];
}

export function quantile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = xs.slice().sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function spread(runs: readonly number[]): Spread {
  return { median: median(runs), min: Math.min(...runs), max: Math.max(...runs), runs };
}

/** "16.7 (16.6–17.1)": median (min–max), `digits` decimals. */
export function showSpread(s: Spread, digits = 1): string {
  const f = (n: number) => (digits === 0 ? fmtInt(n) : n.toFixed(digits));
  return s.runs.length > 1 ? `${f(s.median)} (${f(s.min)}–${f(s.max)})` : f(s.median);
}

type LabWindow = { raftLab: { lab: import('../src/store').Lab } };

/**
 * Installs the requestAnimationFrame sampler, the same code in the blank page
 * and in the app: `__benchFrames.start()`, then `__benchFrames.stop()` returns
 * the intervals between frames, wall ms.
 */
export async function installFrameSampler(page: Page): Promise<void> {
  await page.evaluate(() => {
    let deltas: number[] = [];
    let last: number | null = null;
    let running = false;
    const tick = (t: number) => {
      if (!running) return;
      if (last !== null) deltas.push(t - last);
      last = t;
      requestAnimationFrame(tick);
    };
    (globalThis as unknown as { __benchFrames: unknown }).__benchFrames = {
      start() {
        deltas = [];
        last = null;
        running = true;
        requestAnimationFrame(tick);
      },
      stop(): number[] {
        running = false;
        return deltas;
      },
    };
  });
}

export async function startFrames(page: Page): Promise<void> {
  await page.evaluate(() => (globalThis as unknown as { __benchFrames: { start(): void } }).__benchFrames.start());
}

export async function stopFrames(page: Page): Promise<number[]> {
  return page.evaluate(() => (globalThis as unknown as { __benchFrames: { stop(): number[] } }).__benchFrames.stop());
}

/** What the in-page load did between startLoad and stopLoad. */
export interface LoadReport {
  /** Commands submitted through the store's submitCommand (as the Command box does). */
  submitted: number;
  /** Of those, taken by a leader. */
  accepted: number;
  /** Messages in flight, sampled every sampleEveryMs. */
  inFlight: number[];
  /** Highest commitIndex of any node at the start and at the end. */
  commitIndexAtStart: number;
  commitIndexAtEnd: number;
}

/**
 * Starts a load in the app's page: a command through the store at once and
 * then every `commandEveryMs` wall ms (0: only the one at once), and the
 * number of messages in flight sampled every `sampleEveryMs`.
 */
export async function startLoad(page: Page, options: { commandEveryMs: number; sampleEveryMs?: number }): Promise<void> {
  await page.evaluate(
    ({ commandEveryMs, sampleEveryMs }) => {
      const lab = (window as unknown as LabWindow).raftLab.lab;
      const s = () => lab.store.getState();
      const commitIndex = () => Math.max(0, ...s().nodes.map((n) => n.commitIndex));
      const load = {
        submitted: 0,
        accepted: 0,
        inFlight: [] as number[],
        commitIndexAtStart: commitIndex(),
        commitIndexAtEnd: 0,
        timers: [] as ReturnType<typeof setInterval>[],
        commitIndex,
      };
      const submit = () => {
        const n = ++load.submitted;
        void s()
          .submitCommand(`k${n % 50}=${n}`)
          .then((ok) => {
            if (ok) load.accepted++;
          });
      };
      submit();
      if (commandEveryMs > 0) load.timers.push(setInterval(submit, commandEveryMs));
      load.timers.push(setInterval(() => load.inFlight.push(s().cluster.inFlight().length), sampleEveryMs));
      (globalThis as unknown as { __benchLoad: typeof load }).__benchLoad = load;
    },
    { commandEveryMs: options.commandEveryMs, sampleEveryMs: options.sampleEveryMs ?? 250 },
  );
}

/** Starts the load's counts afresh (commands, commits, in-flight samples) while the load goes on: the measured window begins. */
export async function restartLoadCounts(page: Page): Promise<void> {
  await page.evaluate(() => {
    const load = (globalThis as unknown as { __benchLoad: LoadReport & { commitIndex: () => number } }).__benchLoad;
    load.submitted = 0;
    load.accepted = 0;
    load.inFlight = [];
    load.commitIndexAtStart = load.commitIndex();
  });
}

export async function stopLoad(page: Page): Promise<LoadReport> {
  return page.evaluate(() => {
    const load = (
      globalThis as unknown as {
        __benchLoad: LoadReport & { timers: ReturnType<typeof setInterval>[]; commitIndex: () => number };
      }
    ).__benchLoad;
    for (const t of load.timers) clearInterval(t);
    return {
      submitted: load.submitted,
      accepted: load.accepted,
      inFlight: load.inFlight,
      commitIndexAtStart: load.commitIndexAtStart,
      commitIndexAtEnd: load.commitIndex(),
    };
  });
}

/** Sets the speed, the network (as the sliders do, through applyNetwork) and plays. */
export async function configureApp(
  page: Page,
  options: {
    speed: number;
    /** As the Network panel's sliders set it (checked against their limits). */
    network?: { delayMinMs: number; delayMaxMs: number; dropRate: number; duplicateRate: number };
    /** Straight on the cluster, past the sliders' limits (the stress case). */
    clusterNetwork?: import('../src/sim').NetworkOptions;
  },
): Promise<void> {
  await page.evaluate(({ speed, network, clusterNetwork }) => {
    const store = (window as unknown as LabWindow).raftLab.lab.store;
    const s = store.getState();
    s.setSpeed(speed);
    if (store.getState().speed !== speed) throw new Error(`the speed control has no ${speed}× (got ${store.getState().speed}×)`);
    if (network && !s.applyNetwork(network)) throw new Error(`the store refused the network ${JSON.stringify(network)}`);
    if (clusterNetwork) s.cluster.setNetwork(clusterNetwork);
    s.setPlaying(true);
  }, options);
}
