/**
 * A run in a link, in the address bar and in a file (issue 10, "Share, embed,
 * save"). A link's payload is the run's JSON, compressed by the browser's
 * CompressionStream and written in base64url; a file is the run's JSON,
 * readable, with a `kind` marker. Reading either never throws: it gives the
 * run or one sentence saying what is wrong, and changes nothing, so the
 * caller can leave the current run untouched.
 *
 * Why 'deflate' (zlib) rather than 'deflate-raw' or 'gzip': raw deflate has
 * no checksum, so a changed character could decode to a different valid run
 * without a word; zlib's two-byte header check and Adler-32 trailer catch any
 * one changed byte, and cost 6 bytes where gzip's header and CRC cost 18.
 */
import type { ClusterAction, ClusterOptions, NetworkOptions } from '../sim';
import { checkRun, RUN_FORMAT, type Run, type RunAction, type RunCaption, type RunMoment, type RunNetwork } from './runSchema';

export { checkRun, MAX_CAPTION_LENGTH, MAX_CAPTIONS, RUN_FORMAT, RUN_ACTION_KINDS, RunSchema } from './runSchema';
export type { Run, RunAction, RunCaption, RunMoment, RunNetwork, RunOptions } from './runSchema';

/** What reading a link or a file gives: the run, or why not, in one sentence. */
export type DecodeResult = { readonly ok: true; readonly run: Run } | { readonly ok: false; readonly error: string };

/** Largest run a link or a file may hold once decoded: its JSON, in UTF-8 bytes. */
export const MAX_RUN_BYTES = 200 * 1024;

/**
 * Longest link payload read at all, in characters: what MAX_RUN_BYTES of
 * incompressible data would take (deflate adds 5 bytes per 16 KB stored
 * block, base64 4 characters per 3 bytes), rounded up. Anything longer is
 * refused before decoding.
 */
export const MAX_LINK_LENGTH = 280_000;

/** The hash parameter that holds a shared run: `#run=…`. */
export const RUN_HASH_PARAM = 'run';

/** The hash parameter of the embed variant of a link: `#run=…&embed=1`. */
export const EMBED_HASH_PARAM = 'embed';

/** The marker of a Raft Lab run file. */
export const RUN_FILE_KIND = 'raft-lab-run';

const COMPRESSION: CompressionFormat = 'deflate';

// ------------------------------------------------------------ building a run

/**
 * The run of a cluster made with `options` after `actions`, shown at
 * `moment`. The seed moves to the run's own field; `transport` and
 * `storageKey` are left out (where a run is played, not what happens in it).
 */
export function makeRun(
  options: ClusterOptions,
  actions: readonly ClusterAction[],
  moment: RunMoment,
  flags: { embed?: boolean; faults?: readonly string[]; captions?: readonly RunCaption[] } = {},
): Run {
  const o = options;
  return {
    format: RUN_FORMAT,
    options: {
      nodes: o.nodes,
      ...(o.electionTimeoutMs !== undefined ? { electionTimeoutMs: [o.electionTimeoutMs[0], o.electionTimeoutMs[1]] as const } : {}),
      ...(o.heartbeatMs !== undefined ? { heartbeatMs: o.heartbeatMs } : {}),
      ...(o.network !== undefined ? { network: copyNetwork(o.network) } : {}),
      ...(o.snapshotThreshold !== undefined ? { snapshotThreshold: o.snapshotThreshold } : {}),
      ...(o.leaderNoop !== undefined ? { leaderNoop: o.leaderNoop } : {}),
      ...(o.preVote ? { preVote: true } : {}),
      ...(o.checkQuorum ? { checkQuorum: true } : {}),
    },
    seed: o.seed ?? 1,
    actions: actions.map(copyAction),
    moment: { after: moment.after, at: moment.at },
    ...(flags.embed ? { embed: true } : {}),
    ...(flags.faults && flags.faults.length > 0 ? { faults: flags.faults.slice() } : {}),
    ...(flags.captions && flags.captions.length > 0
      ? { captions: flags.captions.map((c) => ({ after: c.after, at: c.at, text: c.text })) }
      : {}),
  };
}

/** The options to create the run's cluster with (add `transport` and `storageKey` as the player needs). */
export function runClusterOptions(run: Run): ClusterOptions {
  const o = run.options;
  return {
    nodes: o.nodes,
    seed: run.seed,
    ...(o.electionTimeoutMs !== undefined ? { electionTimeoutMs: [o.electionTimeoutMs[0], o.electionTimeoutMs[1]] } : {}),
    ...(o.heartbeatMs !== undefined ? { heartbeatMs: o.heartbeatMs } : {}),
    ...(o.network !== undefined ? { network: copyNetwork(o.network) } : {}),
    ...(o.snapshotThreshold !== undefined ? { snapshotThreshold: o.snapshotThreshold } : {}),
    ...(o.leaderNoop !== undefined ? { leaderNoop: o.leaderNoop } : {}),
    ...(o.preVote !== undefined ? { preVote: o.preVote } : {}),
    ...(o.checkQuorum !== undefined ? { checkQuorum: o.checkQuorum } : {}),
  };
}

