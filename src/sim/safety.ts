/**
 * The live safety monitor: watches a cluster's event stream and checks, on
 * every event, the properties Raft guarantees at all times (Figure 3 of
 * Ongaro & Ousterhout), plus the apply rule of Figure 2:
 *
 * - Election Safety (§5.2): at most one leader per term.
 * - Leader Append-Only (§5.3): a leader never overwrites or deletes its entries.
 * - Log Matching (§5.3): two entries with the same index and term hold the
 *   same command, and the logs are identical up to them. Checked inductively
 *   with a table (index, term) → (command, term of index − 1), filled from
 *   'append' events and from the logs of newly elected leaders.
 * - Leader Completeness (§5.4): a new leader's log (or snapshot) holds every
 *   entry committed in an earlier term, with the same term.
 * - State Machine Safety (§5.4.3): no two nodes apply (or commit, or
 *   snapshot) different entries at one index.
 * - Applied In Order (Figure 2, "all servers"): each node life applies
 *   indexes lastApplied + 1, + 2, … exactly once, starting after its snapshot.
 *
 * Each event costs O(1) amortized: the monitor mirrors every node's log from
 * 'append' and 'snapshot' events instead of reading it. It reads a node's log
 * through `cluster.node(id)` only when the node becomes leader (rare; O(log
 * length)), which also cross-checks the events against the engine's own log.
 *
 * Memory grows with the total number of distinct entries ever created (the
 * Log Matching table and the committed entries), which suits the lab's runs.
 *
 * Why one file of ~480 lines: the six checks share one per-node mirror and
 * one table of committed entries, updated by the same event handlers; split
 * apart they would each need the whole mirror. (The lessons issue's
 * per-property panel may split the reporting out.)
 */
import { entryOfView, lastIndexOfView, LogWindow, type Entry, type NodeId, type Role } from '../raft';
import type { Cluster, ClusterEvent, NodeView } from './types';

/** The properties the monitor checks; names as in Figure 3 of the paper. */
export type SafetyProperty =
  'Election Safety' | 'Leader Append-Only' | 'Log Matching' | 'Leader Completeness' | 'State Machine Safety' | 'Applied In Order';

/** One broken guarantee. */
export interface SafetyViolation {
  readonly property: SafetyProperty;
  /** Virtual ms of the event that revealed it. */
  readonly at: number;
  /** The node whose event revealed it. */
  readonly node: NodeId;
  /** What happened, in words, citing the paper. */
  readonly message: string;
}

export interface SafetyMonitorOptions {
  /**
   * Throw a SafetyViolationError once the offending event is fully checked.
   * Thrown from a cluster listener, it is reported like any listener's
   * failure: on the console and as an `error` event right after the
   * offending one; the run goes on (a listener never stops or desynchronises
   * the cluster). Default false.
   */
  throwOnViolation?: boolean;
  /** Called for each violation as it is found (e.g. to show it in the UI). */
  onViolation?: (violation: SafetyViolation) => void;
  /** How many violations `violations` keeps (the first ones); `violationCount` counts all. Default 100. */
  maxViolations?: number;
}

/** What the monitor needs of a cluster. */
export type MonitoredCluster = Pick<Cluster, 'ids' | 'now' | 'node' | 'subscribe'>;

/** Thrown when `throwOnViolation` is set. */
export class SafetyViolationError extends Error {
  constructor(readonly violation: SafetyViolation) {
    super(violation.message);
    this.name = 'SafetyViolationError';
  }
}

/** An entry known to be committed. */
export interface CommittedEntry extends Entry {
  /**
   * The term in which the monitor first saw it committed (the committing
   * leader's term, or an upper bound of it for entries committed before the
   * monitor was attached).
   */
  readonly commitTerm: number;
  /** The node whose commit or apply revealed it first. */
  readonly node: NodeId;
}

/** One row of the Log Matching table. */
interface LogRecord {
  readonly term: number;
  readonly command: string;
  /** Term of the entry at index − 1; -1 while unknown. */
  prevTerm: number;
  readonly node: NodeId;
}

/** What the monitor knows of one node. */
interface NodeTrack {
  role: Role;
  term: number;
  /** Mirror of the node's log: the snapshot base and the entries after it (unknown ones undefined). */
  log: LogWindow<Entry | undefined>;
  /** The index this node life must apply next. */
  nextApply: number;
  /** Highest commitIndex it has announced (across lives). */
  commitSeen: number;
}

