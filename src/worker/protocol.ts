/**
 * The one protocol between the main thread (the scheduler and network) and a
 * node's Web Worker: one tagged union per direction. Every payload is plain
 * structured-clonable data and carries the protocol version; both sides
 * validate what they receive and answer a malformed message with an error,
 * never a silent hang.
 *
 * The main thread drives: it sends one input at a time, tagged with `seq`,
 * and waits for the worker's `output` with the same `seq` before the next
 * event. That lock-step keeps the worker transport exactly as deterministic
 * as the inline one.
 */
import { MESSAGE_TYPES, type CoreEvent, type Message, type NodeId, type PersistOp, type PersistentState, type Role } from '../raft';

export const PROTOCOL_VERSION = 1;

/** Settings a node life starts with (the worker builds its RaftNode from them). */
export interface WorkerNodeSettings {
  /** This node's id. */
  id: NodeId;
  /** Every node id in the cluster. */
  nodes: NodeId[];
  /** Election timeout range, virtual ms. */
  electionTimeoutMs: [number, number];
  /** Leader heartbeat interval, virtual ms. */
  heartbeatMs: number;
  /** Compaction threshold in entries (0: never). */
  snapshotThreshold: number;
  /** Append a no-op on election. */
  leaderNoop: boolean;
  /** Seed of this node life's PRNG (cluster seed, id, incarnation). */
  seed: number;
  /** IndexedDB database holding this node's disk. */
  dbName: string;
}

/** Main thread → worker. */
export type ToWorker =
  /** Open the disk, recover from it, start the core at virtual time `now` (ms). */
  | { v: 1; type: 'init'; seq: number; now: number; settings: WorkerNodeSettings }
  /** Advance the node's timers to virtual time `now` (ms). */
  | { v: 1; type: 'tick'; seq: number; now: number }
  /** Deliver one RPC or reply at virtual time `now` (ms). */
  | { v: 1; type: 'deliver'; seq: number; now: number; message: Message }
  /** A client command at virtual time `now` (ms). */
  | { v: 1; type: 'propose'; seq: number; now: number; command: string }
  /** Fire the election timer now. */
  | { v: 1; type: 'timeout'; seq: number; now: number };

/** The node's volatile state after an input (the durable part is mirrored from persist ops). */
export interface VolatileState {
  role: Role;
  commitIndex: number;
  lastApplied: number;
  /** Leader it last heard from this term (0: none). */
  leader: NodeId;
  /** Leader only: per follower. */
  nextIndex: Record<number, number> | null;
  matchIndex: Record<number, number> | null;
  /** Candidate only: votes granted, itself included. */
  votes: NodeId[];
  /** Virtual ms when the election timer fires (Infinity on a leader). */
  electionDeadline: number;
  /** The current randomized election timeout, virtual ms. */
  electionTimeout: number;
}

/** Worker → main thread. */
export type FromWorker =
  /**
   * What the node produced for input `seq`. Its persist ops are already
   * durable in IndexedDB when this is posted, so its messages may leave.
   */
  | {
      v: 1;
      type: 'output';
      seq: number;
      persist: PersistOp[];
      messages: Message[];
      events: CoreEvent[];
      /** When the node next needs a tick, virtual ms. */
      deadline: number;
      state: VolatileState;
      /** For 'propose' only: the Start() result. */
      result: { index: number; term: number; isLeader: boolean } | null;
      /** For 'init' only: what was recovered from disk. */
      recovered: PersistentState | null;
    }
  /** Input `seq` (null if unknown) could not be handled; the node is to be treated as crashed. */
  | { v: 1; type: 'error'; seq: number | null; message: string };

type Check = (value: unknown) => string | null;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);

function field(obj: Record<string, unknown>, name: string, ok: (v: unknown) => boolean, what: string): string | null {
  return ok(obj[name]) ? null : `field "${name}" must be ${what}`;
}

const MESSAGE_KINDS = new Set<string>(MESSAGE_TYPES);

const checkMessage: Check = (m) => {
  if (!isObject(m)) return 'message must be an object';
  if (typeof m.type !== 'string' || !MESSAGE_KINDS.has(m.type)) return `message.type ${String(m.type)} is unknown`;
  for (const name of ['from', 'to', 'term']) {
    if (!isInt(m[name])) return `message.${name} must be an integer`;
  }
  if (m.type === 'AppendEntries' && !Array.isArray(m.entries)) return 'message.entries must be an array';
  if (m.type === 'InstallSnapshot' && !isObject(m.snapshot)) return 'message.snapshot must be an object';
  return null;
};

const checkSettings: Check = (s) => {
  if (!isObject(s)) return 'settings must be an object';
  return (
    field(s, 'id', isInt, 'an integer') ??
    field(s, 'nodes', (v) => Array.isArray(v) && v.every(isInt), 'an array of integers') ??
    field(s, 'electionTimeoutMs', (v) => Array.isArray(v) && v.length === 2 && v.every(isNum), 'a [min, max] pair') ??
    field(s, 'heartbeatMs', isNum, 'a number') ??
    field(s, 'snapshotThreshold', isInt, 'an integer') ??
    field(s, 'leaderNoop', (v) => typeof v === 'boolean', 'a boolean') ??
    field(s, 'seed', isInt, 'an integer') ??
    field(s, 'dbName', (v) => typeof v === 'string' && v.length > 0, 'a non-empty string')
  );
};

/** Why `data` is not a valid ToWorker message, or null if it is. */
export function invalidToWorker(data: unknown): string | null {
  if (!isObject(data)) return 'not an object';
  if (data.v !== PROTOCOL_VERSION) return `protocol version ${String(data.v)} is not ${PROTOCOL_VERSION}`;
  const base = field(data, 'seq', isInt, 'an integer') ?? field(data, 'now', isNum, 'a number');
  if (base) return base;
  switch (data.type) {
    case 'init':
      return checkSettings(data.settings);
    case 'tick':
    case 'timeout':
      return null;
    case 'deliver':
      return checkMessage(data.message);
    case 'propose':
      return field(data, 'command', (v) => typeof v === 'string', 'a string');
    default:
      return `type ${JSON.stringify(data.type)} is not a main-to-worker message`;
  }
}

/** Why `data` is not a valid FromWorker message, or null if it is. */
export function invalidFromWorker(data: unknown): string | null {
  if (!isObject(data)) return 'not an object';
  if (data.v !== PROTOCOL_VERSION) return `protocol version ${String(data.v)} is not ${PROTOCOL_VERSION}`;
  if (data.type === 'error') {
    return field(data, 'message', (v) => typeof v === 'string', 'a string');
  }
  if (data.type !== 'output') return `type ${JSON.stringify(data.type)} is not a worker-to-main message`;
  return (
    field(data, 'seq', isInt, 'an integer') ??
    field(data, 'persist', Array.isArray, 'an array') ??
    field(data, 'messages', (v) => Array.isArray(v) && v.every((m) => checkMessage(m) === null), 'an array of valid messages') ??
    field(data, 'events', Array.isArray, 'an array') ??
    field(data, 'deadline', isNum, 'a number') ??
    field(data, 'state', isObject, 'an object')
  );
}

/** A short description of a message for error reports. */
export function describeMessage(data: unknown): string {
  try {
    const text = JSON.stringify(data);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  } catch {
    return String(data);
  }
}
