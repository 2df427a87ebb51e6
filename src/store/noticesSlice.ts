/**
 * The notices slice: one message per panel, the result of an action or why
 * it was refused. Actions never throw; what goes wrong becomes a notice in
 * the panel it came from.
 */
import type { LabSet, OnNewCluster } from './labTypes';
import type { Notice, NoticeArea } from './types';

export interface NoticesSlice {
  readonly notices: Readonly<Partial<Record<NoticeArea, Notice>>>;
  notify(area: NoticeArea, tone: Notice['tone'], text: string): void;
  clearNotice(area: NoticeArea): void;
}

/** An error's message, for a notice. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function createNoticesSlice(set: LabSet): { slice: NoticesSlice; onNewCluster: OnNewCluster } {
  // Never reset, so a notice on the new cluster still counts as new.
  let noticeSeq = 0;
  const slice: NoticesSlice = {
    notices: {},
    notify(area, tone, text) {
      noticeSeq += 1;
      set((s) => ({ notices: { ...s.notices, [area]: { tone, text, seq: noticeSeq } } }));
    },
    clearNotice(area) {
      set((s) => {
        if (!s.notices[area]) return s;
        const notices = { ...s.notices };
        delete notices[area];
        return { notices };
      });
    },
  };
  return { slice, onNewCluster: () => ({ notices: {} }) };
}
