/** A panel's notice (result of an action, or why it was refused), announced politely. */
import { selectNotice, type Notice, type NoticeArea } from '../store';
import { Icon } from './Icon';
import { useLab } from './LabContext';

const ICON = { info: 'info', success: 'check', error: 'warning' } as const;

/**
 * The live region is always there (so what appears in it is announced); the
 * message inside is a status, or an alert for errors, only while it exists.
 */
export function NoticeLine({ area, className = '', shown }: { area: NoticeArea; className?: string; shown?: Notice | null }) {
  const live = useLab(selectNotice(area));
  // `shown`: the notice to show instead of the live one (a panel showing a moment of the history).
  const notice = shown === undefined ? live : shown;
  return (
    <div className={`notice-region ${className}`} aria-live="polite">
      {notice && (
        <p key={notice.seq} className={`notice notice-${notice.tone}`} role={notice.tone === 'error' ? 'alert' : 'status'}>
          <Icon name={ICON[notice.tone]} className="notice-icon" /> {notice.text}
        </p>
      )}
    </div>
  );
}
