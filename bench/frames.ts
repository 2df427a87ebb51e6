/**
 * Frame times (issue 12, "No dropped frames"): requestAnimationFrame
 * intervals in headless Chromium at 1280×720, on both transports, each app
 * case interleaved with a blank page running the same sampler in the same
 * browser (blank, case, blank, case, …; one page open at a time), so the
 * figures are read beside a baseline taken minutes apart at most. One
 * warm-up pair, then `runs` pairs; medians with min–max.
 *
 * Cases:
 *   (a) opens — the app as it opens (5 nodes, default speed), a command
 *       submitted through the store once a leader is elected;
 *   (b) busy — 9 nodes at the top speed, the slowest network the sliders
 *       allow (200–200 ms), the highest duplication (100 %), a command
 *       every 250 wall ms. The election timeout is raised to 1200–2400 ms
 *       (the Cluster panel allows it): with the default 150–300 ms a 400 ms
 *       round trip elects no leader (§5.6) and no command could flow;
 *   (c) stress — 9 nodes at 10× with ≥ 1,000 messages in flight: delays of
 *       1–2 s (past the sliders, set on the cluster) and 30 % duplication.
 *
 * A dropped frame is an interval longer than 1.5 × the blank page's median
 * interval (pooled over the case's blank runs); counted for both pages.
 * Targets (issue 12): (a) and (b) p95 ≤ 17.5 ms and no more dropped frames
 * than the blank page (medians over the runs); (c) p95 ≤ 33 ms, i.e. two
 * frames: intervals come in whole frames, so p95 is also compared in frames.
 */
import type { Browser } from '@playwright/test';
import {
  configureApp,
  installFrameSampler,
  median,
  openApp,
  quantile,
  restartLoadCounts,
  showSpread,
  sleep,
  spread,
  startFrames,
  startLoad,
  stopFrames,
  stopLoad,
  waitForLeader,
  withPage,
  type AppRun,
  type Spread,
  type Transport,
} from './harness';
import { DEFAULT_SPEED, formatSpeed, MAX_DELAY_MS, SPEEDS } from '../src/store/defaults';

const TOP_SPEED = SPEEDS[SPEEDS.length - 1]!;
const BLANK_URL = 'data:text/html,<!doctype html><title>blank</title><body></body>';

interface FrameCase {
  id: 'opens' | 'busy' | 'stress';
  label: string;
  run: Omit<AppRun, 'transport'>;
  speed: number;
  network?: { delayMinMs: number; delayMaxMs: number; dropRate: number; duplicateRate: number };
  clusterNetwork?: { delayMs: [number, number]; duplicateRate: number };
  /** Wall ms between commands while measuring; 0: one command just before. */
  commandEveryMs: number;
  /** Wall ms to wait after the leader is elected (or not) before measuring: let the wire fill. */
  settleMs: number;
  leaderTimeoutMs: number;
  /** p95 target, ms; `noWorseThanBlank`: also no more dropped frames than the blank page. */
  targetP95Ms: number;
  noWorseThanBlank: boolean;
  /** Messages in flight the case is meant to hold. */
  minInFlight?: number;
}

export const FRAME_CASES: readonly FrameCase[] = [
  {
    id: 'opens',
    label: `(a) as it opens: 5 nodes, ${formatSpeed(DEFAULT_SPEED)}, a command`,
    run: {},
    speed: DEFAULT_SPEED,
    commandEveryMs: 0,
    settleMs: 0,
    leaderTimeoutMs: 25_000,
    targetP95Ms: 17.5,
    noWorseThanBlank: true,
  },
  {
    id: 'busy',
    label: `(b) 9 nodes, ${TOP_SPEED}×, delay ${MAX_DELAY_MS} ms, dup 100 %, commands`,
    run: { nodes: 9, seed: 7, election: [1200, 2400] },
    speed: TOP_SPEED,
    network: { delayMinMs: MAX_DELAY_MS, delayMaxMs: MAX_DELAY_MS, dropRate: 0, duplicateRate: 1 },
    commandEveryMs: 250,
    settleMs: 2000,
    leaderTimeoutMs: 15_000,
    targetP95Ms: 17.5,
    noWorseThanBlank: true,
  },
  {
    id: 'stress',
    label: '(c) 9 nodes, 10×, ≥ 1,000 in flight (1–2 s delays, dup 30 %: no leader lasts, commands are refused)',
    run: { nodes: 9, seed: 7 },
    speed: 10,
    clusterNetwork: { delayMs: [1000, 2000], duplicateRate: 0.3 },
    commandEveryMs: 250,
    settleMs: 3000,
    leaderTimeoutMs: 0,
    targetP95Ms: 33,
    noWorseThanBlank: false,
    minInFlight: 1000,
  },
];

