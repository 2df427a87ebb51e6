/**
 * The lab's defaults and limits, in one place. The default speed and network
 * delay are chosen together (RaftScope's feel): at 1/25× a message in flight
 * (15–25 virtual ms) takes about half a wall second to cross, a heartbeat
 * round goes by every ~1.3 s, and with the engine's 150–300 ms election
 * timeouts the first leader of the default seed is elected after ≈ 6 s.
 */
import type { NetworkOptions } from '../sim';

/** Playback speeds the speed control steps through (virtual ms per wall ms). */
export const SPEEDS: readonly number[] = [0.01, 0.02, 0.04, 0.1, 0.2, 0.5, 1, 2, 5, 10];
export const DEFAULT_SPEED = 0.04;

export const MIN_NODES = 1;
export const MAX_NODES = 9;
export const DEFAULT_NODES = 5;
export const DEFAULT_SEED = 1;
/**
 * Log compaction (§7): a node snapshots once it holds more than this many
 * entries past its snapshot; 0 = never (the default, so every entry stays
 * visible until the user asks for compaction).
 */
export const DEFAULT_SNAPSHOT_THRESHOLD = 0;
export const MAX_SNAPSHOT_THRESHOLD = 1000;
/** The engine's timing (§5.6): election timeouts drawn from 150–300 ms, heartbeats every 50 ms. */
export const DEFAULT_ELECTION_TIMEOUT_MS: readonly [number, number] = [150, 300];
export const DEFAULT_HEARTBEAT_MS = 50;
/** Bounds of the Cluster panel's timing fields, virtual ms. */
export const MAX_ELECTION_TIMEOUT_MS = 10000;
export const MAX_HEARTBEAT_MS = 5000;
/** The leader no-op (§8) is off by default, so the dashed-after-restart behaviour of §5.4.2 can be seen. */
export const DEFAULT_LEADER_NOOP = false;

/** Largest seed the cluster accepts (a 32-bit unsigned integer). */
export const MAX_SEED = 0xffffffff;

/** The UI's network: slower than the engine's default so messages can be seen moving. */
export const UI_NETWORK: Required<NetworkOptions> = {
  delayMs: [15, 25],
  dropRate: 0,
  duplicateRate: 0,
  longDelayRate: 0,
  longDelayMs: [200, 2200],
};
/** Upper end of the delay sliders, virtual ms. */
export const MAX_DELAY_MS = 200;

/** Longest command the command box accepts, in characters as a reader sees them (grapheme clusters). */
export const MAX_COMMAND_LENGTH = 40;
/**
 * And in UTF-16 code units: room for 40 of the longest emoji sequences
 * (👩🏽‍❤️‍💋‍👨🏻 is 15 units), but not for letters under piles of stacked
 * accents, which draw over the rows around them. Well inside the core's own
 * bound (src/raft/limits.ts).
 */
export const MAX_COMMAND_CODE_UNITS = 16 * MAX_COMMAND_LENGTH;

/** Narration lines kept per category (the panel shows the newest). */
export const NARRATION_LIMIT = 300;

/**
 * Longest wall time one animation frame may advance (ms): after a hidden tab
 * or a long pause the simulation resumes instead of jumping ahead.
 */
export const MAX_FRAME_WALL_MS = 100;

/** "1/25×" for 0.04, "2×" for 2. */
export function formatSpeed(speed: number): string {
  if (speed >= 1) return `${Number(speed.toPrecision(3))}×`;
  return `1/${Math.round(1 / speed)}×`;
}

/** Index of the ladder speed nearest to `speed` (on a log scale). */
export function nearestSpeedIndex(speed: number): number {
  let best = 0;
  for (let i = 1; i < SPEEDS.length; i++) {
    if (Math.abs(Math.log(SPEEDS[i]! / speed)) < Math.abs(Math.log(SPEEDS[best]! / speed))) best = i;
  }
  return best;
}

/** Changes of the Client note kept for the timeline (what the note said at a moment of the past). */
export const HISTORY_NOTICE_LIMIT = 3000;
