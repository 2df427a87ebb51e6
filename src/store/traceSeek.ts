/**
 * The timeline over an imported trace: there is no engine to replay and no
 * checkpoint, so the moment after N events is a fresh TraceCluster of the
 * same ImportedTrace (sharing its pairing) played to N. The seeker keeps the
 * last one it played (its frontier): a seek forward continues from it, a
 * seek back starts again from the first event. It plays in small slices,
 * giving the page its turn between them, so a seek deep into a long trace
 * does not freeze the tab.
 */
import { TraceCluster } from '../trace';

/** Events played per slice of a seek. */
export const TRACE_SEEK_SLICE = 2000;

export class TraceSeeker {
  private frontier: TraceCluster | null = null;

  constructor(private readonly live: TraceCluster) {}

  /** The trace after `after` events (the seeker's own cluster: read it, do not keep or destroy it). */
  async seek(after: number): Promise<TraceCluster> {
    let c = this.frontier;
    if (!c || c.processed() > after) {
      c = new TraceCluster(this.live.imported, this.live.pairing);
      this.frontier = c;
    }
    while (c.processed() < after && c.processed() < c.length) {
      await c.runToPosition(Math.min(after, c.processed() + TRACE_SEEK_SLICE), 0);
      if (c.processed() < after) await new Promise((resolve) => setTimeout(resolve, 0));
    }
    return c;
  }
}
