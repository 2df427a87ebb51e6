// Import in the app (issue 14), in Chromium with the real import worker:
// the etcd and student fixtures chosen in the file chooser play in the
// ring, the logs and the space-time diagram; the planted double vote is
// reported with its line and Show jumps to it; bad lines are listed; a
// generated 50 MB trace imports with the progress bar on show and no long
// task over 200 ms on the main thread, and Cancel import leaves the run on
// show as it was; axe finds nothing in the imported view.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCluster } from '../../src/sim';
import { exportNdjson } from '../../src/trace';
import { failOnPageErrors } from './fixtures';

const WAIT = { timeout: 30_000 };
const FIXTURES = join(process.cwd(), 'test/fixtures/traces');

failOnPageErrors();

// Every long task (> 50 ms) on the main thread, from the first script on.
const LONG_TASKS = `
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
`;

type Paged = Window & { __longTasks: { start: number; duration: number }[] };

async function open(page: Page): Promise<void> {
  await page.goto('./');
  await expect(page.getByRole('button', { name: 'Import trace' })).toBeVisible(WAIT);
  // Paused, so the live run on show stays put while we look at it.
  await page.getByRole('button', { name: 'Pause' }).click();
}

async function importFile(page: Page, path: string): Promise<void> {
  await page.getByLabel('Trace file').setInputFiles(path);
}

/** The store, read in the page. */
function state<T>(page: Page, read: string): Promise<T> {
  return page.evaluate<T>(`(() => { const s = window.raftLab.lab.store.getState(); return ${read}; })()`);
}

async function stepUntil(page: Page, name: RegExp, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    if ((await page.getByRole('button', { name }).count()) > 0) return;
    await page.getByRole('button', { name: 'Step', exact: true }).click();
  }
  await expect(page.getByRole('button', { name })).toHaveCount(1);
}

test('an etcd-io/raft trace plays in the ring, the logs and the space-time diagram', async ({ page }) => {
  await open(page);
  await importFile(page, join(FIXTURES, 'etcd-election.ndjson'));
  const banner = page.getByRole('region', { name: 'Imported trace' });
  await expect(banner.getByRole('heading')).toHaveText(/^Imported trace: etcd-election\.ndjson — etcd, \d+ events, 3 nodes$/, WAIT);
  await expect(page.getByRole('button', { name: /^Node \d, / })).toHaveCount(3);
  await expect(page.getByRole('region', { name: 'Client' })).toHaveCount(0);
  await stepUntil(page, /^Node 1, leader, term 2/);
  // The logs and the diagram follow the trace.
  await expect(page.getByRole('list', { name: 'Log of node 1' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Space-time diagram' })).toBeVisible();
  expect(await state<number>(page, 's.spaceTime().messages.length')).toBeGreaterThan(2);
  // Play to the end: playing stops there and says so.
  await page.getByRole('button', { name: 'Play' }).click();
  await expect(banner.getByText(/End of the trace: all \d+ events shown/)).toBeVisible(WAIT);
  await expect(page.getByRole('region', { name: 'Safety' }).getByText(/✓ Safe: no violation in the whole trace/)).toBeVisible(WAIT);
  // Back on the timeline: the moment is rebuilt from the trace.
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByRole('group', { name: 'The past on show' })).toBeVisible(WAIT);
  await expect(page.getByRole('button', { name: 'Continue from here' })).toHaveCount(0);
  // Close trace: a fresh live run of five nodes.
  await page.getByRole('button', { name: 'Close trace' }).click();
  await expect(banner).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Node \d, / })).toHaveCount(5, WAIT);
  await expect(page.getByRole('region', { name: 'Client' })).toBeVisible();
});

