/**
 * The embed layout's way out: a small "Open in Raft Lab" link to the same
 * run in the full app (a new tab: the embed sits in someone's page), and the
 * cluster notices, which the hidden sidebar would otherwise keep to itself
 * (a link that cannot be opened says so here).
 */
import { EMBED_HASH_PARAM, selectShareHash } from '../store';
import { useLab } from './LabContext';
import { NoticeLine } from './NoticeLine';

/** `hash` without the embed flag. */
function fullAppHash(hash: string | null): string {
  if (hash === null) return '';
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  params.delete(EMBED_HASH_PARAM);
  const rest = params.toString();
  return rest === '' ? '' : `#${rest}`;
}

export function EmbedLink() {
  const shareHash = useLab(selectShareHash);
  const base = typeof location === 'undefined' ? '' : location.href.replace(/#.*$/, '');
  return (
    <div className="embed-bar">
      <NoticeLine area="cluster" className="embed-notice" />
      <a className="embed-open" href={`${base}${fullAppHash(shareHash)}`} target="_blank" rel="noopener noreferrer">
        Open in Raft Lab
      </a>
    </div>
  );
}
