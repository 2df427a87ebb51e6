/**
 * Node names in a trace are any strings; Raft Lab numbers nodes from 1. A
 * trace whose names are numbers, or a letter prefix and a number (`3`, `S3`,
 * `n3`, `node3`), keeps its numbers — shifted by one if it counts from 0,
 * as MIT's `rf.me` does, and said so. Other names are numbered in order of
 * appearance.
 */
import type { NodeId } from '../raft';
import type { LocatedEvent, TraceMeta } from './format';

/** More nodes than this and the trace is refused (the views are made for a classroom's cluster). */
export const MAX_TRACE_NODES = 64;

export interface NodeNames {
  readonly ids: readonly NodeId[];
  idOf(name: string): NodeId;
  nameOf(id: NodeId): string;
  /** How names became numbers, when it is not name = number ("S0–S4 are shown as nodes 1–5"). */
  readonly note: string | null;
}

/** Every node name an event mentions. */
export function namesIn(e: LocatedEvent): string[] {
  switch (e.kind) {
    case 'send':
      return [e.node, e.to];
    case 'receive':
      return [e.node, e.from];
    case 'drop':
      return [e.node, e.from, e.to];
    case 'vote':
      return [e.node, e.candidate];
    case 'state':
      return [e.node, ...(e.vote ? [e.vote] : []), ...(e.voters ?? [])];
    default:
      return [e.node];
  }
}

/** Collects names as a trace is read, then numbers them. */
export class NameCollector {
  private readonly seen = new Set<string>();

  constructor(meta: TraceMeta | null) {
    for (const name of meta?.nodes ?? []) this.seen.add(name);
  }

  get size(): number {
    return this.seen.size;
  }

  add(e: LocatedEvent): void {
    for (const name of namesIn(e)) this.seen.add(name);
  }

  names(): NodeNames {
    return numberNames([...this.seen]);
  }
}

export function numberNames(names: readonly string[]): NodeNames {
  const numbers = names.map((n) => /^[A-Za-z_-]*(\d{1,6})$/.exec(n)?.[1]);
  const byNumber = numbers.every((n) => n !== undefined) && new Set(numbers).size === names.length;
  const values = byNumber ? numbers.map(Number) : [];
  const shift = values.includes(0) ? 1 : 0;
  const numeric = byNumber && Math.max(0, ...values) + shift <= MAX_TRACE_NODES;
  const id = new Map<string, NodeId>();
  const name = new Map<NodeId, string>();
  names.forEach((n, i) => {
    const nodeId = numeric ? values[i]! + shift : i + 1;
    id.set(n, nodeId);
    name.set(nodeId, n);
  });
  let note: string | null = null;
  if (names.length > 0 && numeric && shift)
    note = `The trace numbers its nodes from 0; Raft Lab from 1: its ${names.join(', ')} are nodes ${names.map((n) => id.get(n)).join(', ')} here.`;
  else if (names.length > 0 && (!numeric || names.some((n) => String(id.get(n)) !== n)))
    note = `Nodes here: ${names.map((n) => `${id.get(n)} = ${n}`).join(', ')}.`;
  return {
    ids: [...name.keys()].sort((a, b) => a - b),
    idOf: (n) => {
      const found = id.get(n);
      if (found === undefined) throw new Error(`node ${JSON.stringify(n)} is not in this trace`);
      return found;
    },
    nameOf: (i) => name.get(i) ?? String(i),
    note,
  };
}
