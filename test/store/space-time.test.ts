// The space-time record (issue 10): kept from the cluster's events, bounded,
// windowed by binary search, published once per flush, cleared on reset.
import { describe, expect, it } from 'vitest';
import { createLab, endOf, SpaceTimeRecord, type SpaceTimeMessage } from '../../src/store';

function sendEvent(id: number, sentAt: number, dueAt: number) {
  const message = {
    id,
    from: 1,
    to: 2,
    type: 'AppendEntries',
    sentAt,
    deliverAt: dueAt,
    payload: { type: 'AppendEntries', entries: [] },
    duplicate: false,
  };
  return { send: { kind: 'send', at: sentAt, message } as never, deliver: { kind: 'deliver', at: dueAt, message } as never };
}

/** A tiny seeded PRNG (mulberry32), so a failure replays: the seed is in the test name. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('space-time record', () => {
  it('keeps every message of a real run with its fate, and the role, term and commit marks', async () => {
    const lab = createLab({ nodes: 3, seed: 3, playing: false, clock: 'manual' });
    const s = lab.store.getState();
    await s.advance(1500);
    await s.submitCommand('x=1');
    await s.advance(500);
    const record = lab.store.getState().spaceTime();
    const trace = lab.store.getState().cluster.trace();
    const sends = trace.filter((e) => e.kind === 'send' || e.kind === 'duplicate');
    expect(record.messages.map((m) => m.id)).toEqual(sends.map((e) => (e.kind === 'send' || e.kind === 'duplicate' ? e.message.id : -1)));
    for (const e of trace) {
      if (e.kind === 'deliver') expect(record.message(e.message.id)?.deliveredAt).toBe(e.at);
      if (e.kind === 'drop') expect(record.message(e.message.id)?.droppedAt).toBe(e.at);
    }
    const kinds = new Set(record.marks.map((m) => m.kind));
    expect([...kinds].sort()).toEqual(['commit', 'role', 'term']);
    expect(record.marks.some((m) => m.kind === 'role' && m.label === 'L')).toBe(true);
    // Sorted by time, which the windowing's binary search relies on.
    for (let i = 1; i < record.messages.length; i++)
      expect(record.messages[i]!.sentAt).toBeGreaterThanOrEqual(record.messages[i - 1]!.sentAt);
    await lab.store.getState().cluster.destroy();
  });

  it('records a crash and a restart on the node’s lane', async () => {
    const lab = createLab({ nodes: 3, seed: 1, playing: false, clock: 'manual' });
    await lab.store.getState().advance(800);
    await lab.store.getState().crash(2);
    await lab.store.getState().advance(50);
    await lab.store.getState().restart(2);
    const marks = lab.store
      .getState()
      .spaceTime()
      .marks.filter((m) => m.node === 2 && (m.kind === 'crash' || m.kind === 'restart'));
    expect(marks.map((m) => m.label)).toEqual(['×', 'R']);
  });

  it('is bounded: the oldest messages and marks are forgotten first', () => {
    const record = new SpaceTimeRecord(100, 50);
    for (let i = 0; i < 250; i++) {
      const { send } = sendEvent(i, i, i + 5);
      record.add(send);
      record.add({ kind: 'commit', at: i, node: 1, term: 1, commitIndex: i });
    }
    expect(record.messages.length).toBeLessThanOrEqual(100);
    expect(record.messages.at(-1)!.id).toBe(249);
    expect(record.message(0)).toBeUndefined();
    expect(record.marks.length).toBeLessThanOrEqual(50);
    expect(record.marks.at(-1)!.label).toBe('c249');
    // A delivery of a forgotten message changes nothing.
    const version = record.version;
    record.add(sendEvent(0, 0, 5).deliver);
    expect(record.version).toBe(version);
  });

  for (const seed of [1, 2, 3]) {
    it(`messagesIn finds exactly the messages overlapping a window (seed ${seed})`, () => {
      const random = prng(seed);
      const record = new SpaceTimeRecord();
      const events: { at: number; e: never }[] = [];
      for (let i = 0; i < 2000; i++) {
        const sentAt = i * 5;
        // Mostly short trips, some very long (the network's long reordering), some never delivered.
        const trip = random() < 0.05 ? 200 + Math.floor(random() * 2000) : 1 + Math.floor(random() * 10);
        const { send, deliver } = sendEvent(i, sentAt, sentAt + trip);
        events.push({ at: sentAt, e: send });
        if (random() < 0.97) events.push({ at: sentAt + trip, e: deliver });
      }
      const now = 9000;
      events
        .filter((x) => x.at <= now)
        .sort((a, b) => a.at - b.at)
        .forEach((x) => record.add(x.e));
      const brute = (from: number, to: number) =>
        record.messages.filter((m: SpaceTimeMessage) => m.sentAt <= to && endOf(m, now) >= from).map((m) => m.id);
      for (let q = 0; q < 50; q++) {
        const from = Math.floor(random() * 9000);
        const to = from + Math.floor(random() * 800);
        expect(record.messagesIn(from, to, now).map((m) => m.id)).toEqual(brute(from, to));
      }
    });
  }

  it('publishes its version once per flush, not per event', async () => {
    const lab = createLab({ nodes: 5, seed: 1, playing: false, clock: 'manual' });
    const versions: number[] = [];
    const unsubscribe = lab.store.subscribe((s, before) => {
      if (s.spaceTimeVersion !== before.spaceTimeVersion) versions.push(s.spaceTimeVersion);
    });
    const recordBefore = lab.store.getState().spaceTime().version;
    await lab.store.getState().advance(1000);
    unsubscribe();
    const record = lab.store.getState().spaceTime();
    expect(record.version - recordBefore).toBeGreaterThan(20); // many events…
    expect(versions).toEqual([record.version]); // …one store update
  });

  it('keeps the run up to the fork on Continue from here, and goes on with the forked run', async () => {
    const lab = createLab({ nodes: 3, seed: 2, playing: false, clock: 'manual' });
    await lab.store.getState().advance(1200);
    const before = lab.store
      .getState()
      .spaceTime()
      .messages.map((m) => ({ ...m }));
    const size = lab.store.getState().historySize;
    await lab.store.getState().reviewAt(Math.floor(size / 2));
    const forkAt = lab.store.getState().reviewFrame!.at;
    expect(await lab.store.getState().continueFromHere()).toBe(true);
    const record = lab.store.getState().spaceTime();
    const kept = record.messages;
    // Everything sent before the fork is still there, as it was up to the fork.
    expect(kept.filter((m) => m.sentAt < forkAt).map((m) => m.id)).toEqual(before.filter((m) => m.sentAt < forkAt).map((m) => m.id));
    for (const m of kept) {
      expect(m.sentAt).toBeLessThanOrEqual(forkAt);
      expect(m.deliveredAt ?? m.droppedAt ?? -Infinity).toBeLessThanOrEqual(forkAt);
    }
    expect(record.marks.every((m) => m.at <= forkAt)).toBe(true);
    // The forked run appends after it: ids unique and increasing, the messages then in flight delivered by it.
    await lab.store.getState().advance(300);
    const ids = record.messages.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) expect(ids[i]!).toBeGreaterThan(ids[i - 1]!);
    expect(record.messages.length).toBeGreaterThan(kept.filter((m) => m.sentAt < forkAt).length);
    const stuck = record.messages.filter((m) => m.sentAt <= forkAt && m.deliveredAt === null && !m.dropped);
    expect(stuck).toEqual([]);
  });

  it('is cleared on Reset cluster, with the selection', async () => {
    const lab = createLab({ nodes: 3, seed: 1, playing: false, clock: 'manual' });
    await lab.store.getState().advance(600);
    const first = lab.store.getState().spaceTime().messages[0]!;
    lab.store.getState().selectMessage(first.id);
    expect(lab.store.getState().selectedMessage).toBe(first.id);
    lab.store.getState().selectMessage(123_456); // not in the record: ignored
    expect(lab.store.getState().selectedMessage).toBe(first.id);
    await lab.store.getState().resetCluster('3', '9');
    expect(lab.store.getState().spaceTime().messages).toHaveLength(0);
    expect(lab.store.getState().selectedMessage).toBeNull();
    // The record follows the new cluster.
    await lab.store.getState().advance(600);
    expect(lab.store.getState().spaceTime().messages.length).toBeGreaterThan(0);
  });
});
