/**
 * The offline app (issue 14): the service worker that vite-plugin-pwa
 * generates at build time (vite.config.ts) precaches the whole site, so after
 * one visit the lab loads and runs with no network. This module registers it
 * and turns its life cycle into the two things the page says: "now works
 * offline" once, after the first install, and "a new version is ready" when a
 * later deployment has installed and is waiting. The new version never takes
 * over a running cluster by itself (`registerType: 'prompt'`): the user
 * chooses when to reload.
 */
import { registerSW } from 'virtual:pwa-register';
import type { RegisterSWOptions } from 'vite-plugin-pwa/types';

/** What the update prompt shows. */
export interface AppUpdateState {
  /** A new version is installed and waiting for this page to let it take over. */
  readonly needRefresh: boolean;
  /** The first install has finished: every file is cached and the app works offline. */
  readonly offlineReady: boolean;
}

/** The service worker's news for the view, as a small external store (for useSyncExternalStore). */
export interface AppUpdates {
  /** The current state; the same object until something changes. */
  readonly getState: () => AppUpdateState;
  /** Calls `listener` after every change; returns the unsubscribe function. */
  readonly subscribe: (listener: () => void) => () => void;
  /** Lets the waiting version take over; the page reloads once it controls the page. */
  readonly update: () => Promise<void>;
  /** "Later": hides the prompt; the new version takes over once every tab of the lab is closed. */
  readonly dismissUpdate: () => void;
  /** Hides the "works offline" notice. */
  readonly dismissOfflineReady: () => void;
}

/** vite-plugin-pwa's `registerSW`: registers the worker and returns the function that activates a waiting version. */
export type RegisterSW = (options: RegisterSWOptions) => (reloadPage?: boolean) => Promise<void>;

/** How often a long-open tab (a lesson left on a projector) asks the server for a new version. */
const UPDATE_CHECK_MS = 60 * 60 * 1000;

/** Registers the service worker through `register` (injected, so tests can signal an update). */
export function createAppUpdates(register: RegisterSW): AppUpdates {
  let state: AppUpdateState = { needRefresh: false, offlineReady: false };
  const listeners = new Set<() => void>();
  const set = (change: Partial<AppUpdateState>) => {
    state = { ...state, ...change };
    for (const listener of listeners) listener();
  };
  const updateServiceWorker = register({
    onNeedRefresh: () => set({ needRefresh: true, offlineReady: false }),
    onOfflineReady: () => set({ offlineReady: true }),
    onRegisteredSW: (_url, registration) => {
      if (!registration) return;
      // Browsers look for a new version on navigations; a tab kept open all lesson asks now and then.
      setInterval(() => {
        if (navigator.onLine) registration.update().catch((err: unknown) => console.warn('Raft Lab: update check failed:', err));
      }, UPDATE_CHECK_MS);
    },
    // Not an error for the page: the lab still runs, only not offline (e.g. a browser with service workers off).
    onRegisterError: (err: unknown) => console.warn('Raft Lab: no offline mode (service worker not registered):', err),
  });
  return {
    getState: () => state,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    update: () => updateServiceWorker(true),
    dismissUpdate: () => set({ needRefresh: false }),
    dismissOfflineReady: () => set({ offlineReady: false }),
  };
}

/** The page's own registration (a no-op under `npm run dev` and Vitest, where no service worker is built). */
export function registerAppUpdates(): AppUpdates {
  return createAppUpdates(registerSW);
}
