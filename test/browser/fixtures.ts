// Shared by the browser specs: fail a test on any page error or console error.
import { expect, test } from '@playwright/test';

/** Registers hooks that collect page and console errors and fail the test if any occurred. */
export function failOnPageErrors(): void {
  let errors: string[] = [];
  test.beforeEach(({ page }) => {
    errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
  });
  test.afterEach(() => {
    expect(errors, 'no errors in the page').toEqual([]);
  });
}