interface PageRun {
  deltas: number[];
  p50: number;
  p95: number;
}

function summarize(deltas: number[]): PageRun {
  return { deltas, p50: quantile(deltas, 0.5), p95: quantile(deltas, 0.95) };
}

async function blankRun(browser: Browser, ms: number): Promise<PageRun> {
  return withPage(browser, async (page) => {
    await page.goto(BLANK_URL);
    await installFrameSampler(page);
    await sleep(300);
    await startFrames(page);
    await sleep(ms);
    return summarize(await stopFrames(page));
  });
}

interface AppPageRun extends PageRun {
  leaderElected: boolean;
  inFlightMedian: number;
  inFlightMin: number;
  commandsSubmitted: number;
  commandsAccepted: number;
  committed: number;
}

async function appRun(browser: Browser, baseURL: string, c: FrameCase, transport: Transport, ms: number): Promise<AppPageRun> {
  return withPage(browser, async (page) => {
    await openApp(page, baseURL, { ...c.run, transport });
    await configureApp(page, {
      speed: c.speed,
      ...(c.network ? { network: c.network } : {}),
      ...(c.clusterNetwork ? { clusterNetwork: c.clusterNetwork } : {}),
    });
    const leaderElected = c.leaderTimeoutMs > 0 ? await waitForLeader(page, c.leaderTimeoutMs) : true;
    await startLoad(page, { commandEveryMs: c.commandEveryMs });
    await sleep(c.settleMs);
    await installFrameSampler(page);
    if (c.commandEveryMs > 0) await restartLoadCounts(page); // else the one command, just sent, is the window's
    await startFrames(page);
    await sleep(ms);
    const deltas = await stopFrames(page);
    const load = await stopLoad(page);
    return {
      ...summarize(deltas),
      leaderElected,
      inFlightMedian: median(load.inFlight),
      inFlightMin: Math.min(...load.inFlight),
      commandsSubmitted: load.submitted,
      commandsAccepted: load.accepted,
      committed: load.commitIndexAtEnd - load.commitIndexAtStart,
    };
  });
}

export interface FrameCaseFigures {
  case: string;
  label: string;
  transport: Transport;
  runs: number;
  measureMs: number;
  blank: { p50: Spread; p95: Spread; dropped: Spread; frames: Spread; medianIntervalMs: number };
  app: {
    p50: Spread;
    p95: Spread;
    dropped: Spread;
    frames: Spread;
    inFlightMedian: Spread;
    inFlightMin: Spread;
    committed: Spread;
    commandsAccepted: Spread;
    leaderElectedRuns: number;
  };
  /** app p95 / blank p95, pair by pair. */
  p95Ratio: Spread;
  targetP95Ms: number;
  met: boolean;
  verdict: string;
}

const dropped = (deltas: readonly number[], limitMs: number) => deltas.filter((d) => d > limitMs).length;

