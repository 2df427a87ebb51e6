/**
 * A linearizability checker for histories of a key–value service (Herlihy &
 * Wing 1990): is there one order of the operations, each taking effect at
 * some instant between its call and its return, in which every read sees
 * the value the writes before it left? Raft's promise to its clients (thesis
 * §6.3) is exactly this; a bug switch, a stale leader serving reads, or a
 * client retry applied twice shows up as a history with no such order.
 *
 * The search is Wing & Gong's (1993) with Lowe's memoisation (2017), as in
 * Porcupine (Athalye): operations are walked in the order of their call and
 * return events; a call is tried as the next to take effect when the model
 * accepts it and the (set of operations taken, state) pair is new; meeting
 * a return whose operation has not taken effect yet means the last choice
 * was wrong — backtrack. Linearizability is local (Herlihy & Wing, Theorem
 * 1): each key is checked on its own, which keeps the search small.
 *
 * Pure and deterministic: no clock, no DOM, no randomness.
 */

/** What a client asked of one key. `get` reads it (a missing key reads as ''), `put` sets it, `append` adds to its end. */
export type KvInput =
  | { readonly kind: 'get'; readonly key: string }
  | { readonly kind: 'put'; readonly key: string; readonly value: string }
  | { readonly kind: 'append'; readonly key: string; readonly value: string };

/**
 * One operation as a client saw it. `call` and `ret` are instants on one
 * clock (virtual ms, or any increasing count), `call <= ret`. `ret` is
 * Infinity for an operation that never answered (the client gave up): it may
 * have taken effect at any instant after its call, or never. `output` is what
 * a `get` returned; ignored for writes.
 */
export interface KvOperation {
  readonly client: number;
  readonly input: KvInput;
  readonly output?: string;
  readonly call: number;
  readonly ret: number;
}

export type LinearizabilityResult =
  | { readonly ok: true; readonly keys: number; readonly steps: number }
  | {
      readonly ok: false;
      /** The key whose operations have no linear order. */
      readonly key: string;
      /**
       * Indexes into the history: the longest prefix of a linear order the
       * search found for that key (each op's effect in turn), then `stuck`,
       * a completed operation that cannot be placed after it.
       */
      readonly longest: readonly number[];
      readonly stuck: number;
      /** In words, for a student: what the stuck operation saw and what it could have seen. */
      readonly explanation: string;
      readonly steps: number;
    }
  | { readonly ok: 'unknown'; readonly key: string; readonly steps: number; readonly explanation: string };

/** How many search steps the checker takes before it gives up (the problem is NP-complete: Gibbons & Korach 1997). */
export const DEFAULT_STEP_BUDGET = 2_000_000;

/** Throws a clear Error for a history that is not one (bad instants, unknown kinds): nothing is checked. */
function validate(history: readonly KvOperation[]): void {
  history.forEach((op, i) => {
    const where = `history[${i}]`;
    if (typeof op !== 'object' || op === null) throw new Error(`${where} must be an operation object`);
    const { input, call, ret } = op;
    if (typeof input !== 'object' || input === null || typeof input.key !== 'string') {
      throw new Error(`${where}.input must be { kind, key, … } with a string key`);
    }
    if (input.kind !== 'get' && input.kind !== 'put' && input.kind !== 'append') {
      throw new Error(`${where}.input.kind must be 'get', 'put' or 'append', got ${JSON.stringify((input as { kind: unknown }).kind)}`);
    }
    if (input.kind !== 'get' && typeof input.value !== 'string') throw new Error(`${where}.input.value must be a string`);
    if (typeof call !== 'number' || !Number.isFinite(call)) throw new Error(`${where}.call must be a finite number`);
    if (typeof ret !== 'number' || Number.isNaN(ret) || ret < call)
      throw new Error(`${where}.ret must be a number >= call (Infinity: no answer)`);
    if (input.kind === 'get' && ret !== Infinity && typeof op.output !== 'string') {
      throw new Error(`${where}.output must be the string the get returned`);
    }
  });
}

/** The register model of one key: the state after `op`, or null if `op` cannot take effect in `state`. */
function step(state: string, op: KvOperation): string | null {
  switch (op.input.kind) {
    case 'get':
      // A get that never answered returned nothing anyone saw: any state fits.
      return op.ret === Infinity || op.output === state ? state : null;
    case 'put':
      return op.input.value;
    case 'append':
      return state + op.input.value;
  }
}

/** One call or return event in the walk, linked both ways so taken operations can be lifted out and put back. */
interface Node {
  readonly op: number;
  readonly isCall: boolean;
  /** For a call: its return's node (null for an operation that never answered). */
  match: Node | null;
  prev: Node | null;
  next: Node | null;
}

