/**
 * The top bar's Share control (issue 10, "Share, embed, save"): pauses,
 * writes the run into the address bar, copies the link and opens the share
 * dialog (the link, the embed code, export and import of a run file). In the
 * embed layout it is the "Open in Raft Lab" link instead.
 */
import { useRef, useState } from 'react';
import { selectEmbed, selectOpeningRun } from '../store';
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
        disabled={busy || opening}
        aria-haspopup="dialog"
        title="Pause and copy a link to this exact moment of the run"
      >
        Share
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
