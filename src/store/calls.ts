/**
 * How actions call the live cluster: back to the present first (an action
 * while reviewing history returns to live), then the call, then a flush; a
 * failure becomes a notice and nothing else.
 */
import type { Cluster } from '../sim';
import { ImportedTraceError } from '../trace';
import type { LabGet, LabState } from './labTypes';
import { errorText } from './noticesSlice';
import type { NoticeArea } from './types';

export interface ClusterCalls {
  /**
   * Runs a cluster call, then flushes (unless `sync` is false); a failure
   * becomes a notice in `area` and the result is undefined. Results and
   * failures of a cluster replaced meanwhile are ignored.
   */
  readonly run: <T>(area: NoticeArea, call: (c: Cluster) => T | Promise<T>, sync?: boolean) => Promise<T | undefined>;
  /** A synchronous call (cables, links, network), applied at once; true if it did not throw. */
  readonly runNow: (area: NoticeArea, call: (c: Cluster) => void) => boolean;
  /** The store's notify (the notices slice), for the action's own refusals and results. */
  readonly notify: LabState['notify'];
}

export function clusterCalls(get: LabGet): ClusterCalls {
  return {
    async run(area, call, sync = true) {
      get().leaveReview();
      const c = get().cluster;
      try {
        const result = await call(c);
        if (sync && get().cluster === c) get().sync();
        return result;
      } catch (err) {
        if (get().cluster === c) {
          get().sync();
          // An imported trace refuses every action; said in its banner, which is always on show.
          get().notify(err instanceof ImportedTraceError ? 'trace' : area, 'error', errorText(err));
        }
        return undefined;
      }
    },
    runNow(area, call) {
      get().leaveReview();
      try {
        call(get().cluster);
        get().sync();
        return true;
      } catch (err) {
        get().notify(err instanceof ImportedTraceError ? 'trace' : area, 'error', errorText(err));
        return false;
      }
    },
    notify: (area, tone, text) => get().notify(area, tone, text),
  };
}