export class SafetyMonitor {
  private readonly options: Required<Omit<SafetyMonitorOptions, 'onViolation'>> & Pick<SafetyMonitorOptions, 'onViolation'>;
  private cluster: MonitoredCluster | null = null;
  private readonly nodes = new Map<NodeId, NodeTrack>();
  private readonly leaderOfTerm = new Map<number, NodeId>();
  /** Campaigns seen from their start ("node:term"): only their elections can be checked for a majority. */
  private readonly campaigns = new Set<string>();
  /** Granted votes by "candidate:term" (what each voter said, whether or not it arrived). */
  private readonly granted = new Map<string, Set<NodeId>>();
  /** The configuration in force at each node, from its 'config' events (thesis §4.1), after its baseline. */
  private readonly inForce = new Map<NodeId, readonly NodeId[]>();
  /** Log Matching table: by index, one record per distinct term seen there. */
  private readonly table: (LogRecord[] | undefined)[] = [];
  /** Committed entries by index. */
  private readonly committedAt: (CommittedEntry | undefined)[] = [];
  private highestCommitted = 0;
  private readonly found: SafetyViolation[] = [];
  private count = 0;
  /** Violations of the event being checked, thrown at its end if asked to. */
  private pending: SafetyViolation | null = null;

  constructor(options: SafetyMonitorOptions = {}) {
    this.options = {
      throwOnViolation: options.throwOnViolation ?? false,
      maxViolations: options.maxViolations ?? 100,
      onViolation: options.onViolation,
    };
  }

  /** The violations found so far (at most `maxViolations`, the earliest). */
  get violations(): readonly SafetyViolation[] {
    return this.found;
  }

  /** How many violations were found, including those not kept. */
  get violationCount(): number {
    return this.count;
  }

  /** True while nothing has been violated. */
  get ok(): boolean {
    return this.count === 0;
  }

  /** The highest index known to be committed (its entry may be known only as part of a snapshot). */
  get commitIndex(): number {
    return this.highestCommitted;
  }

  /** The entry committed at `index`, if the monitor saw it (not if it only ever saw it inside a snapshot). */
  committed(index: number): CommittedEntry | undefined {
    return this.committedAt[index];
  }

  /**
   * Starts watching `cluster`: takes each node's current state as the
   * baseline, then checks every event. Returns the function that detaches it.
   */
  attach(cluster: MonitoredCluster): () => void {
    if (this.cluster) throw new Error('this SafetyMonitor is already attached to a cluster');
    this.cluster = cluster;
    const at = cluster.now();
    for (const id of cluster.ids) this.baseline(id, at);
    const unsubscribe = cluster.subscribe((e) => this.observe(e));
    return () => {
      unsubscribe();
      this.cluster = null;
    };
  }

  /** Checks one event (attach() feeds every event here). */
  observe(e: ClusterEvent): void {
    switch (e.kind) {
      case 'timeout':
        this.campaigns.add(`${e.node}:${e.term}`);
        break;
      case 'vote':
        if (e.granted) {
          const key = `${e.candidate}:${e.term}`;
          let set = this.granted.get(key);
          if (!set) this.granted.set(key, (set = new Set()));
          set.add(e.node);
        }
        break;
      case 'config':
        if (e.inForce) this.inForce.set(e.node, e.config.voters);
        break;
      case 'added':
        this.baseline(e.node, e.at);
        break;
      case 'removed':
        this.track(e.node).role = 'follower';
        break;
      case 'role':
        this.onRole(e.node, e.role, e.term, e.at);
        break;
      case 'term':
        this.track(e.node).term = e.term;
        break;
      case 'append':
        this.onAppend(e.node, e.fromIndex, e.entries, e.truncatedFrom, e.at);
        break;
      case 'commit':
        this.onCommit(e.node, e.commitIndex, e.term, e.at);
        break;
      case 'apply':
        this.onApply(e.node, { index: e.index, term: e.term, command: e.command }, e.at);
        break;
      case 'snapshot':
        this.onSnapshot(e.node, e.lastIncludedIndex, e.lastIncludedTerm, e.reason, e.at);
        break;
      case 'crash':
        this.track(e.node).role = 'follower';
        break;
      case 'restart': {
        // A new life: volatile state is gone; it re-applies from its snapshot
        // (a 'restored' snapshot event follows if it has one).
        const t = this.track(e.node);
        t.role = 'follower';
        t.nextApply = t.log.base + 1;
        break;
      }
      case 'recover':
        // The node's first life here began from a disk written before (a page
        // reload): what is on it is the starting point, as when attaching.
        this.nodes.delete(e.node);
        this.baseline(e.node, e.at);
        break;
      default:
        break;
    }
    const violation = this.pending;
    if (violation) {
      this.pending = null;
      if (this.options.throwOnViolation) throw new SafetyViolationError(violation);
    }
  }

