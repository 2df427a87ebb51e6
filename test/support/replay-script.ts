// Random action scripts for the exact-replay tests (test/replay-exact.test.ts,
// test/checkpoint.test.ts): time passes by runFor, single step()s and
// runUntil stopping mid-millisecond, and the actions land between them — in
// particular right after a step() whose millisecond still has events due, and
// from inside a subscriber in the middle of an event. Everything is drawn
// from a PRNG seeded by the script's seed, so a seed names a script.
import { createRandom, deriveSeed, type Cluster, type ClusterOptions, type NetworkOptions } from '../../src/sim';

type Random = () => number;

function int(rng: Random, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

function pick<T>(rng: Random, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

function randomNetwork(rng: Random): NetworkOptions {
  const min = int(rng, 0, 4);
  return {
    delayMs: [min, min + pick(rng, [0, 3, 10, 30])],
    dropRate: pick(rng, [0, 0, 0.05, 0.2]),
    duplicateRate: pick(rng, [0, 0, 0.1]),
    longDelayRate: pick(rng, [0, 0, 0.05]),
    longDelayMs: [50, 400],
  };
}

/** Cluster options for script `seed`: 3, 5 or 7 nodes, snapshots and leader no-op on or off. */
export function scriptOptions(seed: number, transport: 'inline' | 'worker' = 'inline'): ClusterOptions {
  const rng = createRandom(deriveSeed(seed, 0x0b7));
  const fast = rng() < 0.3;
  return {
    nodes: pick(rng, [3, 5, 7]),
    seed,
    transport,
    // Small delays with few distinct values: many events share a millisecond.
    network: { ...randomNetwork(rng), dropRate: 0, duplicateRate: 0, longDelayRate: 0 },
    ...(fast ? { electionTimeoutMs: [40, 80] as [number, number], heartbeatMs: 15 } : {}),
    ...(rng() < 0.5 ? { snapshotThreshold: int(rng, 2, 8) } : {}),
    leaderNoop: rng() < 0.5,
  };
}

function leaderOf(c: Cluster): number | null {
  for (const id of c.ids) if (c.node(id).role === 'leader') return id;
  return null;
}

/**
 * Runs script `seed` of `length` steps on `c`, calling `onStep(i)` before
 * step i (a checkpoint test takes its checkpoints there). Returns the
 * script as text, for a failure message.
 */
export async function runScript(c: Cluster, seed: number, length: number, onStep?: (i: number) => void): Promise<string[]> {
  const rng = createRandom(deriveSeed(seed, 0x5c1));
  const done: string[] = [];
  let events = 0;
  let pendingListener: ((kind: string) => void) | null = null;
  c.subscribe((e) => {
    events += 1;
    pendingListener?.(e.kind);
  });
  const note = (s: string) => done.push(`${c.processed()}@${c.now()} ${s}`);
  let commands = 0;
  for (let i = 0; i < length; i++) {
    onStep?.(i);
    const roll = rng();
    if (roll < 0.14) {
      const ms = pick(rng, [int(rng, 0, 5), int(rng, 5, 60), int(rng, 60, 400)]);
      note(`runFor ${ms}`);
      await c.runFor(ms);
    } else if (roll < 0.34) {
      const n = int(rng, 1, 12);
      note(`step ×${n}`);
      for (let k = 0; k < n; k++) await c.step();
    } else if (roll < 0.42) {
      const more = int(rng, 1, 40);
      const target = events + more;
      note(`runUntil ${more} more events`);
      await c.runUntil(() => events >= target, 500);
    } else if (roll < 0.47) {
      // A step that leaves other events due in the same millisecond, if one can be found soon.
      note('step to a shared millisecond');
      for (let k = 0; k < 30; k++) {
        await c.step();
        if (c.inFlight().some((m) => m.deliverAt === c.now())) break;
      }
    } else if (roll < 0.64) {
      const id = leaderOf(c) ?? pick(rng, c.ids);
      const cmd = rng() < 0.8 ? `k${int(rng, 1, 3)}=${++commands}` : `read${++commands}`;
      note(`start ${id} ${cmd}`);
      await c.start(id, cmd);
    } else if (roll < 0.68) {
      const id = pick(rng, c.ids);
      note(`timeout ${id}`);
      await c.timeout(id);
    } else if (roll < 0.71) {
      const id = pick(rng, c.ids);
      note(`crash ${id}`);
      await c.crash(id);
    } else if (roll < 0.75) {
      const down = c.ids.filter((id) => !c.node(id).alive);
      const id = down.length > 0 ? pick(rng, down) : pick(rng, c.ids);
      note(`restart ${id}`);
      await c.restart(id);
    } else if (roll < 0.78) {
      const id = pick(rng, c.ids);
      const plug = rng() < 0.6;
      note(`${plug ? 'connect' : 'disconnect'} ${id}`);
      if (plug) c.connect(id);
      else c.disconnect(id);
    } else if (roll < 0.81) {
      const from = pick(rng, c.ids);
      const to = pick(
        rng,
        c.ids.filter((id) => id !== from),
      );
      const up = rng() < 0.5;
      note(`setLink ${from}->${to} ${up}`);
      c.setLink(from, to, up);
    } else if (roll < 0.83) {
      const cut = int(rng, 1, c.ids.length - 1);
      const groups = [c.ids.slice(0, cut), c.ids.slice(cut)];
      note(`partition ${JSON.stringify(groups)}`);
      c.partition(groups);
    } else if (roll < 0.86) {
      note('heal');
      c.heal();
    } else if (roll < 0.88) {
      const opts = randomNetwork(rng);
      note(`setNetwork ${JSON.stringify(opts)}`);
      c.setNetwork(opts);
    } else if (roll < 0.91) {
      const m = c.inFlight();
      if (m.length > 0) {
        const id = pick(rng, m).id;
        note(`dropMessage ${id}`);
        c.dropMessage(id);
      }
    } else if (roll < 0.93) {
      note('alignTimers');
      await c.alignTimers();
    } else if (roll < 0.95) {
      note('spreadTimers');
      await c.spreadTimers();
    } else {
      // From inside a subscriber, in the middle of the next event of a kind:
      // the cluster applies it at the next point between events.
      const kind = pick(rng, ['send', 'deliver', 'vote', 'append']);
      const id = pick(rng, c.ids);
      const up = rng() < 0.5;
      note(`on the next ${kind}: ${up ? 'connect' : 'disconnect'} ${id}, then run 100`);
      pendingListener = (k) => {
        if (k !== kind) return;
        pendingListener = null;
        if (up) c.connect(id);
        else c.disconnect(id);
      };
      await c.runFor(100);
      pendingListener = null;
    }
  }
  return done;
}
