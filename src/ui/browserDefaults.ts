/**
 * The lab's starting options from the browser: size and seed from the URL
 * hash (#nodes=5&seed=42&compact=10, so a shared link replays the same run), theme and
 * motion from the user's system preferences.
 */
import type { ClusterConfig, LabOptions } from '../store';

function media(query: string): boolean {
  return typeof window !== 'undefined' && typeof window.matchMedia === 'function' && window.matchMedia(query).matches;
}

type HashOptions = Pick<
  LabOptions,
  'nodes' | 'seed' | 'snapshotThreshold' | 'electionTimeout' | 'heartbeat' | 'leaderNoop' | 'preVote' | 'checkQuorum' | 'faults'
>;

/**
 * Reads the run from a hash like "#nodes=5&seed=42&compact=10&election=150-300&heartbeat=50&noop=1&prevote=1&checkquorum=1"
 * (as text; the store validates).
 */
export function parseHash(hash: string): HashOptions {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const out: { -readonly [K in keyof HashOptions]: HashOptions[K] } = {};
  const nodes = params.get('nodes');
  const seed = params.get('seed');
  const compact = params.get('compact');
  if (nodes !== null) out.nodes = nodes;
  if (seed !== null) out.seed = seed;
  if (compact !== null) out.snapshotThreshold = compact;
  const election = params.get('election');
  const heartbeat = params.get('heartbeat');
  const noop = params.get('noop');
  if (election !== null) out.electionTimeout = election;
  if (heartbeat !== null) out.heartbeat = heartbeat;
  if (noop !== null) out.leaderNoop = noop;
  const preVote = params.get('prevote'); // thesis §9.6
  const checkQuorum = params.get('checkquorum'); // thesis §6.2
  if (preVote !== null) out.preVote = preVote;
  if (checkQuorum !== null) out.checkQuorum = checkQuorum;
  const faults = params.get('faults'); // bug switches, "commit-earlier-term,double-vote"
  if (faults !== null) out.faults = faults;
  return out;
}

/** The run's hash; settings at their defaults are left out, so a plain link stays short. */
export function hashOf(config: ClusterConfig): string {
  const parts = [
    `nodes=${config.nodes}`,
    `seed=${config.seed}`,
    ...(config.snapshotThreshold > 0 ? [`compact=${config.snapshotThreshold}`] : []),
    ...(config.electionTimeoutMs ? [`election=${config.electionTimeoutMs[0]}-${config.electionTimeoutMs[1]}`] : []),
    ...(config.heartbeatMs !== undefined ? [`heartbeat=${config.heartbeatMs}`] : []),
    ...(config.leaderNoop ? ['noop=1'] : []),
    ...(config.preVote ? ['prevote=1'] : []),
    ...(config.checkQuorum ? ['checkquorum=1'] : []),
    ...(config.faults && config.faults.length > 0 ? [`faults=${config.faults.join(',')}`] : []),
  ];
  return `#${parts.join('&')}`;
}

export function browserDefaults(): LabOptions {
  const fromHash = typeof location === 'undefined' ? {} : parseHash(location.hash);
  return {
    ...fromHash,
    theme: media('(prefers-color-scheme: dark)') ? 'dark' : 'light',
    reducedMotion: media('(prefers-reduced-motion: reduce)'),
  };
}
