// Share, embed, save (issue 10), in Chromium on the worker transport: a link
// shared in one browser opens on the same paused moment in a fresh one (same
// node names, same log entries); its embed variant shows the ring and the
// playback only; an exported file imported in a fresh browser gives the same
// state; a malformed link says why and the lab runs anyway.
import { readFileSync, writeFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { failOnPageErrors, watchPage, type PageProblems } from './fixtures';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import type { Lab } from '../../src/store';

const WAIT = { timeout: 30_000 };
/** Opening replays the whole run on fresh workers: allow for a slow machine. */
const OPEN = { timeout: 90_000 };

failOnPageErrors();

/** What the user sees of every node: its button's name, and its log's entries. */
interface Picture {
  readonly nodes: string[];
  readonly logs: string[][];
}

async function picture(page: Page): Promise<Picture> {
  const nodes = await page
    .getByRole('button', { name: /^Node \d+, / })
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? '').sort());
  const logs: string[][] = [];
  for (let id = 1; id <= nodes.length; id++) {
    logs.push(
      await page
        .getByRole('list', { name: `Log of node ${id}` })
        .getByRole('listitem')
        .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent ?? '')),
    );
  }
  return { nodes, logs };
}

async function leader(page: Page): Promise<number> {
  let id = 0;
  await expect
    .poll(async () => {
      const names = await page
        .getByRole('button', { name: /^Node \d+, leader,/ })
        .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
      id = Number(/^Node (\d+)/.exec(names[0] ?? '')?.[1] ?? 0);
      return id;
    }, WAIT)
    .toBeGreaterThan(0);
  return id;
}

async function logLabels(page: Page, id: number): Promise<string[]> {
  return page
    .getByRole('list', { name: `Log of node ${id}` })
    .getByRole('listitem')
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
}

async function submit(page: Page, command: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Command' }).fill(command);
  await page.getByRole('button', { name: 'Submit' }).click();
}

/** Plays faster than the classroom pace, then acts: two commands, a crash between them. Leaves it playing. */
async function actOnTheLab(page: Page): Promise<void> {
  await page.goto('./');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  for (let i = 0; i < 4; i++) await page.keyboard.press('+');
  const id = await leader(page);
  await submit(page, 'x=1');
  await expect.poll(async () => (await logLabels(page, id)).some((l) => l.includes('x=1') && !/uncommitted/.test(l)), WAIT).toBe(true);
  const follower = id === 1 ? 2 : 1;
  await page.getByRole('button', { name: new RegExp(`^Node ${follower},`) }).click();
  await page.getByRole('button', { name: `Crash node ${follower}` }).click();
  await expect(page.getByRole('button', { name: new RegExp(`^Node ${follower}, crashed`) })).toBeVisible();
  await page.keyboard.press('Escape');
  await submit(page, 'y=2');
  await expect.poll(async () => (await logLabels(page, id)).some((l) => l.includes('y=2')), WAIT).toBe(true);
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
}

/** Presses Share; returns the link the dialog shows. */
async function share(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Share this run' });
  await expect(dialog).toBeVisible();
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeAttached();
  return dialog.getByRole('textbox', { name: 'Link to this moment' }).inputValue();
}

/** A fresh browser context (no storage, no disks shared with the first) and a page in it, failing on its errors. */
async function freshPage(
  browser: Browser,
  viewport = { width: 1280, height: 720 },
): Promise<{ context: BrowserContext; page: Page; problems: PageProblems }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  return { context, page, problems: await watchPage(page) };
}

function noProblems(problems: PageProblems): void {
  expect(problems.csp, 'no Content-Security-Policy violations').toEqual([]);
  expect(problems.errors, 'no errors in the page').toEqual([]);
}

/** Waits until a shared run is open and on show, paused. */
async function opened(page: Page): Promise<void> {
  await expect(page.getByText(/Opened a shared run: 5 nodes/).first()).toBeVisible(OPEN);
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
}

