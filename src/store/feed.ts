/**
 * The store's ear on the cluster: subscribes to its events and buffers the
 * narration until the store's next flush (once per frame at most), so a
 * burst of events becomes one store update.
 */
import type { Cluster, ClusterEvent } from '../sim';
import { NARRATION_LIMIT } from './defaults';
import { narrate } from './narrate';
import type { NarrationCategory, NarrationLine } from './types';

export type NarrationBuffers = Readonly<Record<NarrationCategory, readonly NarrationLine[]>>;

export const EMPTY_NARRATION: NarrationBuffers = { election: [], replication: [], message: [], storage: [], fault: [] };

export class ClusterFeed {
  private pending: NarrationLine[] = [];
  private seq = 0;
  private readonly unsubscribe: () => void;

  constructor(cluster: Cluster) {
    this.unsubscribe = cluster.subscribe((e) => this.onEvent(e));
  }

  /** Has anything happened since the last drain? */
  get dirty(): boolean {
    return this.changed;
  }

  private changed = true;

  private onEvent(e: ClusterEvent): void {
    this.changed = true;
    const line = narrate(e);
    if (line) this.pending.push({ seq: this.seq++, at: e.at, ...line });
  }

  /** Adds a line that is not a cluster event (a user action refused, a command's fate). */
  note(at: number, category: NarrationCategory, text: string): void {
    this.pending.push({ seq: this.seq++, at, category, node: null, text });
  }

  /** The buffers with the lines since the last call appended (the same object if none). */
  drainInto(buffers: NarrationBuffers): NarrationBuffers {
    this.changed = false;
    if (this.pending.length === 0) return buffers;
    const byCategory: Partial<Record<NarrationCategory, NarrationLine[]>> = {};
    for (const line of this.pending) (byCategory[line.category] ??= []).push(line);
    this.pending = [];
    const next = { ...buffers };
    for (const [category, lines] of Object.entries(byCategory) as [NarrationCategory, NarrationLine[]][]) {
      const merged = buffers[category].concat(lines);
      next[category] = merged.length > NARRATION_LIMIT ? merged.slice(merged.length - NARRATION_LIMIT) : merged;
    }
    return next;
  }

  dispose(): void {
    this.unsubscribe();
  }
}
