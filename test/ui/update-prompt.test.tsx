// @vitest-environment jsdom
// The update prompt (issue 14): when a new deployment's service worker is
// waiting, a polite status offers "Reload to update" (which lets the new
// version take over) or "Later" (which hides the offer); after the first
// install a one-time "works offline" notice shows for a few seconds. The
// service worker is faked at vite-plugin-pwa's registerSW boundary.
import '@testing-library/jest-dom/vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RegisterSWOptions } from 'vite-plugin-pwa/types';
import { createAppUpdates } from '../../src/ui/pwa';
import { OFFLINE_NOTICE_MS, UpdatePrompt } from '../../src/ui/UpdatePrompt';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** A fake registerSW: what the page asked to be told, and the "activate the waiting version" function it got back. */
function fakeServiceWorker() {
  const updateServiceWorker = vi.fn((_reloadPage?: boolean) => Promise.resolve());
  let options: RegisterSWOptions = {};
  const updates = createAppUpdates((given) => {
    options = given;
    return updateServiceWorker;
  });
  render(<UpdatePrompt updates={updates} />);
  return {
    updateServiceWorker,
    /** The browser installed a new version that now waits (workbox's `waiting`). */
    signalUpdate: () => act(() => options.onNeedRefresh?.()),
    /** The first install finished: everything is precached. */
    signalOfflineReady: () => act(() => options.onOfflineReady?.()),
    registerError: (err: unknown) => options.onRegisterError?.(err),
  };
}

const READY = 'A new version of Raft Lab is ready.';

describe('the update prompt', () => {
  it('says nothing until the service worker signals a new version', () => {
    fakeServiceWorker();
    expect(screen.getByRole('status')).toBeEmptyDOMElement();
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('appears in the polite status region when an update is waiting, without taking the focus', () => {
    const sw = fakeServiceWorker();
    const before = document.activeElement;
    sw.signalUpdate();
    const status = screen.getByRole('status');
    expect(status).toHaveTextContent(READY);
    expect(status).not.toHaveAttribute('aria-live', 'assertive');
    expect(screen.getByRole('button', { name: 'Reload to update' })).toBeVisible();
    expect(screen.getByRole('button', { name: 'Later' })).toBeVisible();
    expect(document.activeElement).toBe(before);
    expect(sw.updateServiceWorker).not.toHaveBeenCalled();
  });

  it('"Reload to update" lets the waiting version take over (the page then reloads)', () => {
    const sw = fakeServiceWorker();
    sw.signalUpdate();
    fireEvent.click(screen.getByRole('button', { name: 'Reload to update' }));
    expect(sw.updateServiceWorker).toHaveBeenCalledTimes(1);
    expect(sw.updateServiceWorker).toHaveBeenCalledWith(true);
  });

  it('"Later" hides the prompt and updates nothing; a later signal shows it again', () => {
    const sw = fakeServiceWorker();
    sw.signalUpdate();
    fireEvent.click(screen.getByRole('button', { name: 'Later' }));
    expect(screen.queryByText(READY)).toBeNull();
    expect(screen.queryByRole('button', { name: 'Reload to update' })).toBeNull();
    expect(screen.getByRole('status')).toBeEmptyDOMElement();
    expect(sw.updateServiceWorker).not.toHaveBeenCalled();
    sw.signalUpdate();
    expect(screen.getByRole('status')).toHaveTextContent(READY);
  });
});

describe('the one-time offline notice', () => {
  it('says the app works offline after the first install, then goes by itself', () => {
    vi.useFakeTimers();
    const sw = fakeServiceWorker();
    sw.signalOfflineReady();
    expect(screen.getByRole('status')).toHaveTextContent('Raft Lab now works offline.');
    expect(screen.queryByRole('button', { name: 'Reload to update' })).toBeNull();
    act(() => {
      vi.advanceTimersByTime(OFFLINE_NOTICE_MS - 1);
    });
    expect(screen.getByRole('status')).toHaveTextContent('Raft Lab now works offline.');
    act(() => {
      vi.advanceTimersByTime(1);
    });
    expect(screen.getByRole('status')).toBeEmptyDOMElement();
  });

  it('can be dismissed, and gives way to an update prompt', () => {
    const sw = fakeServiceWorker();
    sw.signalOfflineReady();
    fireEvent.click(screen.getByRole('button', { name: 'OK' }));
    expect(screen.getByRole('status')).toBeEmptyDOMElement();
    sw.signalOfflineReady();
    sw.signalUpdate();
    expect(screen.getByRole('status')).toHaveTextContent(READY);
    expect(screen.queryByText('Raft Lab now works offline.')).toBeNull();
    // Even if the worker reports "offline ready" after the update (workbox can), the offer stays alone.
    sw.signalOfflineReady();
    expect(screen.getByRole('status')).toHaveTextContent(READY);
    expect(screen.queryByText('Raft Lab now works offline.')).toBeNull();
  });

  it('a failed registration is a warning, not a page error: the lab runs on, only not offline', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error');
    const sw = fakeServiceWorker();
    sw.registerError(new Error('SecurityError'));
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/no offline mode/), expect.any(Error));
    expect(error).not.toHaveBeenCalled();
    expect(screen.getByRole('status')).toBeEmptyDOMElement();
  });
});
