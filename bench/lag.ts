/**
 * Virtual time against wall time (issue 12, "workers that keep up"): the app
 * on the worker transport, 9 nodes at 10×, a command through the store every
 * wall second. Over `seconds` wall seconds: the virtual ms the cluster
 * advanced / (10 × the wall ms), the lag in virtual seconds at the end
 * (10 × wall − virtual advanced: time the driver dropped because the cluster
 * could not keep up), and the driver's own realRate() (virtual ms per wall
 * ms over its last 2 s) sampled along the way. A warm-up run of 10 s first,
 * then `runs` runs, each in a fresh page.
 */
import type { Browser } from '@playwright/test';
import {
  configureApp,
  median,
  openApp,
  restartLoadCounts,
  showSpread,
  sleep,
  spread,
  startLoad,
  stopLoad,
  waitForLeader,
  withPage,
  type Spread,
} from './harness';

const SPEED = 10;

interface Clock {
  wallMs: number;
  virtualMs: number;
  realRate: number | null;
}

async function clock(page: import('@playwright/test').Page): Promise<Clock> {
  return page.evaluate(() => {
    const lab = (window.raftLab as unknown as { lab: import('../src/store').Lab }).lab;
    return { wallMs: performance.now(), virtualMs: lab.store.getState().cluster.now(), realRate: lab.driver.realRate() };
  });
}

interface LagRun {
  wallSeconds: number;
  virtualSeconds: number;
  /** virtual advanced / (10 × wall). */
  paceRatio: number;
  lagVirtualSeconds: number;
  realRateMedian: number;
  realRateMin: number;
  commandsAccepted: number;
  committed: number;
  leaderElected: boolean;
}

async function lagRun(browser: Browser, baseURL: string, seconds: number): Promise<LagRun> {
  return withPage(browser, async (page) => {
    await openApp(page, baseURL, { transport: 'worker', nodes: 9, seed: 7 });
    await configureApp(page, { speed: SPEED });
    const leaderElected = await waitForLeader(page, 15_000);
    await startLoad(page, { commandEveryMs: 1000, sampleEveryMs: 1000 });
    await sleep(2500); // the driver's rate window (2 s) fills
    await restartLoadCounts(page);
    const start = await clock(page);
    const rates: number[] = [];
    for (let left = seconds * 1000; left > 0; left -= 2000) {
      await sleep(Math.min(2000, left));
      const c = await clock(page);
      if (c.realRate !== null) rates.push(c.realRate);
    }
    const end = await clock(page);
    const load = await stopLoad(page);
    const wallMs = end.wallMs - start.wallMs;
    const virtualMs = end.virtualMs - start.virtualMs;
    return {
      wallSeconds: wallMs / 1000,
      virtualSeconds: virtualMs / 1000,
      paceRatio: virtualMs / (SPEED * wallMs),
      lagVirtualSeconds: (SPEED * wallMs - virtualMs) / 1000,
      realRateMedian: median(rates),
      realRateMin: Math.min(...rates),
      commandsAccepted: load.accepted,
      committed: load.commitIndexAtEnd - load.commitIndexAtStart,
      leaderElected,
    };
  });
}

export interface LagFigures {
  wallSecondsPerRun: number;
  runs: LagRun[];
  paceRatio: Spread;
  lagVirtualSeconds: Spread;
  realRateMedian: Spread;
  realRateMin: Spread;
}

export async function benchLag(browser: Browser, baseURL: string, runs: number, seconds = 60): Promise<LagFigures> {
  console.log(
    `\n# Virtual time at ${SPEED}× (worker transport, 9 nodes, a command per wall second; ${seconds} wall s per run, a 10 s warm-up run, then ${runs} run${runs === 1 ? '' : 's'}; median (min–max))`,
  );
  await lagRun(browser, baseURL, 10);
  const all: LagRun[] = [];
  for (let i = 0; i < runs; i++) all.push(await lagRun(browser, baseURL, seconds));
  const f: LagFigures = {
    wallSecondsPerRun: seconds,
    runs: all,
    paceRatio: spread(all.map((r) => r.paceRatio)),
    lagVirtualSeconds: spread(all.map((r) => r.lagVirtualSeconds)),
    realRateMedian: spread(all.map((r) => r.realRateMedian)),
    realRateMin: spread(all.map((r) => r.realRateMin)),
  };
  console.log(`virtual advanced / (${SPEED} × wall): ${showSpread(f.paceRatio, 3)}   (1.000 = keeps pace)`);
  console.log(`lag at the end: ${showSpread(f.lagVirtualSeconds, 1)} virtual s behind after ${seconds} wall s`);
  console.log(
    `driver realRate() (virtual ms per wall ms, 2 s window): median ${showSpread(f.realRateMedian, 2)}, lowest ${showSpread(f.realRateMin, 2)}`,
  );
  console.log(
    `commands taken per run: ${all.map((r) => r.commandsAccepted).join(', ')}; entries committed: ${all.map((r) => r.committed).join(', ')}${all.some((r) => !r.leaderElected) ? '; a run started without a leader' : ''}`,
  );
  console.log('target: keeps pace (ratio ≈ 1, lag not growing)');
  return f;
}
