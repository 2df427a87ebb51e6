/**
 * The safety monitor over an imported trace: Figure 3's properties, checked
 * on what the trace shows of the run, by the same SafetyMonitor that watches
 * live runs — plus two rules a real implementation breaks and a trace can
 * show directly:
 *   - One Vote Per Term (Figure 2, RequestVote receiver rule 2; §5.2): a
 *     node grants at most one candidate its vote in a term.
 *   - Current-Term Commit (§5.4.2, Figure 8): a leader advances commitIndex
 *     only to an entry of its own term (older entries commit with it).
 * Each violation names its trace line, so the app can jump there and the
 * CLI can print it.
 */
import type { NodeId } from '../raft';
import { SafetyMonitor, type SafetyProperty } from '../sim/safety';
import type { ClusterEvent } from '../sim/types';
import { TraceCluster, type ImportedTrace } from './cluster';

export type TraceProperty = SafetyProperty | 'One Vote Per Term' | 'Current-Term Commit';

export interface TraceViolation {
  readonly property: TraceProperty;
  readonly message: string;
  /** The node, as the trace names it. */
  readonly node: string;
  /** Its id here (as the messages and the views name it). */
  readonly nodeId: NodeId;
  /** "node 3", or "node 3 (2 in the trace)" where the trace names it otherwise. */
  readonly label: string;
  /** Time in the trace (ms from its start). */
  readonly at: number;
  /** The trace line that revealed it (1-based). */
  readonly line: number;
  /** How many events had been played when it was revealed (the timeline position just after that event). */
  readonly position: number;
}

export interface TraceReport {
  readonly violations: readonly TraceViolation[];
  /** All violations found, kept or not. */
  readonly count: number;
  readonly events: number;
  readonly nodes: number;
  readonly terms: number;
  readonly committed: number;
  readonly messages: number;
}

/**
 * Watches a TraceCluster as it plays (attach before the first step): the
 * app's monitor for an imported run, and the CLI's.
 */
export class TraceMonitor {
  private readonly monitor: SafetyMonitor;
  private readonly found: TraceViolation[] = [];
  private total = 0;
  private readonly votes = new Map<string, NodeId>();
  private maxTerm = 0;
  private detach: (() => void) | null = null;

  constructor(
    private readonly cluster: TraceCluster,
    private readonly options: { readonly maxViolations?: number; readonly onViolation?: (v: TraceViolation) => void } = {},
  ) {
    this.monitor = new SafetyMonitor({
      maxViolations: options.maxViolations ?? 100,
      onViolation: (v) => this.report(v.property, v.node, v.message),
    });
    const stop = this.monitor.attach(cluster);
    const unsubscribe = cluster.subscribe((e) => this.observe(e));
    this.detach = () => {
      stop();
      unsubscribe();
    };
  }

  get violations(): readonly TraceViolation[] {
    return this.found;
  }

  get count(): number {
    return this.total;
  }

  get ok(): boolean {
    return this.total === 0;
  }

  stop(): void {
    this.detach?.();
    this.detach = null;
  }

  /** Plays the rest of the trace and reports. */
  runToEnd(): TraceReport {
    while (this.cluster.stepSync());
    return this.report_();
  }

  private report_(): TraceReport {
    return {
      violations: this.found,
      count: this.total,
      events: this.cluster.processed(),
      nodes: this.cluster.ids.length,
      terms: this.maxTerm,
      committed: this.monitor.commitIndex,
      messages: this.cluster.stats().messages,
    };
  }

  private observe(e: ClusterEvent): void {
    if ('term' in e && typeof e.term === 'number' && e.kind !== 'preVote' && e.kind !== 'preCampaign')
      this.maxTerm = Math.max(this.maxTerm, e.term);
    if (e.kind === 'vote' && e.granted) {
      // Figure 2, RequestVote receiver rule 2: "If votedFor is null or candidateId … grant vote".
      const key = `${e.node}:${e.term}`;
      const before = this.votes.get(key);
      if (before !== undefined && before !== e.candidate) {
        this.report(
          'One Vote Per Term',
          e.node,
          `One Vote Per Term (Figure 2, §5.2) violated: node ${e.node} voted for node ${before} and then for node ${e.candidate} in term ${e.term}; ` +
            'a server votes for at most one candidate in a term (votedFor is persistent)',
        );
      } else {
        this.votes.set(key, e.candidate);
      }
    } else if (e.kind === 'commit') {
      const view = this.cluster.node(e.node);
      if (view.role !== 'leader' || e.commitIndex <= view.snapshotIndex) return;
      const entry = view.log[e.commitIndex - view.snapshotIndex - 1];
      if (entry && entry.term !== view.term && entry.term !== 0) {
        this.report(
          'Current-Term Commit',
          e.node,
          `Current-Term Commit (§5.4.2, Figure 8) violated: leader ${e.node} of term ${view.term} advanced commitIndex to ${e.commitIndex}, an entry of term ${entry.term}; ` +
            'a leader commits only entries of its own term by counting replicas (older ones commit with them)',
        );
      }
    }
  }

  private report(property: TraceProperty, nodeId: NodeId, message: string): void {
    this.total += 1;
    const limit = this.options.maxViolations ?? 100;
    const position = this.cluster.processed();
    const e = this.cluster.eventAt(position - 1);
    const name = this.cluster.imported.names.nameOf(nodeId);
    const violation: TraceViolation = {
      property,
      message,
      node: name,
      nodeId,
      label: name === String(nodeId) ? `node ${nodeId}` : `node ${nodeId} (${name} in the trace)`,
      at: this.cluster.now(),
      line: e?.line ?? 0,
      position,
    };
    if (this.found.length < limit) this.found.push(violation);
    this.options.onViolation?.(violation);
  }
}

/** Checks a whole imported trace. */
export function checkTrace(trace: ImportedTrace, options: { readonly maxViolations?: number } = {}): TraceReport {
  const cluster = new TraceCluster(trace);
  const monitor = new TraceMonitor(cluster, options);
  const report = monitor.runToEnd();
  monitor.stop();
  return report;
}