async function frameCase(browser: Browser, baseURL: string, c: FrameCase, transport: Transport, runs: number, ms: number) {
  const blanks: PageRun[] = [];
  const apps: AppPageRun[] = [];
  for (let i = 0; i <= runs; i++) {
    const blank = await blankRun(browser, ms);
    const app = await appRun(browser, baseURL, c, transport, ms);
    if (i === 0) continue; // the warm-up pair
    blanks.push(blank);
    apps.push(app);
  }
  const blankMedianMs = median(blanks.flatMap((b) => b.deltas));
  const limitMs = 1.5 * blankMedianMs;
  const app = {
    p50: spread(apps.map((a) => a.p50)),
    p95: spread(apps.map((a) => a.p95)),
    dropped: spread(apps.map((a) => dropped(a.deltas, limitMs))),
    frames: spread(apps.map((a) => a.deltas.length)),
    inFlightMedian: spread(apps.map((a) => a.inFlightMedian)),
    inFlightMin: spread(apps.map((a) => a.inFlightMin)),
    committed: spread(apps.map((a) => a.committed)),
    commandsAccepted: spread(apps.map((a) => a.commandsAccepted)),
    leaderElectedRuns: apps.filter((a) => a.leaderElected).length,
  };
  const blank = {
    p50: spread(blanks.map((b) => b.p50)),
    p95: spread(blanks.map((b) => b.p95)),
    dropped: spread(blanks.map((b) => dropped(b.deltas, limitMs))),
    frames: spread(blanks.map((b) => b.deltas.length)),
    medianIntervalMs: blankMedianMs,
  };
  // Intervals come in whole frames (vsync): p95 is compared in frames of the blank page's median, so 33.3 ms meets "≤ 33 ms" (two frames).
  const frames = (ms: number) => Math.round(ms / blankMedianMs);
  const p95Met = app.p95.median <= c.targetP95Ms || frames(app.p95.median) <= frames(c.targetP95Ms);
  const blankMet = !c.noWorseThanBlank || app.dropped.median <= blank.dropped.median;
  const inFlightMet = c.minInFlight === undefined || app.inFlightMin.median >= c.minInFlight;
  const verdict = [
    `p95 ≤ ${c.targetP95Ms} ms (${frames(c.targetP95Ms)} frame${frames(c.targetP95Ms) === 1 ? '' : 's'}): ${p95Met ? 'met' : 'NOT met'}`,
    ...(c.noWorseThanBlank ? [`dropped ≤ blank's: ${blankMet ? 'met' : 'NOT met'}`] : []),
    ...(c.minInFlight !== undefined
      ? [`≥ ${c.minInFlight.toLocaleString('en-US')} in flight throughout: ${inFlightMet ? 'held' : 'NOT held'}`]
      : []),
  ].join('; ');
  const figures: FrameCaseFigures = {
    case: c.id,
    label: c.label,
    transport,
    runs,
    measureMs: ms,
    blank,
    app,
    p95Ratio: spread(apps.map((a, i) => a.p95 / blanks[i]!.p95)),
    targetP95Ms: c.targetP95Ms,
    met: p95Met && blankMet && inFlightMet,
    verdict,
  };
  return figures;
}

export function formatFrameCase(f: FrameCaseFigures): string {
  const a = f.app;
  const b = f.blank;
  const leader = a.leaderElectedRuns < f.runs ? `; leader elected in only ${a.leaderElectedRuns} of ${f.runs} runs` : '';
  return [
    `${f.transport.padEnd(6)} ${f.label}`,
    `  app   p50 ${showSpread(a.p50)} ms  p95 ${showSpread(a.p95)} ms  dropped ${showSpread(a.dropped, 0)} of ${showSpread(a.frames, 0)} frames`,
    `  blank p50 ${showSpread(b.p50)} ms  p95 ${showSpread(b.p95)} ms  dropped ${showSpread(b.dropped, 0)} of ${showSpread(b.frames, 0)} frames   (dropped = interval > ${(1.5 * b.medianIntervalMs).toFixed(1)} ms)`,
    `  app/blank p95 ${showSpread(f.p95Ratio, 2)}×;  in flight median ${showSpread(a.inFlightMedian, 0)}, min ${showSpread(a.inFlightMin, 0)};  committed ${showSpread(a.committed, 0)} entries, commands taken ${showSpread(a.commandsAccepted, 0)}${leader}`,
    `  ${f.verdict}`,
  ].join('\n');
}

/** Every case on both transports (worker first); prints each as it is done. */
export async function benchFrames(browser: Browser, baseURL: string, runs: number, measureMs = 5000): Promise<FrameCaseFigures[]> {
  console.log(
    `\n# Frame time (requestAnimationFrame intervals, headless Chromium 1280×720, ${measureMs / 1000} s per page; each case interleaved with a blank page running the same sampler: a warm-up pair, then ${runs} pair${runs === 1 ? '' : 's'}; median (min–max))`,
  );
  const out: FrameCaseFigures[] = [];
  for (const c of FRAME_CASES) {
    for (const transport of ['worker', 'inline'] as const) {
      const f = await frameCase(browser, baseURL, c, transport, runs, measureMs);
      console.log(formatFrameCase(f));
      out.push(f);
    }
  }
  return out;
}