test('a shared link opens in a fresh browser on the very moment shared, paused', async ({ page, browser, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await actOnTheLab(page);
  const link = await share(page);
  expect(link).toMatch(/#nodes=5&seed=1&run=[\w-]+$/);
  expect(page.url()).toBe(link);
  await expect(page.getByText('Link copied to the clipboard.')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  const shared = await picture(page);
  expect(shared.nodes.some((n) => /crashed/.test(n))).toBe(true);
  expect(shared.logs.flat().some((l) => l.includes('y=2'))).toBe(true);

  const fresh = await freshPage(browser);
  await fresh.page.goto(link);
  await opened(fresh.page);
  expect(await picture(fresh.page)).toEqual(shared);
  // The address bar keeps the link, and the lab runs on from there when asked.
  expect(fresh.page.url()).toBe(link);
  await fresh.page.getByRole('button', { name: 'Play', exact: true }).click();
  await expect(fresh.page.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
  noProblems(fresh.problems);
  await fresh.context.close();
});

test('the embed link shows the ring and playback, no sidebar, and a way to the full app', async ({ page, browser }) => {
  await actOnTheLab(page);
  const link = await share(page);
  const shared = await picture(page);
  await page.getByRole('button', { name: 'Copy embed code' }).click();
  const code = await page.getByRole('textbox', { name: 'Embed code' }).inputValue();
  const src = /src="([^"]+)"/.exec(code)?.[1]?.replace(/&amp;/g, '&');
  expect(src).toBe(`${link}&embed=1`);
  expect(code).toMatch(/width="800" height="500" title="Raft Lab"/);

  const fresh = await freshPage(browser, { width: 800, height: 500 });
  await fresh.page.goto(src!);
  const p = fresh.page;
  await opened(p);
  await expect(p.getByRole('button', { name: /^Node \d+, / })).toHaveCount(5);
  expect(
    await p.getByRole('button', { name: /^Node \d+, / }).evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')).sort()),
  ).toEqual(shared.nodes);
  for (const name of ['Play', 'Step']) await expect(p.getByRole('button', { name, exact: true })).toBeVisible();
  await expect(p.getByRole('complementary', { name: 'Controls' })).toBeHidden();
  await expect(p.getByRole('textbox', { name: 'Command' })).toBeHidden();
  await expect(p.getByRole('button', { name: 'Share', exact: true })).toHaveCount(0);
  const open = p.getByRole('link', { name: 'Open in Raft Lab' });
  await expect(open).toBeVisible();
  expect(await open.getAttribute('href')).toBe(link);
  // The ring and the bar fit the iframe: nothing to scroll.
  const scroll = await p.evaluate(() => ({ w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight }));
  expect(scroll.w).toBeLessThanOrEqual(800);
  expect(scroll.h).toBeLessThanOrEqual(500);
  for (const id of [1, 2, 3, 4, 5]) await expect(p.getByRole('button', { name: new RegExp(`^Node ${id},`) })).toBeInViewport();
  expect((await new AxeBuilder({ page: p }).analyze()).violations.map((v) => v.id)).toEqual([]);
  noProblems(fresh.problems);
  await fresh.context.close();
});

test('an exported run file imported in a fresh browser gives the same state', async ({ page, browser }, testInfo) => {
  await actOnTheLab(page);
  await share(page);
  const shared = await picture(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export run file' }).click()]);
  expect(download.suggestedFilename()).toBe('raft-lab-run-1.json');
  const path = testInfo.outputPath('raft-lab-run-1.json');
  await download.saveAs(path);
  expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ kind: 'raft-lab-run', format: 1, seed: 1 });

  const fresh = await freshPage(browser);
  const p = fresh.page;
  await p.goto('./#nodes=3&seed=9');
  await expect(p.getByRole('button', { name: /^Node \d+, / })).toHaveCount(3);
  await p.getByRole('button', { name: 'Share', exact: true }).click();
  const [chooser] = await Promise.all([p.waitForEvent('filechooser'), p.getByRole('button', { name: 'Import run file' }).click()]);
  await chooser.setFiles(path);
  await opened(p);
  await expect(p.getByRole('dialog')).toHaveCount(0);
  await expect(p.getByRole('button', { name: 'Share', exact: true })).toBeFocused();
  expect(await picture(p)).toEqual(shared);
  noProblems(fresh.problems);
  await fresh.context.close();
});

test('a malformed link says what is wrong and the lab runs anyway; a bad file changes nothing', async ({ page }, testInfo) => {
  // Well-formed data, but a 12-node cluster: more nodes than the lab runs.
  await page.goto(
    './#nodes=5&seed=1&run=eJyrVkrLL8pNLFGyMtRRKk5NTQEz8gtKMvPzipWsqpXy8lNSi5WsDI1qdZQSk6HC0bE6Srn5ual5JSAliWklqUVKVgY6SiBzDGprAZ0zG0k',
  );
  await expect(
    page.getByText(/This link cannot be opened: options\.nodes .* not 12\. A fresh cluster runs instead\.$/).first(),
  ).toBeVisible(WAIT);
  await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
  await leader(page);
  await expect.poll(() => page.evaluate(() => location.hash)).toBe('#nodes=5&seed=1');

  // Cut short: the checksum catches it. (A new page load: a change of hash alone would not reload.)
  await page.goto('about:blank');
  await page.goto('./#nodes=5&seed=1&run=eJyrVkrLz1eyUkpKLF');
  await expect(page.getByText(/This link cannot be opened: its data does not decompress/).first()).toBeVisible(WAIT);
  await leader(page);

  const before = await picture(page);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  const paused = await picture(page);
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const bad = testInfo.outputPath('bad.json');
  writeFileSync(bad, '{"kind": "raft-lab-run", "format": 2}');
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Import run file' }).click()]);
  await chooser.setFiles(bad);
  await expect(page.getByRole('dialog').getByText(/This file cannot be opened: .*The current run is unchanged\./)).toBeVisible();
  expect(await picture(page)).toEqual(paused);
  expect(before.nodes).toHaveLength(5);
});

test('the share dialog: keyboard, Esc back to Share, no axe violation in light, dark and presenter', async ({ page }) => {
  await page.goto('./');
  await leader(page);
  for (const mode of ['light', 'dark', 'presenter'] as const) {
    if (mode === 'dark') await page.keyboard.press('m');
    if (mode === 'presenter') await page.keyboard.press('p');
    const button = page.getByRole('button', { name: 'Share', exact: true });
    await button.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Share this run' });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('textbox', { name: 'Link to this moment' })).toBeFocused();
    const results = await new AxeBuilder({ page }).analyze();
    expect(
      results.violations.flatMap((v) => v.nodes.map((n) => `${mode} ${v.id}: ${n.target.join(' ')}`)),
      mode,
    ).toEqual([]);
    // Tab stays in the dialog.
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'))).toBe(true);
    }
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
    await expect(button).toBeFocused();
  }
  const s = await page.evaluate(() => (window.raftLab!.lab as Lab).store.getState().playing);
  expect(s).toBe(false);
});