/** A copy sharing nothing with the cluster's own record. */
function copyAction(a: ClusterAction): RunAction {
  switch (a.kind) {
    case 'partition':
      return { ...a, groups: a.groups.map((g) => g.slice()) };
    case 'setNetwork':
      return { ...a, opts: copyNetwork(a.opts) };
    default:
      return { ...a };
  }
}

function copyNetwork(n: RunNetwork): NetworkOptions {
  return {
    ...(n.delayMs !== undefined ? { delayMs: [n.delayMs[0], n.delayMs[1]] } : {}),
    ...(n.dropRate !== undefined ? { dropRate: n.dropRate } : {}),
    ...(n.duplicateRate !== undefined ? { duplicateRate: n.duplicateRate } : {}),
    ...(n.longDelayRate !== undefined ? { longDelayRate: n.longDelayRate } : {}),
    ...(n.longDelayMs !== undefined ? { longDelayMs: [n.longDelayMs[0], n.longDelayMs[1]] } : {}),
  };
}

// ------------------------------------------------------------------ links

/** Checks a run before it is written out, so nothing is ever written that reading would refuse. */
function assertWritable(run: Run, what: string): void {
  const checked = checkRun(run);
  if (!checked.ok) throw new Error(`This run cannot be ${what}: ${checked.error}.`);
}

function tooBig(bytes: number): string {
  return `the run is ${Math.ceil(bytes / 1024)} KB, more than the ${MAX_RUN_BYTES / 1024} KB a link or a file may hold`;
}

/**
 * The link payload of `run`: its JSON, deflated, in base64url without
 * padding. Rejects (naming the problem) a run that reading would refuse:
 * invalid, or over MAX_RUN_BYTES.
 */
export async function encodeRunLink(run: Run): Promise<string> {
  assertWritable(run, 'shared');
  const json = new TextEncoder().encode(JSON.stringify(run));
  if (json.byteLength > MAX_RUN_BYTES) throw new Error(`This run cannot be shared as a link: ${tooBig(json.byteLength)}.`);
  return toBase64Url(await compress(json));
}

/**
 * The run in a link payload, or why it cannot be opened. Never throws, for
 * any input; refuses text that is not base64url, data that does not
 * decompress (cut short or changed), more than MAX_RUN_BYTES once
 * decompressed (checked while decompressing: a small link that inflates
 * hugely is stopped at the limit), JSON that is not a valid run, and a
 * newer format.
 */
export async function decodeRunLink(text: string): Promise<DecodeResult> {
  const refuse = (why: string): DecodeResult => ({ ok: false, error: `This link cannot be opened: ${why}.` });
  try {
    if (typeof text !== 'string') return refuse('it holds no run');
    if (text === '') return refuse('its run is empty');
    if (text.length > MAX_LINK_LENGTH) {
      return refuse(`its run is ${text.length} characters long, more than the ${MAX_LINK_LENGTH} a link may have`);
    }
    const bytes = fromBase64Url(text);
    if (bytes === null) return refuse('its run is not base64url text (only letters, digits, - and _), so it was changed or cut');
    const inflated = await decompressAtMost(bytes, MAX_RUN_BYTES);
    if (inflated === 'damaged') {
      return refuse('its data does not decompress: it was cut short or changed (copy the whole link again)');
    }
    if (inflated === 'too big') return refuse(`the run is more than ${MAX_RUN_BYTES / 1024} KB once decompressed`);
    const parsed = parseJson(inflated);
    if (!parsed.ok) return refuse(`its data is not JSON (${parsed.error}), so it was changed`);
    const checked = checkRun(parsed.value);
    return checked.ok ? checked : refuse(checked.error);
  } catch (err) {
    // Nothing above should throw; if something does, it is still a refusal, not a crash.
    return refuse(`reading it failed (${err instanceof Error ? err.message : String(err)})`);
  }
}

/**
 * `hash` (as in `location.hash`) with the run's payload in `run=` and, for an
 * embed run, `embed=1`; the hash's other parameters are kept as they are.
 */
export async function hashWithRun(hash: string, run: Run): Promise<string> {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  params.set(RUN_HASH_PARAM, await encodeRunLink(run));
  if (run.embed) params.set(EMBED_HASH_PARAM, '1');
  else params.delete(EMBED_HASH_PARAM);
  return `#${params.toString()}`;
}

/** `hash` without a shared run (to go on with a run of one's own). */
export function hashWithoutRun(hash: string): string {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  params.delete(RUN_HASH_PARAM);
  params.delete(EMBED_HASH_PARAM);
  const rest = params.toString();
  return rest === '' ? '' : `#${rest}`;
}

