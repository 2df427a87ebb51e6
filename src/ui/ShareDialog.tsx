/**
 * The share dialog: the link to the moment on show (selected when the
 * clipboard refused it, so the user can copy it), the embed code, and a run
 * as a file both ways. Modal: the focus stays inside, Esc closes it and the
 * focus goes back to Share (the caller's onClose).
 */
import { useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { downloadText } from './download';
import { MAX_RUN_BYTES, selectOpeningRun, selectShared } from '../store';
import { useLab, useLabApi } from './LabContext';
import { NoticeLine } from './NoticeLine';

/** What copying the link gave: copied, or refused (the link is then selected for the user to copy). */
export type CopyOutcome = 'copied' | 'refused' | null;

/** Writes `text` to the clipboard; false if the browser refuses (no permission, no focus, no clipboard) or takes too long. */
export async function copyText(text: string): Promise<boolean> {
  const clipboard = typeof navigator === 'undefined' ? undefined : navigator.clipboard;
  if (!clipboard || typeof clipboard.writeText !== 'function') return false;
  try {
    // A permission prompt nobody answers must not leave the dialog waiting.
    const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2000));
    return await Promise.race([clipboard.writeText(text).then(() => true), timeout]);
  } catch {
    return false;
  }
}

/** The embed's size: room for the ring and the playback bar in a course page or a slide. */
const EMBED_WIDTH = 800;
const EMBED_HEIGHT = 500;

/** The link's embed variant: the same run, `embed=1` in its hash. */
export function embedUrl(url: string): string {
  return `${url}${url.includes('#') ? '&' : '#'}embed=1`;
}

/** The HTML to paste into a page. */
export function embedCode(url: string): string {
  return `<iframe src="${embedUrl(url).replace(/&/g, '&amp;').replace(/"/g, '&quot;')}" width="${EMBED_WIDTH}" height="${EMBED_HEIGHT}" title="Raft Lab" loading="lazy" style="border:0"></iframe>`;
}

const FOCUSABLE = 'button:not(:disabled), input:not([type="file"]):not(:disabled), textarea, a[href]';

export function ShareDialog({ copy, onCopy, onClose }: { copy: CopyOutcome; onCopy: (c: CopyOutcome) => void; onClose: () => void }) {
  const lab = useLabApi();
  const shared = useLab(selectShared);
  const opening = useLab(selectOpeningRun);
  const dialog = useRef<HTMLDivElement>(null);
  const linkField = useRef<HTMLInputElement>(null);
  const codeField = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState<string | null>(null);

  // A layout effect: the focus is in place when the dialog is (a passive effect runs later, after a paint, and a
  // keystroke or a test could come first).
  useLayoutEffect(() => {
    // The link is what the user came for: focused and selected, so Ctrl+C copies it whatever the clipboard said.
    const field = linkField.current;
    if (field) {
      field.focus();
      field.select();
    } else dialog.current?.querySelector<HTMLElement>(FOCUSABLE)?.focus();
  }, []);

  const onKeyDown = (e: KeyboardEvent) => {
    // The page's shortcuts (Space, arrows, letters) are not for keys typed in here.
    e.stopPropagation();
    if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
      return;
    }
    if (e.key !== 'Tab' || !dialog.current) return;
    const items = [...dialog.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) return;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  const copyLink = async () => {
    if (!shared) return;
    const ok = await copyText(shared.url);
    onCopy(ok ? 'copied' : 'refused');
    if (!ok) linkField.current?.select();
  };

  const copyEmbed = async () => {
    if (!shared) return;
    const ok = await copyText(embedCode(shared.url));
    setStatus(
      ok
        ? 'Embed code copied to the clipboard.'
        : 'The browser did not let the page copy: the embed code is selected, copy it with Ctrl+C.',
    );
    if (!ok) {
      codeField.current?.focus();
      codeField.current?.select();
    }
  };

  const exportFile = () => {
    const s = lab.store.getState();
    const text = s.exportRunFile();
    if (text === null) return;
    const name = s.runFileName();
    downloadText(text, name, 'application/json');
    setStatus(`Saved the run as ${name}.`);
  };

  const importFile = async (file: File | undefined) => {
    if (!file) return;
    const s = lab.store.getState();
    if (file.size > MAX_RUN_BYTES) {
      // Refused before reading: a huge file is never loaded into memory.
      s.refuseRun(
        `This file cannot be opened: it is ${Math.ceil(file.size / 1024)} KB, more than the ${MAX_RUN_BYTES / 1024} KB a Raft Lab run may hold.`,
      );
      return;
    }
    setStatus(`Opening ${file.name}…`);
    const opened = await s.importRun(await file.text());
    setStatus(null);
    if (opened) onClose();
  };

  const copyNote =
    copy === 'copied'
      ? 'Link copied to the clipboard.'
      : copy === 'refused'
        ? 'The browser did not let the page copy: the link is selected, copy it with Ctrl+C.'
        : null;

  return (
    <div className="overlay share-overlay" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={dialog} role="dialog" aria-modal="true" aria-labelledby="share-title" className="dialog share-dialog" onKeyDown={onKeyDown}>
        <h2 id="share-title">Share this run</h2>
        {shared ? (
          <>
            <label className="share-label" htmlFor="share-link">
              Link to this moment
            </label>
            <input id="share-link" ref={linkField} className="share-field" readOnly value={shared.url} onFocus={(e) => e.target.select()} />
            <p className="share-note" role="status">
              {copyNote}
            </p>
            <p className="hint">
              It opens paused at {(shared.at / 1000).toFixed(3)} s, after {shared.after} events and {shared.actions} action
              {shared.actions === 1 ? '' : 's'}, on the same seed: every node as you see it.
              {shared.wasReviewing &&
                ' It is the moment of the past on show: the link holds the run up to it (later actions are left out).'}
            </p>
            <label className="share-label" htmlFor="share-embed">
              Embed code
            </label>
            <textarea id="share-embed" ref={codeField} className="share-field share-code" readOnly rows={2} value={embedCode(shared.url)} />
          </>
        ) : (
          <p className="hint">This run cannot be shared as a link (see below); it can still be saved as a file if it is small enough.</p>
        )}
        <div className="share-actions">
          <button type="button" className="btn" onClick={() => void copyLink()} disabled={!shared}>
            Copy link
          </button>
          <button type="button" className="btn" onClick={() => void copyEmbed()} disabled={!shared}>
            Copy embed code
          </button>
          <button type="button" className="btn" onClick={exportFile}>
            Export run file
          </button>
          <button type="button" className="btn" onClick={() => fileInput.current?.click()} disabled={opening}>
            Import run file
          </button>
          <input
            ref={fileInput}
            type="file"
            accept=".json,application/json"
            hidden
            aria-label="Run file to import"
            data-run-file-input=""
            onChange={(e) => {
              const input = e.currentTarget;
              void importFile(input.files?.[0]).finally(() => {
                input.value = ''; // the same file can be chosen again
              });
            }}
          />
        </div>
        <p className="share-note" role="status">
          {status}
        </p>
        <NoticeLine area="cluster" />
        <div className="share-close">
          <button type="button" className="btn btn-primary" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
