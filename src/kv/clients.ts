/**
 * Clients of the replicated key–value map, run against a cluster in virtual
 * time, recording what each saw as a history for the linearizability checker
 * (linearizability.ts). The first piece of the key–value service: reads and
 * writes through the log, and, to show why they must, reads served from a
 * leader's local state (thesis §6.4: a deposed leader that has not heard of
 * its successor answers with stale data).
 *
 * A client knows nothing the real ones would not, except where a leader is
 * (it asks a node that says it leads, as a client redirected by followers
 * would end up doing). Each write's value is unique, so a history shows
 * which write a read saw. Client sessions (thesis §6.3: a retried command
 * applied once) are not built yet: a client never retries a command whose
 * fate it does not know — it records it as unanswered (`ret` Infinity),
 * which the checker lets take effect or not.
 */
import type { NodeId } from '../raft';
import type { Cluster } from '../sim';
import { createRandom } from '../sim/prng';
import type { KvOperation } from './linearizability';

export interface KvClientOptions {
  /** How many clients, each with one operation outstanding at a time. Default 3. */
  readonly clients?: number;
  /** Operations in all (the run ends when each has answered or timed out). Default 60. */
  readonly operations?: number;
  /** The keys they use. Default ['x', 'y']. */
  readonly keys?: readonly string[];
  /** The clients' own PRNG seed (what they do and when), apart from the cluster's. Default 1. */
  readonly seed?: number;
  /** Fraction of operations that are reads. Default 0.5. */
  readonly readRatio?: number;
  /**
   * 'log' (default): a read is a no-op command through the log, answered
   * with the state it was applied to (§6.4's simplest correct read).
   * 'local': a read answers at once from whichever node says it leads — the
   * bug §6.4 and §8 warn of.
   */
  readonly reads?: 'log' | 'local';
  /** Virtual ms a client waits for an answer before it gives up (the operation stays unanswered). Default 1,000. */
  readonly timeoutMs?: number;
  /** Called before every virtual millisecond the clients run: a nemesis crashes, partitions, heals here. */
  readonly each?: (now: number) => void | Promise<void>;
  /** Stops after this many virtual ms even if operations are still open. Default 60,000. */
  readonly maxMs?: number;
}

interface Open {
  readonly op: number;
  readonly node: NodeId;
  readonly index: number;
  readonly command: string;
  readonly deadline: number;
}

/** The operations the clients made, in the order they were called, for checkLinearizable. */
export interface KvRun {
  readonly history: KvOperation[];
  /** Operations that answered (the rest timed out, or their entry was lost). */
  readonly answered: number;
}

/** The commands: `key=value` sets (the lab's state machine, src/raft/kv.ts); `?key #id` changes nothing and marks a read's place in the log. */
const readCommand = (key: string, id: string) => `?${key} #${id}`;

/**
 * The node a client ends up at: a live node that says it leads. While a
 * deposed leader has not heard of its successor two nodes say so, and a
 * client may reach either (its redirects can be as stale as the leader).
 */
function leaderOf(cluster: Cluster, random: () => number): NodeId | null {
  const leaders = cluster.ids.filter((id) => {
    const v = cluster.node(id);
    return v.alive && v.role === 'leader';
  });
  return leaders.length === 0 ? null : leaders[Math.floor(random() * leaders.length)]!;
}

/**
 * The value of `key` at node `id` just before it applied `command` at
 * `index` (its latest life that applied it), or null if it has not. A
 * restarted node applies its log again from the start: a lower index begins
 * a new life (compaction off: a snapshot's state is not replayed here).
 */
function valueBefore(cluster: Cluster, id: NodeId, index: number, command: string, key: string): string | null {
  let map = new Map<string, string>();
  let last = 0;
  let found: string | null = null;
  for (const a of cluster.applied(id)) {
    if (a.index <= last) map = new Map();
    last = a.index;
    if (a.index === index && a.command === command) found = map.get(key) ?? '';
    const eq = a.command.indexOf('=');
    if (eq > 0) map.set(a.command.slice(0, eq), a.command.slice(eq + 1));
  }
  return found;
}

/** Whether node `id` has applied `command` at `index`; false if it applied something else there. */
function appliedAt(cluster: Cluster, id: NodeId, index: number, command: string): boolean {
  return cluster.applied(id).some((a) => a.index === index && a.command === command);
}

