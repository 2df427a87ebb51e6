/**
 * What the service worker has to say (issue 14), in one polite live region in
 * a corner of the page: "A new version of Raft Lab is ready." with Reload to
 * update / Later while a new deployment waits, else once, after the first
 * visit has cached everything, "Raft Lab now works offline." for a few
 * seconds. It never takes the focus: a class mid-lesson reloads when it
 * chooses (reloading resumes the cluster from its disks).
 */
import { useEffect, useSyncExternalStore } from 'react';
import type { AppUpdates } from './pwa';
import './update-prompt.css';

/** How long the one-time "works offline" notice stays (it can also be dismissed). */
export const OFFLINE_NOTICE_MS = 8000;

export function UpdatePrompt({ updates }: { updates: AppUpdates }) {
  const { needRefresh, offlineReady } = useSyncExternalStore(updates.subscribe, updates.getState);
  const showOffline = offlineReady && !needRefresh;

  useEffect(() => {
    if (!showOffline) return;
    const timer = setTimeout(() => updates.dismissOfflineReady(), OFFLINE_NOTICE_MS);
    return () => clearTimeout(timer);
  }, [showOffline, updates]);

  // The region is always in the page, so what appears in it is announced.
  return (
    <div className="update-prompt-region" role="status">
      {needRefresh && (
        <aside className="update-prompt" aria-label="New version">
          <p className="update-prompt-text">A new version of Raft Lab is ready.</p>
          <div className="update-prompt-actions">
            <button type="button" className="btn btn-primary btn-small" onClick={() => void updates.update()}>
              Reload to update
            </button>
            <button type="button" className="btn btn-small" onClick={() => updates.dismissUpdate()}>
              Later
            </button>
          </div>
        </aside>
      )}
      {showOffline && (
        <aside className="update-prompt" aria-label="Offline">
          <p className="update-prompt-text">Raft Lab now works offline.</p>
          <div className="update-prompt-actions">
            <button type="button" className="btn btn-quiet btn-small" onClick={() => updates.dismissOfflineReady()}>
              OK
            </button>
          </div>
        </aside>
      )}
    </div>
  );
}
