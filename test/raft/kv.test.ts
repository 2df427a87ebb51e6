// The replicated state machine (§2): a key–value map, with snapshots (§7)
// that restore exactly what applying the log gives.
import { describe, expect, it } from 'vitest';
import { KvStateMachine } from '../../src/raft';

describe('KvStateMachine', () => {
  it('key=value sets a key; other commands change nothing', () => {
    const kv = new KvStateMachine();
    for (const c of ['a=1', 'b=2', 'a=3', 'noop', '=x', '', 'c==']) kv.apply(c);
    expect(kv.snapshot()).toEqual({ a: '3', b: '2', c: '=' });
  });

  it('§7: a snapshot restores the same state, whatever the keys (even __proto__ and constructor)', () => {
    const kv = new KvStateMachine();
    for (const c of ['__proto__=evil', 'constructor=x', 'toString=y', 'k=v']) kv.apply(c);
    const data = structuredClone(kv.snapshot());
    expect(Object.keys(data).sort()).toEqual(['__proto__', 'constructor', 'k', 'toString']);
    const restored = new KvStateMachine();
    restored.restore(data);
    expect(restored.get('__proto__')).toBe('evil');
    expect(restored.snapshot()).toEqual(kv.snapshot());
    expect(JSON.parse(JSON.stringify(restored.snapshot()))).toEqual(JSON.parse(JSON.stringify(kv.snapshot())));
    expect(Object.getPrototypeOf(kv.snapshot())).toBe(Object.prototype);
  });

  it('view() is shared until the state changes', () => {
    const kv = new KvStateMachine();
    kv.apply('a=1');
    const v = kv.view();
    expect(kv.view()).toBe(v);
    kv.apply('b=2');
    expect(kv.view()).not.toBe(v);
    expect(v).toEqual({ a: '1' });
  });
});