/**
 * Runs the clients until every operation has answered or given up. Throws
 * (before anything runs) for options out of range. The cluster is left
 * running where they stopped.
 */
export async function runKvClients(cluster: Cluster, options: KvClientOptions = {}): Promise<KvRun> {
  const clients = options.clients ?? 3;
  const total = options.operations ?? 60;
  const keys = options.keys ?? ['x', 'y'];
  const readRatio = options.readRatio ?? 0.5;
  const timeoutMs = options.timeoutMs ?? 1000;
  const maxMs = options.maxMs ?? 60_000;
  const reads = options.reads ?? 'log';
  if (!Number.isInteger(clients) || clients < 1 || clients > 100) throw new Error(`clients must be an integer in 1..100, got ${clients}`);
  if (!Number.isInteger(total) || total < 0) throw new Error(`operations must be a whole number, got ${total}`);
  if (keys.length === 0 || keys.some((k) => typeof k !== 'string' || k === '' || /[=?#\s]/.test(k))) {
    throw new Error("keys must be non-empty strings without '=', '?', '#' or spaces");
  }
  if (!(readRatio >= 0 && readRatio <= 1)) throw new Error(`readRatio must be in 0..1, got ${readRatio}`);
  if (!(timeoutMs > 0)) throw new Error(`timeoutMs must be positive, got ${timeoutMs}`);
  if (reads !== 'log' && reads !== 'local') throw new Error(`reads must be 'log' or 'local', got ${String(reads)}`);

  const random = createRandom(options.seed ?? 1);
  const history: KvOperation[] = [];
  const open = new Map<number, Open>(); // by client
  const idleUntil = new Map<number, number>();
  let started = 0;
  let answered = 0;
  const t0 = cluster.now();

  const answer = (client: number, output?: string) => {
    const o = open.get(client)!;
    const op = history[o.op]!;
    history[o.op] = { ...op, ret: cluster.now(), ...(output === undefined ? {} : { output }) };
    open.delete(client);
    answered += 1;
    idleUntil.set(client, cluster.now() + Math.floor(random() * 20));
  };
  const giveUp = (client: number) => {
    open.delete(client); // its ret stays Infinity: it may have taken effect, or not
    idleUntil.set(client, cluster.now() + Math.floor(random() * 20));
  };

  while (started < total || open.size > 0) {
    const now = cluster.now();
    if (now - t0 > maxMs) break;
    for (let client = 1; client <= clients; client++) {
      const o = open.get(client);
      if (o) {
        const op = history[o.op]!;
        if (appliedAt(cluster, o.node, o.index, o.command)) {
          if (op.input.kind === 'get') answer(client, valueBefore(cluster, o.node, o.index, o.command, op.input.key)!);
          else answer(client);
        } else if (now >= o.deadline) giveUp(client);
        continue;
      }
      if (started >= total || (idleUntil.get(client) ?? 0) > now) continue;
      const leader = leaderOf(cluster, random);
      if (leader === null) continue; // no one to ask yet: try again next ms
      const key = keys[Math.floor(random() * keys.length)]!;
      // Unique on this cluster, across runs: a client starts at most one operation per virtual ms.
      const id = `c${client}-${now}`;
      const isRead = random() < readRatio;
      if (isRead && reads === 'local') {
        // §6.4's warning: the node that says it leads may have been deposed.
        history.push({ client, input: { kind: 'get', key }, output: cluster.node(leader).kv[key] ?? '', call: now, ret: now });
        started += 1;
        answered += 1;
        idleUntil.set(client, now + 1 + Math.floor(random() * 20));
        continue;
      }
      const command = isRead ? readCommand(key, id) : `${key}=${id}`;
      const r = await cluster.start(leader, command);
      if (!r.isLeader) continue; // it stepped down meanwhile: ask again next ms
      history.push({
        client,
        input: isRead ? { kind: 'get', key } : { kind: 'put', key, value: id },
        call: now,
        ret: Infinity,
      });
      open.set(client, { op: history.length - 1, node: leader, index: r.index, command, deadline: now + timeoutMs });
      started += 1;
    }
    await options.each?.(cluster.now());
    await cluster.runFor(1);
  }
  return { history, answered };
}
