/**
 * Memory over a long run (issue 12, "memory stays bounded"): the app on the
 * worker transport, 9 nodes at 10×, snapshots on (compaction past 100
 * entries), a command through the store every 250 wall ms, until the cluster
 * reaches `minutes` virtual minutes (60 ≈ 6 wall minutes if it keeps pace;
 * given up at twice that plus a minute, or after `--memory-wall-minutes`). At 1, 10, 30 and 60 virtual minutes
 * (those within `minutes`, and `minutes` itself): the JS heap after a forced
 * GC — the page's main thread through CDP (HeapProfiler.collectGarbage, then
 * Runtime.getHeapUsage), each node's worker through a browser-level CDP
 * session attached to the worker target — and the origin's storage
 * (navigator.storage.estimate(), IndexedDB's share where Chromium reports
 * it), with the wall time at each.
 */
import type { Browser, CDPSession, Page } from '@playwright/test';
import { configureApp, openApp, sleep, startLoad, stopLoad, waitForLeader, withPage } from './harness';

const SPEED = 10;
const MB = 1024 * 1024;

/** A CDP session attached to one worker target (the non-flattened protocol: messages wrapped in Target.sendMessageToTarget). */
class WorkerSessions {
  private nextId = 0;
  private readonly pending = new Map<number, (result: unknown) => void>();
  private constructor(private readonly browserSession: CDPSession) {
    browserSession.on('Target.receivedMessageFromTarget', (e) => {
      const message = JSON.parse(e.message) as { id?: number; result?: unknown; error?: unknown };
      const resolve = message.id === undefined ? undefined : this.pending.get(message.id);
      if (resolve) {
        this.pending.delete(message.id!);
        resolve(message.result ?? message.error);
      }
    });
  }

  static async open(browser: Browser): Promise<WorkerSessions> {
    return new WorkerSessions(await browser.newBrowserCDPSession());
  }