  // ------------------------------------------------------------ handlers

  private onRole(node: NodeId, role: Role, term: number, at: number): void {
    const t = this.track(node);
    t.role = role;
    t.term = term;
    if (role !== 'leader') return;
    const other = this.leaderOfTerm.get(term);
    if (other !== undefined && other !== node) {
      this.report(
        'Election Safety',
        at,
        node,
        `Election Safety (§5.2) violated: nodes ${other} and ${node} were both elected leader of term ${term}; a term has at most one leader`,
      );
    } else {
      this.leaderOfTerm.set(term, node);
    }
    const view = this.view(node);
    if (view) {
      this.checkMajority(node, term, view, at);
      this.recordLog(node, view, at);
      this.checkCompleteness(node, term, view, at);
    }
  }

  /**
   * §5.2 with §4.1: a leader is elected by a majority of the voters of the
   * configuration in force at it. Checked for campaigns seen from their
   * start (votes granted before the monitor was attached are unknown).
   */
  private checkMajority(node: NodeId, term: number, view: NodeView, at: number): void {
    if (!this.campaigns.has(`${node}:${term}`)) return;
    // The configuration when it won (the view is read after the whole input,
    // which may already have appended the next change, §4.2.1).
    const voters = this.inForce.get(node) ?? view.config.voters;
    const votes = new Set(this.granted.get(`${node}:${term}`) ?? []);
    votes.add(node);
    const counted = voters.filter((v) => votes.has(v));
    const needed = Math.floor(voters.length / 2) + 1;
    if (counted.length < needed) {
      this.report(
        'Election Safety',
        at,
        node,
        `Election Safety (§5.2, §4.1) violated: node ${node} became leader of term ${term} with votes from ${counted.join(', ') || 'nobody'} — ` +
          `not a majority (${needed}) of the voters ${voters.join(', ')} of its configuration`,
      );
    }
  }

  private onAppend(node: NodeId, fromIndex: number, entries: readonly Entry[], truncatedFrom: number | null, at: number): void {
    const t = this.track(node);
    const lastIndex = t.log.lastIndex;
    if (t.role === 'leader' && (truncatedFrom !== null || fromIndex !== lastIndex + 1)) {
      this.report(
        'Leader Append-Only',
        at,
        node,
        `Leader Append-Only (§5.3) violated: leader ${node} of term ${t.term} wrote entries from index ${fromIndex}` +
          `${truncatedFrom !== null ? ` after deleting its entries from ${truncatedFrom}` : ''} while its log ended at ${lastIndex}; a leader only appends`,
      );
    }
    let prevTerm = t.log.termAt(fromIndex - 1);
    for (const entry of entries) {
      this.recordEntry(node, entry, prevTerm, at);
      prevTerm = entry.term;
    }
    // Mirror: drop everything from fromIndex on, then append (a gap: unknown entries).
    t.log.write(fromIndex, entries, true);
  }

  private onCommit(node: NodeId, commitIndex: number, term: number, at: number): void {
    const t = this.track(node);
    const last = Math.min(commitIndex, t.log.lastIndex);
    for (let i = Math.max(t.commitSeen, t.log.base) + 1; i <= last; i++) {
      const entry = t.log.at(i);
      if (entry) this.recordCommitted(node, entry, term, at, 'committed');
    }
    if (commitIndex > t.commitSeen) t.commitSeen = commitIndex;
    if (commitIndex > this.highestCommitted) this.highestCommitted = commitIndex;
  }

  private onApply(node: NodeId, entry: Entry, at: number): void {
    const t = this.track(node);
    if (entry.index !== t.nextApply) {
      this.report(
        'Applied In Order',
        at,
        node,
        `Applied In Order (Figure 2, §5.3) violated: node ${node} applied index ${entry.index} when its next index to apply was ${t.nextApply}; ` +
          'each node life applies its log in order, each entry once',
      );
    }
    t.nextApply = entry.index + 1;
    this.recordCommitted(node, entry, t.term, at, 'applied');
  }

