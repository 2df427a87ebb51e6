/**
 * The lab's starting options from the browser: size and seed from the URL
 * hash (#nodes=5&seed=42&compact=10, so a shared link replays the same run), theme and
 * motion from the user's system preferences.
 */
import type { ClusterConfig, LabOptions } from '../store';

function media(query: string): boolean {
  return typeof window !== 'undefined' && typeof window.matchMedia === 'function' && window.matchMedia(query).matches;
}

/** Reads `nodes` and `seed` from a hash like "#nodes=5&seed=42" (as text; the store validates). */
export function parseHash(hash: string): { nodes?: string; seed?: string; snapshotThreshold?: string } {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const out: { nodes?: string; seed?: string; snapshotThreshold?: string } = {};
  const nodes = params.get('nodes');
  const seed = params.get('seed');
  const compact = params.get('compact');
  if (nodes !== null) out.nodes = nodes;
  if (seed !== null) out.seed = seed;
  if (compact !== null) out.snapshotThreshold = compact;
  return out;
}

export function hashOf(config: ClusterConfig): string {
  return `#nodes=${config.nodes}&seed=${config.seed}${config.snapshotThreshold > 0 ? `&compact=${config.snapshotThreshold}` : ''}`;
}

export function browserDefaults(): LabOptions {
  const fromHash = typeof location === 'undefined' ? {} : parseHash(location.hash);
  return {
    ...fromHash,
    theme: media('(prefers-color-scheme: dark)') ? 'dark' : 'light',
    reducedMotion: media('(prefers-reduced-motion: reduce)'),
  };
}