  private call(sessionId: string, method: string): Promise<unknown> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer from the worker`));
      }, 10_000);
      this.pending.set(id, (result) => {
        clearTimeout(timer);
        resolve(result);
      });
      this.browserSession
        .send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params: {} }) })
        .catch(reject);
    });
  }

  /** Each node worker's used JS heap after a GC, bytes (null if no worker target could be reached). */
  async heaps(): Promise<number[] | null> {
    const { targetInfos } = await this.browserSession.send('Target.getTargets');
    const workers = targetInfos.filter((t) => t.type === 'worker' && t.url.includes('node.worker'));
    if (workers.length === 0) return null;
    const out: number[] = [];
    for (const t of workers) {
      const { sessionId } = await this.browserSession.send('Target.attachToTarget', { targetId: t.targetId, flatten: false });
      try {
        await this.call(sessionId, 'HeapProfiler.collectGarbage');
        const usage = (await this.call(sessionId, 'Runtime.getHeapUsage')) as { usedSize?: number };
        if (typeof usage.usedSize === 'number') out.push(usage.usedSize);
      } finally {
        await this.browserSession.send('Target.detachFromTarget', { sessionId }).catch(() => undefined);
      }
    }
    return out;
  }

  async close(): Promise<void> {
    await this.browserSession.detach().catch(() => undefined);
  }
}

export interface MemoryMark {
  virtualMinutes: number;
  wallSeconds: number;
  /** Main thread, after a forced GC. */
  mainHeapMB: number;
  /** Sum and largest of the node workers' heaps after a forced GC; null if the workers could not be reached. */
  workersHeapMB: number | null;
  largestWorkerHeapMB: number | null;
  workers: number;
  /** navigator.storage.estimate(): the origin's usage, and IndexedDB's part where reported. */
  storageMB: number;
  indexedDbMB: number | null;
  /** What the store keeps that grows with the run: timeline events, the space-time record's entries. */
  historySize: number;
  inFlight: number;
  /** False for the last measurement of a run that ran out of wall time before this mark. */
  reachedMark: boolean;
}

async function pageFigures(page: Page) {
  return page.evaluate(async () => {
    const lab = (window.raftLab as unknown as { lab: import('../src/store').Lab }).lab;
    const s = lab.store.getState();
    const estimate = (await navigator.storage.estimate()) as StorageEstimate & { usageDetails?: { indexedDB?: number } };
    return {
      virtualMs: s.cluster.now(),
      storage: estimate.usage ?? 0,
      indexedDb: estimate.usageDetails?.indexedDB ?? null,
      historySize: s.historySize,
      inFlight: s.cluster.inFlight().length,
    };
  });
}

export interface MemoryFigures {
  minutesAsked: number;
  marks: MemoryMark[];
  reachedMinutes: number;
  /** Growth per virtual minute of main + workers' heaps, early (first two marks) and late (last two marks), MB. */
  earlyGrowthMBPerMin: number | null;
  lateGrowthMBPerMin: number | null;
  levelsOff: boolean | null;
  note: string;
}

/**
 * @param wallMinutes when to give up if the cluster falls behind (default:
 *   twice the wall time at full pace, plus a minute).
 */
export async function benchMemory(browser: Browser, baseURL: string, minutes = 60, wallMinutes?: number): Promise<MemoryFigures> {
  const marks = [...new Set([...[1, 10, 30, 60].filter((m) => m < minutes), minutes])];
  const wallCapMs = wallMinutes !== undefined ? wallMinutes * 60_000 : 2 * ((minutes * 60_000) / SPEED) + 60_000;
  console.log(
    `\n# Memory (worker transport, 9 nodes at ${SPEED}×, compaction past 100 entries, a command every 250 wall ms; up to ${minutes} virtual min, given up after ${Number((wallCapMs / 60_000).toFixed(1))} wall min; heaps after a forced GC)`,
  );
  return withPage(browser, async (page, context) => {
    await openApp(page, baseURL, { transport: 'worker', nodes: 9, seed: 7, compact: 100 });
    await configureApp(page, { speed: SPEED });
    await waitForLeader(page, 15_000);
    await startLoad(page, { commandEveryMs: 250, sampleEveryMs: 5000 });
    const cdp = await context.newCDPSession(page);
    const workerSessions = await WorkerSessions.open(browser);
    const t0 = Date.now();
    const out: MemoryMark[] = [];
    let workersNote = '';
    try {
      for (const mark of marks) {
        let now = await pageFigures(page);
        while (now.virtualMs < mark * 60_000 && Date.now() - t0 < wallCapMs) {
          await sleep(2000);
          now = await pageFigures(page);
        }
        // Out of wall time: one last measurement where the run got to (so a slow run still shows a trend), then stop.
        const reachedMark = now.virtualMs >= mark * 60_000;
        if (!reachedMark && out.length > 0 && now.virtualMs - out[out.length - 1]!.virtualMinutes * 60_000 < 30_000) break;
        await cdp.send('HeapProfiler.collectGarbage');
        const main = await cdp.send('Runtime.getHeapUsage');
        let workers: number[] | null = null;
        try {
          workers = await workerSessions.heaps();
        } catch (err) {
          workersNote = `workers' heaps not reachable (${String(err)}): main thread only`;
        }
        const m: MemoryMark = {
          virtualMinutes: now.virtualMs / 60_000,
          wallSeconds: (Date.now() - t0) / 1000,
          mainHeapMB: main.usedSize / MB,
          workersHeapMB: workers ? workers.reduce((a, b) => a + b, 0) / MB : null,
          largestWorkerHeapMB: workers ? Math.max(0, ...workers) / MB : null,
          workers: workers?.length ?? 0,
          storageMB: now.storage / MB,
          indexedDbMB: now.indexedDb === null ? null : now.indexedDb / MB,
          historySize: now.historySize,
          inFlight: now.inFlight,
          reachedMark,
        };
        out.push(m);
        const label = reachedMark ? `${mark} virtual min` : `${m.virtualMinutes.toFixed(1)} virtual min (out of wall time)`;
        console.log(
          `${label.padEnd(15)} at ${m.wallSeconds.toFixed(0).padStart(4)} wall s: main heap ${m.mainHeapMB.toFixed(1)} MB, workers ${m.workersHeapMB === null ? 'n/a' : `${m.workersHeapMB.toFixed(1)} MB (${m.workers}, largest ${m.largestWorkerHeapMB!.toFixed(1)})`}, storage ${m.storageMB.toFixed(2)} MB${m.indexedDbMB === null ? '' : ` (IndexedDB ${m.indexedDbMB.toFixed(2)})`}; timeline ${m.historySize.toLocaleString('en-US')} events, ${m.inFlight} in flight`,
        );
        if (!reachedMark) break;
      }
    } finally {
      await stopLoad(page).catch(() => undefined);
      await workerSessions.close();
      await cdp.detach().catch(() => undefined);
    }
    const total = (m: MemoryMark) => m.mainHeapMB + (m.workersHeapMB ?? 0);
    const slope = (a: MemoryMark, b: MemoryMark) => (total(b) - total(a)) / (b.virtualMinutes - a.virtualMinutes);
    const early = out.length >= 2 ? slope(out[0]!, out[1]!) : null;
    const late = out.length >= 3 ? slope(out[out.length - 2]!, out[out.length - 1]!) : null;
    // Levelled off: the late growth is a small fraction of the early one, or under 1 % of the heap per 10 virtual minutes.
    const levelsOff =
      early === null || late === null ? null : late <= 0.25 * Math.max(early, 0) || late * 10 <= 0.01 * total(out[out.length - 1]!);
    const reached = out.length > 0 ? out[out.length - 1]!.virtualMinutes : 0;
    const note = [
      reached < minutes ? `reached only ${reached.toFixed(1)} of ${minutes} virtual minutes in the wall time allowed` : '',
      workersNote,
      out.length > 0 && out[0]!.workersHeapMB === null ? 'no worker target reachable: main thread only' : '',
    ]
      .filter((s) => s !== '')
      .join('; ');
    if (early !== null && late !== null) {
      console.log(
        `heap growth (main + workers) per virtual minute: ${early.toFixed(2)} MB between the first two marks, ${late.toFixed(2)} MB between the last two: ${levelsOff ? 'levels off' : 'does NOT level off'}`,
      );
    } else {
      console.log(
        'heap growth: too few marks to tell whether it levels off (run longer: --memory-minutes 30 or more, or --memory-wall-minutes)',
      );
    }
    if (note) console.log(note);
    return {
      minutesAsked: minutes,
      marks: out,
      reachedMinutes: reached,
      earlyGrowthMBPerMin: early,
      lateGrowthMBPerMin: late,
      levelsOff,
      note,
    };
  });
}
