/**
 * `npm run bench -- --profile`: where a frame goes (issue 12, "find where a
 * frame goes before changing it"). For 5 and 9 nodes, at the default speed
 * and at 10×, on both transports, with a command submitted every 500 wall ms:
 * a Chromium performance trace through the DevTools protocol (≈3 s), then a
 * V8 CPU profile of the page's main thread (≈3 s). Printed and written to
 * bench/profile.txt: main-thread ms per frame by kind (scripting, style and
 * layout, paint and composite, GC, other), the heaviest trace events by self
 * time, the worker threads' busy time, and the top JS functions by self time.
 *
 * The app is built unminified for this (PROFILE_DIST), so function names read
 * as in the source; the minified app the other benches measure runs the same
 * code.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, CDPSession, Page } from '@playwright/test';
import {
  configureApp,
  installFrameSampler,
  median,
  openApp,
  quantile,
  sleep,
  startFrames,
  startLoad,
  stopFrames,
  stopLoad,
  waitForLeader,
  withPage,
  type Transport,
} from './harness';
import { DEFAULT_SPEED } from '../src/store/defaults';

export const PROFILE_PATH = 'bench/profile.txt';
/** Tracing itself costs frame time: frame figures here are for orientation; the frame bench has the honest ones. */
/** Raw traces (large; under node_modules, so git ignores them). */
const TRACE_DIR = 'node_modules/.cache/raft-lab-bench/traces';
const TRACE_MS = 3000;
const CPU_PROFILE_MS = 3000;

/** One trace event as Chromium reports it (the fields used here). */
interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

/** How the main thread's self time is grouped (by trace event name; everything else is "other"). */
const KINDS: Record<string, readonly string[]> = {
  scripting: [
    'FunctionCall',
    'EvaluateScript',
    'TimerFire',
    'FireAnimationFrame',
    'RunMicrotasks',
    'EventDispatch',
    'FireIdleCallback',
    'v8.run',
    'v8.callFunction',
    'v8.compile',
    'v8.compileModule',
    'v8.evaluateModule',
    'V8.Execute',
    'CompileScript',
    'CompileCode',
    'v8.deserialize',
    'V8.DeserializeContext',
  ],
  'style+layout': [
    'UpdateLayoutTree',
    'RecalculateStyles',
    'Layout',
    'ParseAuthorStyleSheet',
    'HitTest',
    'IntersectionObserverController::computeIntersections',
  ],
  'paint+composite': [
    'Paint',
    'PaintImage',
    'PrePaint',
    'CompositeLayers',
    'UpdateLayer',
    'UpdateLayerTree',
    'Layerize',
    'Commit',
    'PaintSetup',
    'Decode Image',
    'Draw LazyPixelRef',
    'ScrollLayer',
    'Animation',
  ],
  // A worker's message arriving: its structured-clone deserialization (the handler's own JS is a FunctionCall inside it).
  postMessage: ['HandlePostMessage'],
};
const KIND_OF = new Map(Object.entries(KINDS).flatMap(([kind, names]) => names.map((n) => [n, kind] as const)));
const KIND_ORDER = ['scripting', 'postMessage', 'style+layout', 'paint+composite', 'gc', 'other'] as const;
type Kind = (typeof KIND_ORDER)[number];

/** GC events are many (MinorGC, MajorGC, V8.GC_SCAVENGER_…, BlinkGC.…, CppGC.…): matched by name. */
function kindOf(name: string): Kind {
  if (/^(MinorGC|MajorGC|V8\.GC|BlinkGC|CppGC)/.test(name)) return 'gc';
  return (KIND_OF.get(name) ?? 'other') as Kind;
}

