/**
 * The top bar's Share control (issue 10, "Share, embed, save"): pauses,
 * writes the run into the address bar, copies the link and opens the share
 * dialog (the link, the embed code, export and import of a run file). In the
 * embed layout it is the "Open in Raft Lab" link instead.
 */
import { useRef, useState } from 'react';
import { selectEmbed, selectImported, selectOpeningRun } from '../store';
import { EmbedLink } from './EmbedLink';
import { useLab, useLabApi } from './LabContext';
import { copyText, ShareDialog, type CopyOutcome } from './ShareDialog';
import './share.css';

export function ShareMenu() {
  const embed = useLab(selectEmbed);
  if (embed) return <EmbedLink />;
  return <ShareButton />;
}

function ShareButton() {
  const lab = useLabApi();
  const opening = useLab(selectOpeningRun);
  const imported = useLab(selectImported);
  const button = useRef<HTMLButtonElement>(null);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [copy, setCopy] = useState<CopyOutcome>(null);

  const share = async () => {
    setBusy(true);
    const url = await lab.store.getState().shareLink();
    if (url !== null && typeof history !== 'undefined') history.replaceState(null, '', url);
    setCopy(url === null ? null : (await copyText(url)) ? 'copied' : 'refused');
    setBusy(false);
    setOpen(true);
  };

  return (
    <>
      <button
        type="button"
        ref={button}
        className="btn btn-quiet share-button"
        onClick={() => void share()}
        disabled={busy || opening || imported}
        aria-haspopup="dialog"
        title={
          imported
            ? 'Share is off for an imported trace: a link replays Raft Lab runs (share the trace file itself)'
            : 'Share: pause and copy a link to this exact moment of the run'
        }
      >
        <svg className="icon btn-icon" viewBox="0 0 16 16" width="1em" height="1em" aria-hidden="true" focusable="false">
          {/* Three joined dots, the usual share mark (Icon.tsx's shapes are the view's own; this one is Share's). */}
          <path
            d="M12 1.5a2.5 2.5 0 1 1-2.4 3.2L6.3 6.6a2.5 2.5 0 0 1 0 2.8l3.3 1.9A2.5 2.5 0 1 1 9 12.5l-3.3-1.9a2.5 2.5 0 1 1 0-5.2L9 3.5A2.5 2.5 0 0 1 12 1.5z"
            fill="currentColor"
          />
        </svg>
        <span className="share-text">Share</span>
      </button>
      {open && (
        <ShareDialog
          copy={copy}
          onCopy={setCopy}
          onClose={() => {
            setOpen(false);
            button.current?.focus();
          }}
        />
      )}
    </>
  );
}
