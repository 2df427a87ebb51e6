/**
 * Checks of what the user typed or slid. Each returns a value or a message
 * that says what is wrong and what would be right; nothing is applied until
 * everything checks out.
 */
import {
  MAX_COMMAND_CODE_UNITS,
  MAX_COMMAND_LENGTH,
  MAX_DELAY_MS,
  MAX_ELECTION_TIMEOUT_MS,
  MAX_HEARTBEAT_MS,
  MAX_NODES,
  MAX_SEED,
  MAX_SNAPSHOT_THRESHOLD,
  MIN_NODES,
} from './defaults';
import type { NetworkDraft } from './types';
import { characterCount, characterName, codePointLabel, firstInvisible } from './characters';

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const fail = <T>(error: string): Checked<T> => ({ ok: false, error });

function wholeNumber(text: string): number | null {
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : null;
}

export function parseClusterSize(text: string): Checked<number> {
  const n = wholeNumber(text);
  if (n === null || n < MIN_NODES || n > MAX_NODES) {
    return fail(`Cluster size must be a whole number from ${MIN_NODES} to ${MAX_NODES}, not “${text.trim() || 'nothing'}”.`);
  }
  return ok(n);
}

export function parseSeed(text: string): Checked<number> {
  const n = wholeNumber(text);
  if (n === null || n > MAX_SEED) {
    return fail(`Seed must be a whole number from 0 to ${MAX_SEED}, not “${text.trim() || 'nothing'}”.`);
  }
  return ok(n);
}

/** "0" or "" means never compact. */
export function parseSnapshotThreshold(text: string): Checked<number> {
  if (text.trim() === '') return ok(0);
  const n = wholeNumber(text);
  if (n === null || n > MAX_SNAPSHOT_THRESHOLD) {
    return fail(`Compaction must be a whole number of entries from 0 (never) to ${MAX_SNAPSHOT_THRESHOLD}, not “${text.trim()}”.`);
  }
  return ok(n);
}

/** The Cluster panel's timing fields, as typed. */
export interface TimingDraft {
  readonly electionMinText: string;
  readonly electionMaxText: string;
  readonly heartbeatText: string;
}

export interface Timing {
  readonly electionTimeoutMs: readonly [number, number];
  readonly heartbeatMs: number;
}

/**
 * The election timeout range and heartbeat interval. §5.6: broadcastTime ≪
 * electionTimeout, so the engine refuses a heartbeat no shorter than the
 * shortest election timeout (followers would time out under a healthy leader).
 */
export function parseTiming(d: TimingDraft): Checked<Timing> {
  const min = wholeNumber(d.electionMinText);
  const max = wholeNumber(d.electionMaxText);
  const heartbeat = wholeNumber(d.heartbeatText);
  if (min === null || max === null || min < 1 || max > MAX_ELECTION_TIMEOUT_MS) {
    return fail(
      `Election timeouts must be whole numbers of ms from 1 to ${MAX_ELECTION_TIMEOUT_MS}, not “${d.electionMinText.trim() || 'nothing'}–${d.electionMaxText.trim() || 'nothing'}”.`,
    );
  }
  if (min > max) return fail(`The shortest election timeout (${min} ms) is longer than the longest (${max} ms).`);
  if (heartbeat === null || heartbeat < 1 || heartbeat > MAX_HEARTBEAT_MS) {
    return fail(`The heartbeat must be a whole number of ms from 1 to ${MAX_HEARTBEAT_MS}, not “${d.heartbeatText.trim() || 'nothing'}”.`);
  }
  if (heartbeat >= min) {
    return fail(
      `The heartbeat (${heartbeat} ms) must be shorter than the shortest election timeout (${min} ms): §5.6 needs broadcast time ≪ election timeout, or followers time out under a healthy leader.`,
    );
  }
  return ok({ electionTimeoutMs: [min, max], heartbeatMs: heartbeat });
}

/**
 * A client command: any short line of text; `key=value` sets a key in the
 * replicated key–value store. Its length is counted in characters as a
 * reader sees them (an emoji is one), and it must show as itself: no
 * invisible character that could make the logs display something other than
 * what was typed.
 */
export function parseCommand(text: string): Checked<string> {
  const command = text.trim();
  if (command === '') return fail('Type a command first, for example x=1.');
  if (/\p{Cc}/u.test(command)) return fail('A command cannot contain tabs, line breaks or other control characters.');
  const hidden = firstInvisible(command);
  if (hidden !== null) {
    return fail(
      `A command cannot contain the invisible character ${codePointLabel(hidden)} (${characterName(hidden)}); it can make text display differently from what was typed.`,
    );
  }
  const length = characterCount(command);
  if (length > MAX_COMMAND_LENGTH) {
    return fail(`That command is ${length} characters long; keep it to ${MAX_COMMAND_LENGTH} or fewer.`);
  }
  // One character can be built from any number of parts (accents stacked on a letter).
  if (command.length > MAX_COMMAND_CODE_UNITS) {
    return fail(
      `That command is too big: its ${length} characters are built from ${command.length} UTF-16 code units (stacked accents add up); a command can hold at most ${MAX_COMMAND_CODE_UNITS}.`,
    );
  }
  return ok(command);
}

function isRate(v: number): boolean {
  return Number.isFinite(v) && v >= 0 && v <= 1;
}

function isDelay(v: number): boolean {
  return Number.isFinite(v) && v >= 0 && v <= MAX_DELAY_MS;
}

/** The whole draft or nothing: a message if any part is out of range. */
export function checkNetworkDraft(d: NetworkDraft): Checked<NetworkDraft> {
  if (!isDelay(d.delayMinMs) || !isDelay(d.delayMaxMs)) {
    return fail(`Delays must be between 0 and ${MAX_DELAY_MS} ms.`);
  }
  if (d.delayMinMs > d.delayMaxMs) {
    return fail(
      `The shortest delay (${d.delayMinMs} ms) is longer than the longest (${d.delayMaxMs} ms). Lower the first or raise the second; until then the network keeps its old settings.`,
    );
  }
  if (!isRate(d.dropRate)) return fail('Drop rate must be between 0 % and 100 %.');
  if (!isRate(d.duplicateRate)) return fail('Duplicate rate must be between 0 % and 100 %.');
  return ok(d);
}