test('a student lab log plays; axe finds nothing in the imported view', async ({ page }) => {
  await open(page);
  await importFile(page, join(FIXTURES, 'student-lab.log'));
  const banner = page.getByRole('region', { name: 'Imported trace' });
  await expect(banner.getByRole('heading')).toHaveText(/^Imported trace: student-lab\.log — student, \d+ events, 3 nodes$/, WAIT);
  await expect(banner).toContainText('The trace numbers its nodes from 0');
  await stepUntil(page, /^Node \d, leader, term 1/);
  // Select a node: the inspector has no actions.
  await page.getByRole('button', { name: /^Node 2, / }).click();
  const inspector = page.getByRole('region', { name: 'Node 2 inspector' });
  await expect(inspector).toContainText('An imported trace: crash, restart, disconnect, time out and leadership transfer are off');
  await page.keyboard.press('c');
  await expect(banner.getByRole('alert')).toHaveText(/This is an imported trace: crashing a node is off/);
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`))).toEqual([]);
});

test('the planted double vote is reported with its line, and Show jumps to it', async ({ page }) => {
  await open(page);
  await importFile(page, join(FIXTURES, 'student-double-vote.log'));
  const safety = page.getByRole('region', { name: 'Safety' });
  const row = safety.getByRole('listitem').filter({ hasText: /^One Vote Per Term/ });
  await expect(row).toContainText('node 3 (2 in the trace), trace line 17', WAIT);
  await expect(page.getByText(/One Vote Per Term violated at line 17 \(node 3 \(2 in the trace\)\)/)).toBeVisible();
  await row.getByRole('button', { name: 'Show One Vote Per Term at line 17' }).click();
  // Node S2 (3 here) has just voted for S1 (2) in term 3, having voted for S0 (1): the ring shows it.
  await expect.poll(() => state<number>(page, 's.nodes.find((n) => n.id === 3).votedFor'), WAIT).toBe(2);
  await expect(page.locator('.layer-nodes').getByText('voted 2')).toHaveCount(1);
  const shown = await state<number>(page, 's.cluster.processed()');
  expect(await state<number>(page, `s.cluster.eventAt(${shown} - 1).line`)).toBe(17);
});

test('bad lines are listed with their reasons; a file that is not a trace is refused and the run goes on', async ({ page }) => {
  await open(page);
  const before = await state<number>(page, 's.generation');
  await importFile(page, join(process.cwd(), 'package.json'));
  const traces = page.getByRole('region', { name: 'Traces' });
  await expect(traces.getByRole('alert')).toHaveText(/package\.json was not imported: .*The run on show goes on as it was\./, WAIT);
  expect(await state<number>(page, 's.generation')).toBe(before);
  await expect(page.getByRole('region', { name: 'Client' })).toBeVisible();

  await importFile(page, join(FIXTURES, 'student-bad-lines.log'));
  const banner = page.getByRole('region', { name: 'Imported trace' });
  await expect(banner).toBeVisible(WAIT);
  await banner.getByText(/lines could not be read/).click();
  await expect(banner.getByRole('listitem').first()).toHaveText(/^line 2: .*term/);
});

test('a file dropped on the page imports (with a hint while dragging); ?trace= imports a same-origin file and refuses another origin', async ({
  page,
  context,
}) => {
  await open(page);
  const text = readFileSync(join(FIXTURES, 'student-lab.log'), 'utf8');
  const drag = await page.evaluateHandle((body) => {
    const dt = new DataTransfer();
    dt.items.add(new File([body], 'dropped.log'));
    return dt;
  }, text);
  await page.dispatchEvent('main', 'dragenter', { dataTransfer: drag });
  await expect(page.getByText(/^Drop the trace file to import it/)).toBeVisible();
  await page.dispatchEvent('main', 'dragover', { dataTransfer: drag });
  await page.dispatchEvent('main', 'drop', { dataTransfer: drag });
  await expect(page.getByText(/^Drop the trace file to import it/)).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Imported trace' }).getByRole('heading')).toHaveText(
    /^Imported trace: dropped\.log — student, \d+ events, 3 nodes$/,
    WAIT,
  );

  // ?trace=: fetched by the import worker from this origin (served here by the test).
  await context.route('**/traces/lab.log', (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: text }));
  await page.goto('./?trace=traces/lab.log');
  await expect(page.getByRole('region', { name: 'Imported trace' }).getByRole('heading')).toHaveText(
    /^Imported trace: lab\.log — student, \d+ events, 3 nodes$/,
    WAIT,
  );
  await page.goto('./?trace=https://example.com/lab.log');
  await expect(page.getByRole('region', { name: 'Traces' }).getByRole('alert')).toHaveText(
    /Traces are imported only from this site \(http:\/\/localhost:\d+\); https:\/\/example\.com is another origin/,
    WAIT,
  );
  await expect(page.getByRole('region', { name: 'Imported trace' })).toHaveCount(0);
});

test.describe('a 50 MB trace', () => {
  let dir = '';
  let big = '';
  test.beforeAll(async () => {
    // A real run's events, repeated with shifted times and message ids until 50 MB.
    const cluster = createCluster({ nodes: 5, seed: 3 });
    await cluster.runFor(20_000);
    const lines = exportNdjson(cluster.ids, cluster.trace()).trim().split('\n');
    const body = lines.slice(1);
    const span = (JSON.parse(body[body.length - 1]!) as { t: number }).t + 10;
    const parts = [lines[0]!];
    let size = 0;
    for (let rep = 0; size < 50 * 1024 * 1024; rep++) {
      const shift = rep * span;
      for (const line of body) {
        const shifted = line
          .replace(/^\{"t":(\d+)/, (_, t: string) => `{"t":${Number(t) + shift}`)
          .replace(/"id":"(\d+)"/, `"id":"${rep}-$1"`)
          .replace(/"deliverAt":(\d+)/, (_, t: string) => `"deliverAt":${Number(t) + shift}`);
        parts.push(shifted);
        size += shifted.length + 1;
      }
    }
    dir = mkdtempSync(join(tmpdir(), 'raft-lab-trace-'));
    big = join(dir, 'big-trace.ndjson');
    writeFileSync(big, `${parts.join('\n')}\n`);
  });
  test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('imports with the progress bar and no long task over 200 ms; Cancel import leaves the run on show', async ({ page }) => {
    test.setTimeout(300_000);
    await page.addInitScript(LONG_TASKS);
    await open(page);
    await page.evaluate(() => ((window as unknown as Paged).__longTasks = []));
    const started = Date.now();
    await importFile(page, big);
    const progress = page.getByRole('progressbar', { name: 'Import progress' });
    await expect(progress).toBeVisible();
    await expect(page.getByRole('region', { name: 'Traces' })).toContainText(/Reading big-trace\.ndjson: [\d.]+ MB of 5\d\.\d MB/);
    const banner = page.getByRole('region', { name: 'Imported trace' });
    await expect(banner.getByRole('heading')).toHaveText(/^Imported trace: big-trace\.ndjson — raftlab, [\d,]+ events, 5 nodes$/, {
      timeout: 240_000,
    });
    const seconds = (Date.now() - started) / 1000;
    // Every event arrived, in place (batches assembled at their offsets; a for loop, since every() skips holes).
    const misplaced =
      '(() => { const e = s.cluster.imported.events; for (let i = 0; i < e.length; i++) if (e[i] === undefined || (i > 0 && e[i].line <= e[i - 1].line)) return i; return -1; })()';
    expect(await state<number>(page, misplaced), 'the first event missing or out of place').toBe(-1);
    await expect(progress).toHaveCount(0);
    // It plays.
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    const tasks = await page.evaluate(() => (window as unknown as Paged).__longTasks);
    const longest = Math.max(0, ...tasks.map((t) => t.duration));
    console.log(`50 MB import: ${seconds.toFixed(1)} s; ${tasks.length} long tasks, the longest ${longest.toFixed(0)} ms`);
    expect(longest, 'no long task over 200 ms').toBeLessThanOrEqual(200);

    // Cancel: a second import, cancelled while it reads; the trace on show stays.
    const events = await state<number>(page, 's.trace.events');
    await importFile(page, big);
    await expect(progress).toBeVisible();
    await page.getByRole('button', { name: 'Cancel import' }).click();
    await expect(progress).toHaveCount(0);
    await expect(banner.getByRole('status')).toHaveText(/Import of big-trace\.ndjson cancelled; the run on show goes on as it was\./);
    expect(await state<number>(page, 's.trace.events')).toBe(events);
    expect(await state<number>(page, 's.cluster.processed()')).toBe(2);
  });
});

test('Download trace saves the live run, which imports back', async ({ page }) => {
  await open(page);
  await page.getByRole('button', { name: 'Play' }).click();
  await expect(page.getByRole('button', { name: /^Node \d+, leader, term \d+/ })).toHaveCount(1, WAIT);
  await page.getByRole('button', { name: 'Pause' }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download trace' }).click()]);
  expect(download.suggestedFilename()).toBe('raft-lab-trace.ndjson');
  const dir = mkdtempSync(join(tmpdir(), 'raft-lab-download-'));
  const path = join(dir, 'raft-lab-trace.ndjson');
  await download.saveAs(path);
  await importFile(page, path);
  await expect(page.getByRole('region', { name: 'Imported trace' }).getByRole('heading')).toHaveText(
    /^Imported trace: raft-lab-trace\.ndjson — raftlab, \d+ events, 5 nodes$/,
    WAIT,
  );
  rmSync(dir, { recursive: true, force: true });
});
