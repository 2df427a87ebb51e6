/** A due item: ordered by virtual time, then by insertion order (determinism). */
export interface Scheduled {
  /** Virtual ms at which the item is due. */
  at: number;
  /** Tie-breaker: assigned by the queue, increasing. */
  seq: number;
}

/** A binary min-heap of scheduled items: the event queue of the simulation. */
export class EventQueue<T extends Scheduled> {
  private readonly items: T[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.items.length;
  }

  /** Every queued item, in no particular order. */
  all(): readonly T[] {
    return this.items;
  }

  push(item: T): void {
    item.seq = this.nextSeq++;
    this.insert(item);
  }

  /** The seq the next push will get. */
  get seqCounter(): number {
    return this.nextSeq;
  }

  /** Replaces the contents with `items`, keeping their seqs (a checkpoint resumed), and the counter. */
  load(items: readonly T[], nextSeq: number): void {
    this.items.length = 0;
    for (const item of items) this.insert(item);
    this.nextSeq = nextSeq;
  }

  private insert(item: T): void {
    const items = this.items;
    let i = items.length;
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent]!;
      if (!before(item, p)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = item;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    const n = items.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && before(items[r]!, items[l]!)) c = r;
      if (!before(items[c]!, last)) break;
      items[i] = items[c]!;
      i = c;
    }
    items[i] = last;
    return top;
  }

  clear(): void {
    this.items.length = 0;
  }
}

function before(a: Scheduled, b: Scheduled): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