  private onSnapshot(node: NodeId, index: number, term: number, reason: 'compacted' | 'installed' | 'restored', at: number): void {
    const t = this.track(node);
    this.checkCommittedTerm(node, index, term, at, `a snapshot (${reason}) through index ${index} with term ${term}`);
    if (reason === 'compacted' && index >= t.nextApply) {
      this.report(
        'State Machine Safety',
        at,
        node,
        `State Machine Safety (§5.4.3, §7) violated: node ${node} compacted its log through index ${index} but has applied only through ${t.nextApply - 1}; a snapshot covers applied entries only`,
      );
    }
    if (reason === 'installed' && index < t.nextApply - 1) {
      this.report(
        'Applied In Order',
        at,
        node,
        `Applied In Order (Figure 13, §7) violated: node ${node} installed a snapshot through index ${index} after applying through ${t.nextApply - 1}; its state machine went back`,
      );
    }
    // Mirror, as RaftLog.setSnapshot: keep the entries after the snapshot if
    // the log holds its last entry (compaction; Figure 13 step 6), else none.
    const keepTail = reason !== 'installed' || t.log.termAt(index) === term;
    t.log.compact(index, term, keepTail);
    t.nextApply = index + 1;
  }

  // ------------------------------------------------------------- checks

  /** §5.4: the new leader must hold every entry committed in an earlier term. */
  private checkCompleteness(node: NodeId, term: number, view: NodeView, at: number): void {
    const snapshotIndex = view.snapshotIndex;
    const atSnapshot = this.committedAt[snapshotIndex];
    if (atSnapshot && atSnapshot.commitTerm < term && atSnapshot.term !== view.snapshotTerm) {
      this.report(
        'Leader Completeness',
        at,
        node,
        this.incompleteMessage(node, term, atSnapshot, `its snapshot ends at index ${snapshotIndex} with term ${view.snapshotTerm}`),
      );
      return;
    }
    for (let i = snapshotIndex + 1; i <= this.highestCommitted; i++) {
      const committed = this.committedAt[i];
      if (!committed || committed.commitTerm >= term) continue;
      const held = entryOfView(view, i);
      if (!held || held.term !== committed.term || held.command !== committed.command) {
        const found = held ? `its entry there is ${describeEntry(held)}` : `its log ends at index ${lastIndexOfView(view)}`;
        this.report('Leader Completeness', at, node, this.incompleteMessage(node, term, committed, found));
        return; // the first gap says it; the rest would repeat it
      }
    }
  }

  private incompleteMessage(node: NodeId, term: number, committed: CommittedEntry, found: string): string {
    return (
      `Leader Completeness (§5.4) violated: node ${node} became leader of term ${term} without entry ${describeEntry(committed)}, ` +
      `committed by term ${committed.commitTerm}; ${found}`
    );
  }

  /** Log Matching (§5.3), one entry: same (index, term) ⇒ same command and same term at index − 1. */
  private recordEntry(node: NodeId, entry: Entry, prevTerm: number, at: number): void {
    let rows = this.table[entry.index];
    if (!rows) {
      rows = [];
      this.table[entry.index] = rows;
    }
    const row = rows.find((r) => r.term === entry.term);
    // A configuration entry's content is its configuration (thesis §4.1).
    const content = entry.config ? `⚙ ${configWords(entry.config)}` : entry.command;
    if (!row) {
      rows.push({ term: entry.term, command: content, prevTerm, node });
      return;
    }
    if (row.command !== content) {
      this.report(
        'Log Matching',
        at,
        node,
        `Log Matching (§5.3) violated: node ${node} holds ${entry.index}@t${entry.term} ${JSON.stringify(content)} but node ${row.node} held ${entry.index}@t${entry.term} ${JSON.stringify(row.command)}; ` +
          'entries with the same index and term must hold the same command',
      );
    } else if (prevTerm >= 0 && row.prevTerm >= 0 && prevTerm !== row.prevTerm) {
      this.report(
        'Log Matching',
        at,
        node,
        `Log Matching (§5.3) violated: entry ${entry.index}@t${entry.term} follows an entry of term ${prevTerm} on node ${node} but of term ${row.prevTerm} on node ${row.node}; ` +
          'logs must be identical up to any entry with the same index and term',
      );
    } else if (row.prevTerm < 0) {
      row.prevTerm = prevTerm;
    }
  }

