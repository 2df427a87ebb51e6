/** The "?" overlay: every keyboard shortcut, in a modal dialog. */
import { useEffect, useRef } from 'react';
import { selectHelpOpen } from '../store';
import { useLab, useLabApi } from './LabContext';
import { SHORTCUTS } from './shortcuts';

export function ShortcutsOverlay() {
  const lab = useLabApi();
  const open = useLab(selectHelpOpen);
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    const before = document.activeElement;
    close.current?.focus();
    return () => {
      // Back where the user was; opened from the page (the "?" key), back to the "?" button, so Tab goes on from there.
      const back =
        before instanceof HTMLElement && before !== document.body ? before : document.querySelector<HTMLElement>('[data-help-button]');
      back?.focus();
    };
  }, [open]);
  if (!open) return null;
  const dismiss = () => lab.store.getState().setHelpOpen(false);
  return (
    <div className="overlay" onClick={(e) => e.target === e.currentTarget && dismiss()}>
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcuts-title"
        className="dialog"
        onKeyDown={(e) => {
          // The dialog has one control: keep the focus on it.
          if (e.key === 'Tab') {
            e.preventDefault();
            close.current?.focus();
          }
        }}
      >
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <dl className="shortcuts">
          {SHORTCUTS.map(([keys, action]) => (
            <div key={keys}>
              <dt>
                <kbd>{keys}</kbd>
              </dt>
              <dd>{action}</dd>
            </div>
          ))}
        </dl>
        <p className="hint">
          Mouse: click a node to inspect it, a link to cut or restore it, a moving message to drop it; hover a message to read it.
        </p>
        <button type="button" ref={close} className="btn btn-primary" onClick={dismiss}>
          Close
        </button>
      </div>
    </div>
  );
}
