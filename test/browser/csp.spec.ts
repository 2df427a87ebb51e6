// The built site's Content-Security-Policy (index.html): the app works under
// it — real workers, the canvas, SVG, React's style props — with no
// violation, and the policy is really enforced (and noticed by the fixture).
import { failOnPageErrors, watchPage } from './fixtures';
import { expect, test } from '@playwright/test';

const WAIT = { timeout: 30_000 };

test.describe('the app under its policy', () => {
  failOnPageErrors();

  test('the built page carries a strict policy: own scripts only, no inline script, no eval', async ({ page }) => {
    await page.goto('./');
    const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    const directives = new Map(
      (policy ?? '').split(';').map((d) => {
        const [name = '', ...values] = d.trim().split(/\s+/);
        return [name, values] as const;
      }),
    );
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('worker-src')).toEqual(["'self'"]);
    expect(directives.get('style-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });

  test('workers, SVG, the message canvas and React style props all work with no violation', async ({ page }, testInfo) => {
    await page.goto('./');
    // worker-src: one module worker per node.
    await expect.poll(() => page.workers().filter((w) => w.url().includes('node.worker')).length, WAIT).toBe(5);
    await expect(page.getByRole('button', { name: /^Node \d+, leader,/ })).toHaveCount(1, WAIT);
    await page.getByRole('textbox', { name: 'Command' }).fill('csp=on');
    await page.getByRole('button', { name: 'Submit' }).click();
    const entry = page.getByRole('list', { name: 'Log of node 1' }).getByRole('listitem').first();
    await expect(entry).toHaveAccessibleName(/csp=on/, WAIT);

    // React sets style props through the CSSOM (element.style), which
    // style-src 'self' allows; only style attributes in markup are refused.
    const styles = await entry.evaluate((el) => ({
      own: (el as HTMLElement).style.gridColumnStart,
      computed: getComputedStyle(el).gridColumnStart,
    }));
    expect(styles).toEqual({ own: '1', computed: '1' });
    const anchor = await page
      .locator('svg text')
      .first()
      .evaluate((el) => getComputedStyle(el).textAnchor);
    expect(['start', 'middle', 'end']).toContain(anchor);

    // The canvas paints messages in flight (heartbeats keep it busy).
    await expect
      .poll(
        () =>
          page.evaluate(() => {
            const canvas = document.querySelector('canvas');
            const ctx = canvas?.getContext('2d');
            if (!canvas || !ctx || canvas.width === 0 || canvas.height === 0) return 0;
            const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
            let painted = 0;
            for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) painted += 1;
            return painted;
          }),
        WAIT,
      )
      .toBeGreaterThan(0);
    await page.screenshot({ path: testInfo.outputPath('app-under-csp.png') });
  });
});

test.describe('the policy is enforced, and the fixture reports what it refuses', () => {
  test('an inline script, an eval and a style attribute are refused and each reported', async ({ page }) => {
    const problems = await watchPage(page);
    await page.goto('./');
    await page.waitForFunction(() => window.raftLab !== undefined);
    const outcome = await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true';
      document.head.append(script);
      // A string timer is eval in disguise; run from a page task (code that
      // page.evaluate runs directly is exempt from the eval check).
      // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the point: the policy must refuse it
      setTimeout('window.evalRan = true', 0);
      const div = document.createElement('div');
      div.setAttribute('style', 'color: rgb(1, 2, 3)');
      document.body.append(div);
      return { inlineRan: 'inlineRan' in window, color: getComputedStyle(div).color };
    });
    expect(outcome.inlineRan).toBe(false);
    expect(outcome.color).not.toBe('rgb(1, 2, 3)');
    await expect
      .poll(() =>
        problems.csp
          .filter((p) => p.startsWith('securitypolicyviolation'))
          .map((p) => /^securitypolicyviolation: (\S+)/.exec(p)?.[1])
          .sort(),
      )
      .toEqual(['script-src', 'script-src-elem', 'style-src-attr']);
    // Chromium's own console reports, the second channel the fixture listens on.
    await expect.poll(() => problems.csp.filter((p) => p.startsWith('console:')).length).toBe(3);
    expect(await page.evaluate(() => 'evalRan' in window)).toBe(false);
    expect(problems.errors).toEqual([]);
  });
});