/** Checks every key of `history`; the first key (in order of first appearance) without a linear order is reported. */
export function checkLinearizable(history: readonly KvOperation[], budget = DEFAULT_STEP_BUDGET): LinearizabilityResult {
  validate(history);
  const byKey = new Map<string, number[]>();
  history.forEach((op, i) => {
    const list = byKey.get(op.input.key);
    if (list) list.push(i);
    else byKey.set(op.input.key, [i]);
  });
  let steps = 0;
  for (const [key, ops] of byKey) {
    const r = checkKey(history, key, ops, budget - steps);
    steps += r.steps;
    if (r.ok !== true) return { ...r, steps };
  }
  return { ok: true, keys: byKey.size, steps };
}

function checkKey(history: readonly KvOperation[], key: string, ops: readonly number[], budget: number): LinearizabilityResult {
  // Events in time order; at equal instants calls come first, so operations
  // that touch at an instant count as concurrent (the weaker, safe reading).
  const events: { op: number; isCall: boolean; at: number }[] = [];
  for (const op of ops) {
    events.push({ op, isCall: true, at: history[op]!.call });
    if (history[op]!.ret !== Infinity) events.push({ op, isCall: false, at: history[op]!.ret });
  }
  events.sort((a, b) => a.at - b.at || Number(b.isCall) - Number(a.isCall) || a.op - b.op);
  const head: Node = { op: -1, isCall: false, match: null, prev: null, next: null };
  let tail = head;
  const calls = new Map<number, Node>();
  for (const e of events) {
    const node: Node = { op: e.op, isCall: e.isCall, match: null, prev: tail, next: null };
    tail.next = node;
    tail = node;
    if (e.isCall) calls.set(e.op, node);
    else calls.get(e.op)!.match = node;
  }
  const lift = (call: Node): void => {
    call.prev!.next = call.next;
    if (call.next) call.next.prev = call.prev;
    const ret = call.match;
    if (ret) {
      ret.prev!.next = ret.next;
      if (ret.next) ret.next.prev = ret.prev;
    }
  };
  const unlift = (call: Node): void => {
    const ret = call.match;
    if (ret) {
      ret.prev!.next = ret;
      if (ret.next) ret.next.prev = ret;
    }
    call.prev!.next = call;
    if (call.next) call.next.prev = call;
  };

  // Operation i of this key is bit i of `taken`.
  const bit = new Map(ops.map((op, i) => [op, i]));
  const taken = new Uint8Array(ops.length);
  const seen = new Set<string>();
  const memoKey = (state: string) => `${taken.join('')}|${state}`;
  let returnsLeft = events.length - ops.length;
  let state = '';
  const stack: { call: Node; before: string }[] = [];
  let longest: number[] = [];
  let stuck = -1;
  let steps = 0;
  let entry = head.next;
  while (returnsLeft > 0) {
    if (++steps > budget) {
      return {
        ok: 'unknown',
        key,
        steps,
        explanation: `gave up on key ${JSON.stringify(key)} after ${budget.toLocaleString('en-US')} search steps: too many overlapping operations to try every order`,
      };
    }
    if (entry === null) break; // only calls of unanswered operations are left; unreachable while a return is left
    if (entry.isCall) {
      const next = step(state, history[entry.op]!);
      if (next !== null) {
        taken[bit.get(entry.op)!] = 1;
        const m = memoKey(next);
        if (!seen.has(m)) {
          seen.add(m);
          stack.push({ call: entry, before: state });
          state = next;
          if (entry.match) returnsLeft -= 1;
          lift(entry);
          entry = head.next;
          continue;
        }
        taken[bit.get(entry.op)!] = 0;
      }
      entry = entry.next;
      continue;
    }
    // A return whose operation has not taken effect: every order so far is wrong here.
    if (stack.length >= longest.length) {
      longest = stack.map((s) => s.call.op);
      stuck = entry.op;
    }
    const last = stack.pop();
    if (!last) return failure(history, key, longest, stuck, steps);
    taken[bit.get(last.call.op)!] = 0;
    state = last.before;
    if (last.call.match) returnsLeft += 1;
    unlift(last.call);
    entry = last.call.next;
  }
  return { ok: true, keys: 1, steps };
}

/** The failure result, with the stuck operation explained against the longest order found. */
function failure(history: readonly KvOperation[], key: string, longest: number[], stuck: number, steps: number): LinearizabilityResult {
  let state = '';
  for (const i of longest) state = step(state, history[i]!) ?? state;
  const op = history[stuck]!;
  const who = `client ${op.client}'s ${describe(op)} (called at ${op.call}, answered at ${op.ret})`;
  const explanation =
    op.input.kind === 'get'
      ? `${who} returned ${JSON.stringify(op.output)}, but no order of the operations on key ${JSON.stringify(key)} that respects real time lets it read that value: after the longest order found (${longest.length} operation${longest.length === 1 ? '' : 's'}) the key holds ${JSON.stringify(state)}`
      : `${who} cannot take effect in any order of the operations on key ${JSON.stringify(key)} that respects real time and every read`;
  return { ok: false, key, longest, stuck, explanation, steps };
}

function describe(op: KvOperation): string {
  const { input } = op;
  return input.kind === 'get'
    ? `get(${JSON.stringify(input.key)})`
    : `${input.kind}(${JSON.stringify(input.key)}, ${JSON.stringify(input.value)})`;
}
