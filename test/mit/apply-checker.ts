/**
 * The MIT tester's applier checks (config.go `checkLogs` and the applier's
 * "apply out of order"), fed by the cluster's event stream: within one node
 * life, applies come in index order with no gap (a restored or installed
 * snapshot moves the start forward, §7), a node never applies two commands
 * at one index, and no two nodes apply different commands at one index
 * (Figure 3, State Machine Safety).
 */
import type { Cluster, ClusterEvent } from '../../src/sim';

export class ApplyChecker {
  /** Per node: the last index applied in its current life (or restored from a snapshot). */
  private readonly lastApplied = new Map<number, number>();
  /** Per node: index → command, over all its lives (the lab's cfg.logs[i]). */
  private readonly appliedByNode = new Map<number, Map<number, string>>();
  /** index → the first command any node applied there, and that node. */
  private readonly firstApplied = new Map<number, { node: number; command: string }>();
  /** key → the highest index whose first-applied command sets it. */
  private readonly keySetAt = new Map<string, number>();
  /** Violations seen, in order; the first is also thrown from the cluster call that caused it. */
  readonly errors: string[] = [];
  private readonly unsubscribe: () => void;

  constructor(cluster: Cluster) {
    for (const id of cluster.ids) {
      this.lastApplied.set(id, 0);
      this.appliedByNode.set(id, new Map());
    }
    this.unsubscribe = cluster.subscribe((e) => this.observe(e));
  }

  /** The command node `id` applied at `index` in any life, if it did. */
  appliedAt(id: number, index: number): string | undefined {
    return this.appliedByNode.get(id)?.get(index);
  }

  /** The command applied at `index` by whichever node applied it first. */
  commandAt(index: number): string | undefined {
    return this.firstApplied.get(index)?.command;
  }

  /** The highest index applied so far whose command sets `key` (0 if none). */
  lastSetAt(key: string): number {
    return this.keySetAt.get(key) ?? 0;
  }

  /** Throws the first violation, if any. */
  check(): void {
    if (this.errors.length > 0) throw new Error(this.errors[0]);
  }

  stop(): void {
    this.unsubscribe();
  }

  private observe(e: ClusterEvent): void {
    if (e.kind === 'restart') {
      this.lastApplied.set(e.node, 0); // a new life applies from the start, or from its snapshot
    } else if (e.kind === 'snapshot' && e.reason !== 'compacted') {
      const last = this.lastApplied.get(e.node) ?? 0;
      if (e.lastIncludedIndex < last) {
        this.violate(`server ${e.node} ${e.reason} snapshot ${e.lastIncludedIndex} behind its lastApplied ${last}`);
      }
      this.lastApplied.set(e.node, e.lastIncludedIndex);
    } else if (e.kind === 'apply') {
      const last = this.lastApplied.get(e.node) ?? 0;
      if (e.index !== last + 1) this.violate(`server ${e.node} apply out of order ${e.index} (expected ${last + 1})`);
      this.lastApplied.set(e.node, e.index);
      const mine = this.appliedByNode.get(e.node);
      const before = mine?.get(e.index);
      if (before !== undefined && before !== e.command) {
        this.violate(`server ${e.node} changed its value at index ${e.index}: ${before} then ${e.command}`);
      }
      mine?.set(e.index, e.command);
      const first = this.firstApplied.get(e.index);
      if (!first) {
        this.firstApplied.set(e.index, { node: e.node, command: e.command });
        const eq = e.command.indexOf('=');
        if (eq > 0) {
          const key = e.command.slice(0, eq);
          this.keySetAt.set(key, Math.max(this.keySetAt.get(key) ?? 0, e.index));
        }
      } else if (first.command !== e.command) {
        this.violate(`commit index=${e.index} server=${e.node} ${e.command} != server=${first.node} ${first.command}`);
      }
    }
  }

  private violate(message: string): void {
    this.errors.push(message);
    // The cluster rethrows a listener's error once the event is processed,
    // so the run stops at the first violation.
    throw new Error(message);
  }
}