/** Self time (µs) per event name on one thread: an event's duration less its children's. */
function selfTimes(events: readonly TraceEvent[]): { byName: Map<string, number>; busyUs: number } {
  const complete = events
    .filter((e) => e.ph === 'X' && typeof e.dur === 'number')
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const byName = new Map<string, number>();
  const stack: { end: number; ev: TraceEvent; childUs: number }[] = [];
  let busyUs = 0;
  const close = (frame: { ev: TraceEvent; childUs: number }) =>
    byName.set(frame.ev.name, (byName.get(frame.ev.name) ?? 0) + Math.max(0, frame.ev.dur! - frame.childUs));
  for (const ev of complete) {
    while (stack.length > 0 && stack[stack.length - 1]!.end <= ev.ts) close(stack.pop()!);
    const end = ev.ts + ev.dur!;
    const parent = stack[stack.length - 1];
    if (parent) parent.childUs += Math.min(ev.dur!, parent.end - ev.ts);
    else busyUs += ev.dur!;
    stack.push({ end, ev, childUs: 0 });
  }
  while (stack.length > 0) close(stack.pop()!);
  return { byName, busyUs };
}

function threadNames(events: readonly TraceEvent[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name) names.set(`${e.pid}:${e.tid}`, e.args.name);
  return names;
}

