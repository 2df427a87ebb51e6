// Shared by the browser specs: fail a test on any page error, console error
// or Content-Security-Policy violation.
import { expect, test, type Page } from '@playwright/test';

/** What went wrong in a page, as it happened. */
export interface PageProblems {
  /** Uncaught exceptions and console errors (other than CSP reports). */
  readonly errors: string[];
  /** Content-Security-Policy violations: the page's own events and Chromium's console reports. */
  readonly csp: string[];
}

/** The name of the binding the init script reports violations through (kept across reloads). */
const CSP_BINDING = '__raftLabCspViolation';

// Runs in the page before any of its scripts: a `securitypolicyviolation`
// event is the one place every kind of violation shows (an inline script, an
// eval, a style attribute, a blocked fetch), with the directive and the source.
// A string, not a function: tsx's `__name` helper does not exist in the page.
const CSP_LISTENER = `
  document.addEventListener('securitypolicyviolation', (e) => {
    const where = e.sourceFile ? ' at ' + e.sourceFile + ':' + e.lineNumber : '';
    window.${CSP_BINDING}?.(e.effectiveDirective + ' refused ' + (e.blockedURI || '(inline)') + where + (e.sample ? ' [' + e.sample + ']' : ''));
  }, true);
`;

/** Chromium's console line for a violation ("Refused to execute inline script because it violates …"). */
const CSP_CONSOLE = /Content Security Policy/i;

/**
 * Starts collecting `page`'s problems; call before the first navigation.
 * Specs normally use failOnPageErrors(); this is for a spec that checks the
 * collection itself.
 */
export async function watchPage(page: Page): Promise<PageProblems> {
  const problems: PageProblems = { errors: [], csp: [] };
  await page.exposeBinding(CSP_BINDING, (_source, text: string) => {
    problems.csp.push(`securitypolicyviolation: ${text}`);
  });
  await page.addInitScript(CSP_LISTENER);
  page.on('pageerror', (e) => problems.errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (CSP_CONSOLE.test(m.text())) problems.csp.push(`console: ${m.text()}`);
    else problems.errors.push(m.text());
  });
  return problems;
}

/** Registers hooks that collect page errors and CSP violations and fail the test if any occurred. */
export function failOnPageErrors(): void {
  let problems: PageProblems = { errors: [], csp: [] };
  test.beforeEach(async ({ page }) => {
    problems = await watchPage(page);
  });
  test.afterEach(() => {
    expect(problems.csp, 'no Content-Security-Policy violations').toEqual([]);
    expect(problems.errors, 'no errors in the page').toEqual([]);
  });
}
