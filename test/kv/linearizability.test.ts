// The linearizability checker (src/kv/linearizability.ts) on hand-made
// histories, each the smallest that shows one rule, and on random ones: a
// history made from a sequential run with each operation's interval around
// its effect is always linearizable; a read changed to a value never written
// never is.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkLinearizable, type KvInput, type KvOperation } from '../../src/kv/linearizability';

const put = (client: number, key: string, value: string, call: number, ret: number): KvOperation => ({
  client,
  input: { kind: 'put', key, value },
  call,
  ret,
});
const append = (client: number, key: string, value: string, call: number, ret: number): KvOperation => ({
  client,
  input: { kind: 'append', key, value },
  call,
  ret,
});
const get = (client: number, key: string, output: string | undefined, call: number, ret: number): KvOperation => ({
  client,
  input: { kind: 'get', key },
  ...(output === undefined ? {} : { output }),
  call,
  ret,
});

describe('linearizability (Herlihy & Wing): hand-made histories', () => {
  it('a sequential history that reads what was written is linearizable', () => {
    const h = [put(1, 'x', 'a', 0, 1), get(2, 'x', 'a', 2, 3), append(1, 'x', 'b', 4, 5), get(2, 'x', 'ab', 6, 7)];
    expect(checkLinearizable(h).ok).toBe(true);
  });

  it('a missing key reads as the empty string', () => {
    expect(checkLinearizable([get(1, 'x', '', 0, 1)]).ok).toBe(true);
    expect(checkLinearizable([get(1, 'x', 'a', 0, 1)]).ok).toBe(false);
  });

  it('a stale read — the old value after a later write has answered — is not (the write finished before the read began)', () => {
    const h = [put(1, 'x', 'a', 0, 10), put(1, 'x', 'b', 20, 30), get(2, 'x', 'a', 40, 50)];
    const r = checkLinearizable(h);
    expect(r.ok).toBe(false);
    if (r.ok !== false) return;
    expect(r.key).toBe('x');
    expect(r.stuck).toBe(2);
    expect(r.longest).toEqual([0, 1]);
    expect(r.explanation).toMatch(/client 2's get\("x"\) \(called at 40, answered at 50\) returned "a".*holds "b"/);
  });

  it('a read concurrent with a write may see either value', () => {
    for (const seen of ['a', 'b']) {
      expect(checkLinearizable([put(1, 'x', 'a', 0, 10), put(1, 'x', 'b', 20, 40), get(2, 'x', seen, 30, 50)]).ok).toBe(true);
    }
    expect(checkLinearizable([put(1, 'x', 'a', 0, 10), put(1, 'x', 'b', 20, 40), get(2, 'x', 'c', 30, 50)]).ok).toBe(false);
  });

  it('two reads cannot see the writes in opposite orders once the first read has answered (no new-old inversion)', () => {
    // Both writes overlap both reads; the first read answers before the second starts.
    const base = [put(1, 'x', 'a', 0, 100), put(2, 'x', 'b', 0, 100)];
    expect(checkLinearizable([...base, get(3, 'x', 'a', 10, 20), get(3, 'x', 'b', 30, 40)]).ok).toBe(true);
    expect(checkLinearizable([...base, get(3, 'x', 'a', 10, 20), get(4, 'x', 'b', 30, 40), get(5, 'x', 'a', 50, 60)]).ok).toBe(false);
  });

  it('operations that touch at an instant count as concurrent', () => {
    expect(checkLinearizable([put(1, 'x', 'a', 0, 10), get(2, 'x', '', 10, 20)]).ok).toBe(true);
    expect(checkLinearizable([put(1, 'x', 'a', 0, 10), get(2, 'x', '', 11, 20)]).ok).toBe(false);
  });

  it('an append applied twice (a retried command without a client session, thesis §6.3) is caught', () => {
    const h = [append(1, 'x', 'a', 0, 10), get(2, 'x', 'aa', 20, 30)];
    expect(checkLinearizable(h).ok).toBe(false);
  });

  it('a write that never answered may have taken effect, or not — but not before it was called', () => {
    const pending = put(1, 'x', 'a', 10, Infinity);
    expect(checkLinearizable([pending, get(2, 'x', 'a', 20, 30)]).ok).toBe(true);
    expect(checkLinearizable([pending, get(2, 'x', '', 20, 30)]).ok).toBe(true);
    expect(checkLinearizable([pending, get(2, 'x', 'a', 0, 5)]).ok).toBe(false);
    // Once seen, it stays seen.
    expect(checkLinearizable([pending, get(2, 'x', 'a', 20, 30), get(3, 'x', '', 40, 50)]).ok).toBe(false);
  });

  it('checks each key on its own (locality) and names the key that fails', () => {
    const h = [put(1, 'x', 'a', 0, 10), put(1, 'y', 'b', 0, 10), get(2, 'x', 'a', 20, 30), get(2, 'y', 'a', 20, 30)];
    const r = checkLinearizable(h);
    expect(r.ok).toBe(false);
    if (r.ok === false) expect(r.key).toBe('y');
    expect(checkLinearizable(h.slice(0, 3))).toMatchObject({ ok: true, keys: 2 });
  });

  it('gives up, saying so, past its step budget', () => {
    const h = Array.from({ length: 12 }, (_, i) => put(i, 'x', `v${i}`, 0, 100)).concat([get(99, 'x', 'never', 200, 210)]);
    const r = checkLinearizable(h, 50);
    expect(r.ok).toBe('unknown');
    if (r.ok === 'unknown') expect(r.explanation).toMatch(/gave up on key "x" after 50 search steps/);
  });

  const malformed: [string, unknown[], RegExp][] = [
    ['a call after its return', [put(1, 'x', 'a', 10, 5)], /history\[0\]\.ret must be a number >= call/],
    ['an unknown kind', [{ client: 1, input: { kind: 'cas', key: 'x' } as unknown as KvInput, call: 0, ret: 1 }], /kind must be 'get'/],
    ['a get without its output', [{ client: 1, input: { kind: 'get', key: 'x' }, call: 0, ret: 1 }], /output must be the string/],
    ['a NaN call', [put(1, 'x', 'a', NaN, 1)], /call must be a finite number/],
    [
      'a write without a value',
      [{ client: 1, input: { kind: 'put', key: 'x' } as unknown as KvInput, call: 0, ret: 1 }],
      /value must be a string/,
    ],
  ];
  it.each(malformed)('refuses a malformed history (%s) with a clear message', (_what, h, message) => {
    expect(() => checkLinearizable(h as KvOperation[])).toThrow(message);
  });
});

/**
 * A history from a sequential run: operation i takes effect at instant 10·i;
 * its call and return are drawn around that instant, so the run's own order
 * is a witness. Some answer never (Infinity): a pending write still took effect.
 */
const sequentialHistory = fc
  .array(
    fc.record({
      kind: fc.constantFrom('get', 'put', 'append'),
      key: fc.constantFrom('x', 'y', 'z'),
      value: fc.constantFrom('a', 'b', 'c', 'd'),
      before: fc.integer({ min: 0, max: 40 }),
      after: fc.integer({ min: 0, max: 40 }),
      client: fc.integer({ min: 1, max: 4 }),
      pending: fc.boolean(),
    }),
    { minLength: 1, maxLength: 24 },
  )
  .map((specs) => {
    const state = new Map<string, string>();
    return specs.map((s, i): KvOperation => {
      const at = 10 * i;
      const call = at - s.before;
      const ret = s.pending && i > 0 ? Infinity : at + s.after;
      const now = state.get(s.key) ?? '';
      if (s.kind === 'get')
        return { client: s.client, input: { kind: 'get', key: s.key }, ...(ret === Infinity ? {} : { output: now }), call, ret };
      state.set(s.key, s.kind === 'put' ? s.value : now + s.value);
      return { client: s.client, input: { kind: s.kind, key: s.key, value: s.value }, call, ret };
    });
  });

describe('linearizability: random histories (fast-check)', () => {
  it('every history made from a sequential run is linearizable', () => {
    fc.assert(
      fc.property(sequentialHistory, (h) => {
        expect(checkLinearizable(h).ok).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('a completed read changed to a value no write ever wrote is never linearizable, and the failure names it', () => {
    fc.assert(
      fc.property(sequentialHistory, fc.nat(), (h, pick) => {
        const reads = h.flatMap((op, i) => (op.input.kind === 'get' && op.ret !== Infinity ? [i] : []));
        fc.pre(reads.length > 0);
        const victim = reads[pick % reads.length]!;
        const bad = h.map((op, i) => (i === victim ? { ...op, output: 'never-written' } : op));
        const r = checkLinearizable(bad);
        expect(r.ok).toBe(false);
        if (r.ok === false) {
          expect(r.key).toBe(h[victim]!.input.key);
          expect(r.stuck).toBe(victim);
        }
      }),
      { numRuns: 300 },
    );
  });
});