/** Traces for `ms`; `beforeEnd` runs between the wait and Tracing.end (which takes a while to flush). */
async function trace(cdp: CDPSession, ms: number, beforeEnd: () => Promise<void>): Promise<TraceEvent[]> {
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (data) => {
    for (const e of data.value) events.push(e as unknown as TraceEvent);
  });
  const done = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: {
      recordMode: 'recordAsMuchAsPossible',
      includedCategories: [
        'devtools.timeline',
        'disabled-by-default-devtools.timeline',
        'disabled-by-default-devtools.timeline.frame',
        'toplevel',
        'v8.execute',
        'blink.console',
        '__metadata',
      ],
    },
  });
  await sleep(ms);
  await beforeEnd();
  await cdp.send('Tracing.end');
  await done;
  return events;
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function (name + file:line), ms, heaviest first. */
async function cpuProfile(cdp: CDPSession, ms: number, dist: string): Promise<{ fn: string; selfMs: number }[]> {
  // Returns every function, with '(program)' (native work outside JS) and '(garbage collector)' among them; '(idle)' left out.
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  await sleep(ms);
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
  await cdp.send('Profiler.disable');
  const byNode = new Map<number, number>();
  // timeDeltas[i + 1] is how long sample i lasted (DevTools' reading).
  for (let i = 0; i < profile.samples.length; i++) {
    byNode.set(profile.samples[i]!, (byNode.get(profile.samples[i]!) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  }
  const byFn = new Map<string, number>();
  for (const node of profile.nodes) {
    const us = byNode.get(node.id) ?? 0;
    if (us === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url === '' ? '' : ` ${url.replace(/^.*\/(assets\/)?/, '')}:${lineNumber + 1}`;
    const key = `${functionName || `(anonymous: ${sourceLine(dist, url, lineNumber)})`}${file}`;
    byFn.set(key, (byFn.get(key) ?? 0) + us);
  }
  return [...byFn]
    .filter(([fn]) => fn !== '(idle)')
    .map(([fn, us]) => ({ fn, selfMs: us / 1000 }))
    .sort((a, b) => b.selfMs - a.selfMs);
}

const sources = new Map<string, string[]>();
/** The start of a line of the unminified bundle (to tell anonymous functions apart). */
function sourceLine(dist: string, url: string, lineNumber: number): string {
  const file = /\/(assets\/[^/?#]+\.js)/.exec(url)?.[1];
  if (!file) return '?';
  let lines = sources.get(file);
  if (!lines) {
    try {
      lines = readFileSync(join(dist, file), 'utf8').split('\n');
    } catch {
      lines = [];
    }
    sources.set(file, lines);
  }
  const text = (lines[lineNumber] ?? '?').trim();
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export interface ProfileCase {
  nodes: number;
  speed: number;
  transport: Transport;
}

export interface ProfileSummary extends ProfileCase {
  leaderElected: boolean;
  frames: number;
  frameP50Ms: number;
  frameP95Ms: number;
  inFlightMedian: number;
  traceWallMs: number;
  /** The raw trace, for DevTools' Performance panel (Load profile…). */
  tracePath: string;
  /** Main thread, ms per frame, by kind (self time). */
  perFrameMs: Record<Kind, number> & { busy: number };
  /** The heaviest trace events on the main thread by self time, ms per frame. */
  topEvents: { name: string; msPerFrame: number }[];
  /** Busy time of each dedicated worker thread during the trace, ms per frame (sum, and the busiest). */
  workerBusyMsPerFrame: { sum: number; max: number; threads: number };
  /** Top JS functions on the main thread by self time over the CPU profile, ms per wall second. */
  topFunctions: { fn: string; msPerSec: number }[];
  /** The CPU profile's main-thread totals, ms per wall second: JS (incl. DOM calls), GC, and "(program)" (native, outside JS). */
  cpuMsPerSec: { js: number; gc: number; program: number };
}

async function profileOne(browser: Browser, baseURL: string, dist: string, c: ProfileCase): Promise<ProfileSummary> {
  return withPage(browser, async (page: Page, context) => {
    await openApp(page, baseURL, { transport: c.transport, nodes: c.nodes, seed: 7 });
    await configureApp(page, { speed: c.speed });
    const leaderElected = await waitForLeader(page, c.speed >= 1 ? 10_000 : 20_000);
    await startLoad(page, { commandEveryMs: 500 });
    await sleep(1500); // let the command flow settle in
    await installFrameSampler(page);
    const cdp = await context.newCDPSession(page);
    try {
      let deltas: number[] = [];
      let traceWallMs = 0;
      await startFrames(page);
      const t0 = Date.now();
      const events = await trace(cdp, TRACE_MS, async () => {
        deltas = await stopFrames(page);
        traceWallMs = Date.now() - t0;
      });
      mkdirSync(TRACE_DIR, { recursive: true });
      const tracePath = join(TRACE_DIR, `${c.transport}-${c.nodes}-nodes-${String(c.speed).replace('.', '_')}x.json`);
      writeFileSync(tracePath, JSON.stringify({ traceEvents: events }));
      const functions = await cpuProfile(cdp, CPU_PROFILE_MS, dist);
      const load = await stopLoad(page);

      const names = threadNames(events);
      if (process.env.BENCH_PROFILE_NAMES) {
        const seen = new Map<string, number>();
        for (const e of events) if (e.ph === 'X') seen.set(`${e.cat} ${e.name}`, (seen.get(`${e.cat} ${e.name}`) ?? 0) + (e.dur ?? 0));
        console.log(
          [...seen]
            .sort((a, b) => b[1] - a[1])
            .map(([n, d]) => `${(d / 1000).toFixed(1)} ${n}`)
            .join('\n'),
        );
      }
      const byThread = new Map<string, TraceEvent[]>();
      for (const e of events) {
        const key = `${e.pid}:${e.tid}`;
        const list = byThread.get(key) ?? [];
        list.push(e);
        byThread.set(key, list);
      }
      // The page's main thread: the renderer main thread that ran animation frames.
      const mains = [...byThread.keys()].filter((k) => names.get(k) === 'CrRendererMain');
      const main = mains.sort(
        (a, b) =>
          byThread.get(b)!.filter((e) => e.name === 'FireAnimationFrame').length -
          byThread.get(a)!.filter((e) => e.name === 'FireAnimationFrame').length,
      )[0];
      const frames = Math.max(1, deltas.length);
      const mainTimes = selfTimes(main ? byThread.get(main)! : []);
      const perKind = Object.fromEntries(KIND_ORDER.map((k) => [k, 0])) as Record<Kind, number>;
      for (const [name, us] of mainTimes.byName) perKind[kindOf(name)] += us / 1000 / frames;
      const mainPid = main?.split(':')[0];
      const workers = [...byThread.keys()].filter((k) => names.get(k) === 'DedicatedWorker thread' && k.split(':')[0] === mainPid);
      const workerBusy = workers.map((k) => selfTimes(byThread.get(k)!).busyUs / 1000 / frames);
      return {
        ...c,
        leaderElected,
        frames: deltas.length,
        frameP50Ms: quantile(deltas, 0.5),
        frameP95Ms: quantile(deltas, 0.95),
        inFlightMedian: median(load.inFlight),
        traceWallMs,
        tracePath,
        perFrameMs: { ...perKind, busy: mainTimes.busyUs / 1000 / frames },
        topEvents: [...mainTimes.byName]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 10)
          .map(([name, us]) => ({ name, msPerFrame: us / 1000 / frames })),
        workerBusyMsPerFrame: {
          sum: workerBusy.reduce((a, b) => a + b, 0),
          max: Math.max(0, ...workerBusy),
          threads: workers.length,
        },
        topFunctions: functions
          .filter((f) => f.fn !== '(program)')
          .slice(0, 10)
          .map((f) => ({ fn: f.fn, msPerSec: f.selfMs / (CPU_PROFILE_MS / 1000) })),
        cpuMsPerSec: {
          js:
            functions.filter((f) => !f.fn.startsWith('(program)') && !f.fn.startsWith('(garbage')).reduce((a, f) => a + f.selfMs, 0) /
            (CPU_PROFILE_MS / 1000),
          gc: (functions.find((f) => f.fn === '(garbage collector)')?.selfMs ?? 0) / (CPU_PROFILE_MS / 1000),
          program: (functions.find((f) => f.fn === '(program)')?.selfMs ?? 0) / (CPU_PROFILE_MS / 1000),
        },
      };
    } finally {
      await cdp.detach().catch(() => undefined);
    }
  });
}

/** The cases: 5 and 9 nodes × default speed and 10× × worker and inline. */
export function profileCases(): ProfileCase[] {
  const out: ProfileCase[] = [];
  for (const transport of ['worker', 'inline'] as const) {
    for (const nodes of [5, 9]) for (const speed of [DEFAULT_SPEED, 10]) out.push({ nodes, speed, transport });
  }
  return out;
}

const speedText = (speed: number) => (speed >= 1 ? `${speed}×` : `1/${Math.round(1 / speed)}×`);

export function formatProfile(s: ProfileSummary): string {
  const f = (n: number) => n.toFixed(2).padStart(6);
  const k = s.perFrameMs;
  const lines = [
    `## ${s.transport}, ${s.nodes} nodes, ${speedText(s.speed)}${s.leaderElected ? '' : ' (no leader was elected before the trace)'}`,
    `frames ${s.frames} over ${(s.traceWallMs / 1000).toFixed(1)} s: p50 ${s.frameP50Ms.toFixed(1)} ms, p95 ${s.frameP95Ms.toFixed(1)} ms; in flight median ${s.inFlightMedian}`,
    `main thread, ms per frame (self time): busy ${f(k.busy)} = scripting ${f(k.scripting)} + postMessage ${f(k.postMessage)} + style+layout ${f(k['style+layout'])} + paint+composite ${f(k['paint+composite'])} + gc ${f(k.gc)} + other ${f(k.other)}`,
    `worker threads (${s.workerBusyMsPerFrame.threads}), busy ms per frame: sum ${s.workerBusyMsPerFrame.sum.toFixed(2)}, busiest ${s.workerBusyMsPerFrame.max.toFixed(2)}`,
    'heaviest trace events on the main thread (self ms per frame):',
    ...s.topEvents.map((e) => `  ${f(e.msPerFrame)}  ${e.name}`),
    `CPU profile of the main thread, ms per wall second: JS ${s.cpuMsPerSec.js.toFixed(0)}, GC ${s.cpuMsPerSec.gc.toFixed(0)}, native outside JS ("(program)") ${s.cpuMsPerSec.program.toFixed(0)}`,
    'top JS functions on the main thread (CPU profile, self ms per wall second):',
    ...s.topFunctions.map((e) => `  ${e.msPerSec.toFixed(1).padStart(6)}  ${e.fn}`),
    `trace: ${s.tracePath}`,
  ];
  return lines.join('\n');
}

/** Profiles every case; prints each as it is done and writes bench/profile.txt. */
export async function benchProfile(
  browser: Browser,
  baseURL: string,
  dist: string,
  header: string,
  cases = profileCases(),
): Promise<ProfileSummary[]> {
  const out: ProfileSummary[] = [];
  const text: string[] = [header];
  for (const c of cases) {
    const s = await profileOne(browser, baseURL, dist, c);
    out.push(s);
    const block = formatProfile(s);
    console.log(`${block}\n`);
    text.push(block);
    writeFileSync(PROFILE_PATH, `${text.join('\n\n')}\n`);
  }
  return out;
}