  /** Puts a leader's whole log through the Log Matching table (a cross-check of the mirror's source). */
  private recordLog(node: NodeId, view: NodeView, at: number): void {
    let prevTerm = view.snapshotTerm;
    for (const entry of view.log) {
      this.recordEntry(node, entry, prevTerm, at);
      prevTerm = entry.term;
    }
  }

  /** State Machine Safety (§5.4.3): one entry per committed index, everywhere. */
  private recordCommitted(node: NodeId, entry: Entry, term: number, at: number, how: 'committed' | 'applied'): void {
    const known = this.committedAt[entry.index];
    if (!known) {
      this.committedAt[entry.index] = { index: entry.index, term: entry.term, command: entry.command, commitTerm: term, node };
      if (entry.index > this.highestCommitted) this.highestCommitted = entry.index;
      return;
    }
    if (known.term !== entry.term || known.command !== entry.command) {
      this.report(
        'State Machine Safety',
        at,
        node,
        `State Machine Safety (§5.4.3) violated: node ${node} ${how} ${describeEntry(entry)} but node ${known.node} had already committed ${describeEntry(known)}; ` +
          'no two servers apply different commands at the same index',
      );
    }
  }

  private checkCommittedTerm(node: NodeId, index: number, term: number, at: number, what: string): void {
    const known = this.committedAt[index];
    if (index > 0 && known && known.term !== term) {
      this.report(
        'State Machine Safety',
        at,
        node,
        `State Machine Safety (§5.4.3, §7) violated: node ${node} has ${what}, but the entry committed at index ${index} is ${describeEntry(known)}`,
      );
    }
  }

  // ------------------------------------------------------------ plumbing

  private report(property: SafetyProperty, at: number, node: NodeId, message: string): void {
    const violation: SafetyViolation = { property, at, node, message };
    this.count += 1;
    if (this.found.length < this.options.maxViolations) this.found.push(violation);
    this.pending ??= violation;
    this.options.onViolation?.(violation);
  }

  private track(node: NodeId): NodeTrack {
    let t = this.nodes.get(node);
    if (!t) {
      t = { role: 'follower', term: 0, log: new LogWindow<Entry | undefined>(), nextApply: 1, commitSeen: 0 };
      this.nodes.set(node, t);
    }
    return t;
  }

  private view(node: NodeId): NodeView | null {
    try {
      return this.cluster ? this.cluster.node(node) : null;
    } catch {
      return null; // e.g. a node between 'restart' and its boot
    }
  }

  /** Takes a node's present state as the starting point (attach mid-run). */
  private baseline(node: NodeId, at: number): void {
    const t = this.track(node);
    const view = this.view(node);
    if (!view) return;
    this.inForce.set(node, view.config.voters);
    t.role = view.role;
    t.term = view.term;
    t.log = new LogWindow<Entry | undefined>(view.snapshotIndex, view.snapshotTerm, view.log.slice());
    t.nextApply = view.lastApplied + 1;
    t.commitSeen = view.commitIndex;
    if (view.commitIndex > this.highestCommitted) this.highestCommitted = view.commitIndex;
    if (view.role === 'leader') this.leaderOfTerm.set(view.term, node);
    this.recordLog(node, view, at);
    for (const entry of view.log) {
      if (entry.index > view.commitIndex) break;
      // Committed no later than the node's present term: an upper bound.
      this.recordCommitted(node, entry, view.term, at, 'committed');
    }
  }
}

/** Attaches a new SafetyMonitor to `cluster`; `monitor.detach()` stops it. */
export function attachSafetyMonitor(
  cluster: MonitoredCluster,
  options: SafetyMonitorOptions = {},
): SafetyMonitor & { readonly detach: () => void } {
  const monitor = new SafetyMonitor(options);
  const detach = monitor.attach(cluster);
  return Object.assign(monitor, { detach });
}

function configWords(c: { readonly voters: readonly NodeId[]; readonly learners: readonly NodeId[] }): string {
  return `voters ${c.voters.join(',')}${c.learners.length ? ` learners ${c.learners.join(',')}` : ''}`;
}

function describeEntry(entry: Entry): string {
  return `${entry.index}@t${entry.term} ${JSON.stringify(entry.command)}`;
}
