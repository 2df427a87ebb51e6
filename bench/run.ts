/**
 * `npm run bench`: every benchmark, each figure beside its baseline from the
 * same run; medians with min–max; all of it also in bench/results.json.
 *
 *   (no flag)          seek, engine, MIT-style suite, then the browser: transport, frames, lag, memory, space-time, bundle
 *   --seek-only        timeline seeks (Node)
 *   --engine-only      seek + engine (Node), no MIT suite, no browser
 *   --no-browser       seek, engine and the MIT suite (Node only)
 *   --spacetime-only   the space-time diagram (Chromium)
 *   --frames-only      frame times beside a blank page (Chromium)
 *   --transport-only   the worker transport beside raw postMessage (Chromium)
 *   --lag-only         virtual time vs wall time at 10×, 9 nodes (Chromium)
 *   --memory-only      heap and IndexedDB over virtual minutes (Chromium); --memory-minutes N (default 60),
 *                      --memory-wall-minutes N (give up after N wall minutes; default twice the time at full pace + 1)
 *   --profile          a performance trace and CPU profile per case (Chromium), also bench/profile.txt
 *   --runs N           measured runs per browser case (default 3, after one warm-up)
 *   --frame-seconds N  wall seconds per frame measurement (default 5); --lag-seconds N per lag run (default 60)
 *
 * BENCH_PORT sets the preview server's port (default 4191).
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { benchBrowser } from './browser';
import { benchEngine } from './engine';
import { fmt, PROFILE_DIST, withBrowser, withPreview } from './harness';
import { benchProfile } from './profile';
import { loadAverageNow, machineLine, record, setChromiumVersion } from './results';
import { benchSeek } from './seek';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
function numberFlag(name: string, fallback: number): number {
  const i = argv.indexOf(name);
  if (i < 0) return fallback;
  const n = Number(argv[i + 1]);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} needs a positive number, not “${argv[i + 1] ?? ''}”`);
  return n;
}

const sizes = () => ({
  runs: numberFlag('--runs', 3),
  memoryMinutes: numberFlag('--memory-minutes', 60),
  memoryWallMinutes: argv.includes('--memory-wall-minutes') ? numberFlag('--memory-wall-minutes', 0) : undefined,
  frameSeconds: numberFlag('--frame-seconds', 5),
  lagSeconds: numberFlag('--lag-seconds', 60),
});

const BROWSER_ONLY = ['--spacetime-only', '--frames-only', '--transport-only', '--lag-only', '--memory-only', '--profile'] as const;
const only = BROWSER_ONLY.filter(flag);

console.log(`# Machine: ${machineLine()}`);

if (flag('--profile')) {
  await withPreview(
    (baseURL) =>
      withBrowser(async (browser) => {
        setChromiumVersion(browser.version());
        const header = `# Profile (Chromium ${browser.version()}, 1280×720, unminified build; a command every 500 wall ms; ≈3 s trace then ≈3 s CPU profile per case; tracing slows frames, so frame figures here are for orientation (--frames-only has the honest ones); ${machineLine()}; ${new Date().toISOString()})`;
        console.log(header);
        record('profile', await benchProfile(browser, baseURL, PROFILE_DIST, header));
      }),
    { minify: false, outDir: PROFILE_DIST },
  );
  console.log(`load average at end: ${loadAverageNow()}`);
  process.exit(0);
}

if (only.length > 0) {
  await benchBrowser({
    sections: only.map((f) => f.replace(/^--|-only$/g, '')),
    ...sizes(),
  });
  console.log(`load average at end: ${loadAverageNow()}`);
  process.exit(0);
}

console.log(
  '\n# Seek (RunReplayer, 5 nodes, a command every 500 virtual ms, a crash and restart every minute; checkpoint every 2,000 events)',
);
const seek = await benchSeek();
for (const f of seek) {
  console.log(
    `${`${f.minutes}-minute run`.padEnd(16)} ${fmt(f.events).padStart(8)} events ${fmt(f.actions).padStart(5)} actions ${String(f.checkpoints).padStart(4)} checkpoints   first pass ${fmt(f.prepareMs).padStart(6)} ms   seek median ${f.medianMs.toFixed(1)} ms (min ${f.minMs.toFixed(1)}, max ${f.maxMs.toFixed(1)}, ${f.seeks} seeks)`,
  );
}
record('seek', seek);
if (flag('--seek-only')) process.exit(0);

console.log('\n# Engine (Node, 5 nodes, one command every 5 virtual ms, 20 virtual s; median of 5 runs after a warm-up, min–max)');
const engine = await benchEngine();
for (const f of engine) {
  console.log(
    `${f.label.padEnd(58)} ${fmt(f.deliveredPerSec).padStart(9)} (${fmt(f.deliveredPerSecMin)}–${fmt(f.deliveredPerSecMax)}) delivered msgs/wall-s   ${f.virtualSecPerSec.toFixed(1).padStart(6)} virtual-s/wall-s   (${fmt(f.delivered)} delivered, ${fmt(f.committed)} committed)`,
  );
}
record('engine', engine);

if (!flag('--engine-only')) {
  console.log('\n# MIT-style suite (test/mit, every seed), wall time');
  const t0 = performance.now();
  execFileSync('npx', ['vitest', 'run', 'test/mit', '--reporter=dot'], { stdio: 'inherit' });
  const seconds = (performance.now() - t0) / 1000;
  console.log(`MIT-style suite: ${seconds.toFixed(1)} s wall (including vitest start-up)`);
  record('mitSuite', { wallSeconds: seconds });
}

if (!flag('--engine-only') && !flag('--no-browser')) {
  await benchBrowser({ sections: 'all', ...sizes() });
}
console.log(`\nload average at end: ${loadAverageNow()}`);
