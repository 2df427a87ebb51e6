// The main thread's share of a frame (issue 12): the inline engine stops
// once its time budget is spent and the driver carries the rest to the next
// frame, with the very same history; the store is synced at most once per
// frame.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLab } from '../../src/store';
import { ENGINE_BUDGET_MS } from '../../src/store/driver';

afterEach(() => vi.restoreAllMocks());

/** A wall clock that moves `stepMs` every time it is read: every event then "costs" time. */
function slowClock(stepMs: number) {
  let t = 0;
  vi.spyOn(performance, 'now').mockImplementation(() => (t += stepMs));
}

const kinds = (trace: readonly { kind: string; at: number }[]) => trace.map((e) => `${e.at}:${e.kind}`);

describe('the inline engine keeps to a budget per frame', () => {
  it('advance({ budgetMs }) stops early on an inline cluster, and going on gives the same history as one long run', async () => {
    const whole = createLab({ nodes: 5, seed: 4, playing: false, clock: 'manual' });
    await whole.store.getState().advance(2000);
    const expected = whole.store.getState().cluster.trace();

    slowClock(1); // each event reads the clock once: a budget of 5 ms lets about 5 events through
    const cut = createLab({ nodes: 5, seed: 4, playing: false, clock: 'manual' });
    const c = cut.store.getState().cluster;
    await cut.store.getState().advance(2000, { budgetMs: 5 });
    expect(c.now()).toBeLessThan(2000);
    expect(c.processed()).toBeGreaterThan(0);
    expect(c.processed()).toBeLessThan(10);
    let calls = 1;
    while (c.now() < 2000) {
      await cut.store.getState().advance(2000 - c.now(), { budgetMs: 5 });
      calls += 1;
    }
    expect(calls).toBeGreaterThan(5);
    expect(kinds(c.trace())).toEqual(kinds(expected));
    expect(c.trace()).toEqual(expected);
  });

  it('the driver carries the time the budget cut to the next frames; the run still reaches the wall clock', async () => {
    const lab = createLab({ nodes: 9, seed: 4, playing: false, clock: 'manual', speed: 1 });
    const c = lab.store.getState().cluster;
    lab.store.getState().setPlaying(true);
    slowClock(ENGINE_BUDGET_MS); // an event or two per frame: far behind the wall clock
    let wall = 0;
    lab.driver.frame(wall);
    for (let i = 0; i < 40; i++) {
      wall += 16;
      lab.driver.frame(wall);
      await new Promise((r) => setTimeout(r, 0));
    }
    const cutShort = c.now();
    expect(cutShort).toBeGreaterThan(0);
    expect(cutShort).toBeLessThan(wall - 200);
    // Cut short, but not dropped: once the engine is quick again the next frame runs the backlog
    // (up to the bound of 100 ms at 1×), not just its own 16 ms.
    vi.restoreAllMocks();
    wall += 16;
    lab.driver.frame(wall);
    await new Promise((r) => setTimeout(r, 0));
    expect(c.now() - cutShort).toBeGreaterThan(60);
    expect(c.now()).toBeLessThanOrEqual(wall);
  });

  it('the store takes the run’s events inside a frame, at most once per frame — never between frames', async () => {
    const lab = createLab({ nodes: 3, seed: 2, playing: false, clock: 'manual', speed: 0.2 });
    lab.store.getState().setPlaying(true);
    const flushes: { frame: number; inFrame: boolean }[] = [];
    let frame = 0;
    let inFrame = false;
    lab.store.subscribe((s, prev) => {
      if (s.nowMs !== prev.nowMs) flushes.push({ frame, inFrame });
    });
    for (let wall = 0; wall < 16 * 200; wall += 16) {
      frame += 1;
      inFrame = true;
      lab.driver.frame(wall);
      inFrame = false;
      await new Promise((r) => setTimeout(r, 0)); // the advance ends here, between frames
    }
    expect(flushes.length).toBeGreaterThan(10);
    expect(flushes.filter((f) => !f.inFrame)).toEqual([]);
    expect(new Set(flushes.map((f) => f.frame)).size).toBe(flushes.length);
  });
});