test('a shared 60 s run of 5 nodes opens exactly, on workers and inline (time measured)', async ({ page, browser }, testInfo) => {
  test.setTimeout(300_000);
  await page.goto('./');
  await leader(page);
  // 60 virtual seconds with an action every 5 s: commands, a crash and a restart, a partition and a heal.
  const link = await page.evaluate(async () => {
    const s = () => (window.raftLab!.lab as Lab).store.getState();
    s().setPlaying(false);
    for (let i = 0; s().cluster.now() < 60_000; i++) {
      await s().advance(5000);
      if (i === 3) await s().crash(2);
      else if (i === 6) await s().restart(2);
      else if (i === 8) s().isolateLeader();
      else if (i === 9) s().healAll();
      else await s().submitCommand(`k${i}=${i}`);
    }
    return s().shareLink();
  });
  expect(link).not.toBeNull();
  const shared = await picture(page);
  const figures: string[] = [];
  for (const transport of ['worker', 'inline'] as const) {
    const fresh = await freshPage(browser);
    const url = transport === 'inline' ? link!.replace('/#', '/?transport=inline#') : link!;
    const started = Date.now();
    await fresh.page.goto(url);
    await opened(fresh.page);
    const wallMs = Date.now() - started;
    const notice =
      (await fresh.page
        .getByText(/Opened a shared run/)
        .first()
        .textContent()) ?? '';
    const replayed = /replayed in ([\d.]+) s/.exec(notice)?.[1];
    figures.push(`${transport}: page load to paused moment ${(wallMs / 1000).toFixed(1)} s, replay ${replayed} s`);
    expect(await picture(fresh.page)).toEqual(shared);
    noProblems(fresh.problems);
    await fresh.context.close();
  }
  const run = `opening a shared 60 s, 5-node run (${link!.length} characters of link): ${figures.join('; ')}`;
  console.log(run);
  testInfo.annotations.push({ type: 'timing', description: run });
});