/** Whether the hash asks for the embed layout (readable at once, before the run is decoded). */
export function isEmbedHash(hash: string): boolean {
  const value = new URLSearchParams(hash.replace(/^#/, '')).get(EMBED_HASH_PARAM);
  return value === '1' || value === 'true' || value === '';
}

/**
 * The run in `hash`, or null when it holds none. `embed=1` in the hash makes
 * the run an embed run even if the payload does not say so (the payload's
 * own flag also counts).
 */
export async function readRunFromHash(hash: string): Promise<DecodeResult | null> {
  const payload = new URLSearchParams(hash.replace(/^#/, '')).get(RUN_HASH_PARAM);
  if (payload === null) return null;
  const result = await decodeRunLink(payload);
  if (result.ok && isEmbedHash(hash) && !result.run.embed) return { ok: true, run: { ...result.run, embed: true } };
  return result;
}

// ------------------------------------------------------------------ files

/**
 * The run as a file: readable JSON with the `kind` marker and the format
 * first, one action per line. Throws (naming the problem) for a run that
 * runFromFile would refuse.
 */
export function runToFile(run: Run): string {
  assertWritable(run, 'saved');
  const { actions, ...rest } = run;
  const head = JSON.stringify({ kind: RUN_FILE_KIND, ...rest }, null, 2);
  const list = actions.length === 0 ? '[]' : `[\n${actions.map((a) => `    ${JSON.stringify(a)}`).join(',\n')}\n  ]`;
  const text = `${head.slice(0, -2)},\n  "actions": ${list}\n}\n`;
  const bytes = new TextEncoder().encode(text).byteLength;
  if (bytes > MAX_RUN_BYTES) throw new Error(`This run cannot be saved: ${tooBig(bytes)}.`);
  return text;
}

/**
 * The run in a file's text, or why it cannot be opened. Never throws. The
 * same checks as a link, the size limit on the file's UTF-8 bytes (check
 * `file.size` against MAX_RUN_BYTES before reading a big file at all).
 */
export function runFromFile(text: string): DecodeResult {
  const refuse = (why: string): DecodeResult => ({ ok: false, error: `This file cannot be opened: ${why}.` });
  try {
    if (typeof text !== 'string') return refuse('it holds no text');
    // UTF-8 takes at least one byte per UTF-16 unit, so a long string is too big before it is encoded.
    const bytes = text.length > MAX_RUN_BYTES ? text.length : new TextEncoder().encode(text).byteLength;
    if (bytes > MAX_RUN_BYTES) return refuse(`it is more than ${MAX_RUN_BYTES / 1024} KB, too big for a Raft Lab run`);
    if (text.trim() === '') return refuse('it is empty');
    const parsed = parseJson(text.replace(/^\uFEFF/, ''));
    if (!parsed.ok) return refuse(`it is not JSON, so not a Raft Lab run (${parsed.error})`);
    const value = parsed.value;
    if (typeof value !== 'object' || value === null || Array.isArray(value) || (value as { kind?: unknown }).kind !== RUN_FILE_KIND) {
      return refuse(`it is JSON but not a Raft Lab run (a run file says "kind": "${RUN_FILE_KIND}")`);
    }
    const { kind: _kind, ...run } = value as Record<string, unknown>;
    const checked = checkRun(run);
    return checked.ok ? checked : refuse(checked.error);
  } catch (err) {
    return refuse(`reading it failed (${err instanceof Error ? err.message : String(err)})`);
  }
}

// ---------------------------------------------------------------- helpers

function parseJson(text: string | Uint8Array): { ok: true; value: unknown } | { ok: false; error: string } {
  let source: string;
  try {
    source = typeof text === 'string' ? text : new TextDecoder('utf-8', { fatal: true }).decode(text);
  } catch {
    return { ok: false, error: 'it is not UTF-8 text' };
  }
  try {
    return { ok: true, value: JSON.parse(source) as unknown };
  } catch (err) {
    // The parser's message may quote the text: keep it to one short line.
    const message = err instanceof Error ? err.message.replace(/[\s\p{C}]+/gu, ' ').trim() : 'not JSON';
    return { ok: false, error: message.length > 100 ? `${message.slice(0, 99)}…` : message };
  }
}

function streamOf(bytes: Uint8Array<ArrayBuffer>): ReadableStream<Uint8Array<ArrayBuffer>> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

async function compress(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Uint8Array[] = [];
  const reader = streamOf(bytes).pipeThrough(new CompressionStream(COMPRESSION)).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  return concat(
    chunks,
    chunks.reduce((n, c) => n + c.byteLength, 0),
  );
}

/**
 * Decompresses, stopping as soon as more than `limit` bytes come out (a zip
 * bomb is cut off there, not inflated whole). 'damaged' when the data does
 * not decompress: cut short, a changed byte, or not deflate data at all.
 */
async function decompressAtMost(bytes: Uint8Array<ArrayBuffer>, limit: number): Promise<Uint8Array<ArrayBuffer> | 'damaged' | 'too big'> {
  const reader = streamOf(bytes).pipeThrough(new DecompressionStream(COMPRESSION)).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        await reader.cancel().catch(() => undefined);
        return 'too big';
      }
      chunks.push(value);
    }
  } catch {
    return 'damaged';
  }
  return concat(chunks, total);
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  // In slices: String.fromCharCode(...all) would overflow the argument limit.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The bytes of unpadded base64url text, or null if it is not that. */
function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  // A length of 4k+1 cannot come from whole bytes.
  if (!/^[A-Za-z0-9_-]+$/.test(text) || text.length % 4 === 1) return null;
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const binary = atob(base64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
