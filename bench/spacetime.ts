/**
 * The space-time diagram with 10,000 messages (issue 10): time from a zoom key
 * to the next painted frame, for an empty diagram (the baseline, measured in
 * the same page), 10,000 messages at the default zoom (a second in view), and
 * all 10,000 in view. Synthetic messages are put straight into the store's
 * record, so the figure is the diagram's own cost, not the engine's.
 */
import type { Page } from '@playwright/test';

export interface SpaceTimeFigure {
  readonly label: string;
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
}

// A string, not a function: tsx's helpers do not exist in the page.
const SCRIPT = `(async () => {
  const store = window.raftLab.lab.store;
  const record = store.getState().spaceTime();
  const region = document.querySelector('section[aria-label="Space-time diagram"]');
  const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const key = (k) => region.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
  const publish = () => store.setState({ spaceTimeVersion: record.version });
  async function measure(label, n) {
    const times = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      key(i % 2 ? '+' : '-');
      await frame();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return { label, medianMs: times[times.length >> 1], minMs: times[0], maxMs: times[times.length - 1] };
  }
  const out = [];
  record.clear(); publish(); await frame();
  out.push(await measure('empty diagram (baseline)', 30));
  for (let i = 0; i < 10000; i++) {
    const sentAt = i * 10, from = (i % 5) + 1, to = ((i + 1 + (i % 3)) % 5) + 1;
    const type = i % 7 ? 'AppendEntries' : 'RequestVote';
    const message = { id: 1e6 + i, from, to, type, sentAt, deliverAt: sentAt + 5 + (i % 20), payload: { type, entries: i % 3 ? [] : [{}] }, duplicate: i % 50 === 0 };
    record.add({ kind: 'send', at: sentAt, message });
    if (i % 40 === 0) record.add({ kind: 'drop', at: sentAt + 2, message, reason: 'lost' });
    else if (i < 9990) record.add({ kind: 'deliver', at: message.deliverAt, message });
    if (i % 25 === 0) record.add({ kind: 'commit', at: sentAt, node: from, term: 1, commitIndex: i });
  }
  publish(); await frame();
  out.push(await measure('10,000 messages, default zoom', 30));
  for (let i = 0; i < 14; i++) { key('-'); await frame(); }
  out.push(await measure('10,000 messages, all in view', 10));
  return out;
})()`;

/** Runs in a page of the app (inline transport, paused once a leader is elected). */
export async function benchSpaceTime(page: Page, baseURL: string): Promise<SpaceTimeFigure[]> {
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.goto(`${baseURL}?transport=inline`);
  await page.getByRole('button', { name: /^Node \d+, leader, term \d+/ }).waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  return page.evaluate<SpaceTimeFigure[]>(SCRIPT);
}
