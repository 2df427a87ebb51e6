/**
 * What the space-time diagram draws, kept from the cluster's event stream:
 * every message (send → delivery or drop) and the marks on the node lanes
 * (role and term changes, commits, crashes, restarts). Compact and bounded:
 * at most SPACE_TIME_MESSAGE_LIMIT messages and SPACE_TIME_MARK_LIMIT marks,
 * the oldest forgotten first. Both lists are in event order, so sorted by
 * time (`sentAt`, `at`): the diagram finds what overlaps its visible time
 * range by binary search instead of scanning the run.
 *
 * The record is mutable and lives outside the store's state (appending to
 * it per event costs no store update); the slice publishes a version number
 * once per flush, and the view reads the record when the version changes.
 */
import type { MessageType, NodeId } from '../raft';
import type { ClusterEvent, DropReason } from '../sim';

/** The most messages kept: about 1.5 MB of records; at a 5-node cluster's heartbeat rate, the last few minutes. */
export const SPACE_TIME_MESSAGE_LIMIT = 20_000;
/** The most marks kept. */
export const SPACE_TIME_MARK_LIMIT = 20_000;

/** One message, from its send to its delivery or drop. */
export interface SpaceTimeMessage {
  /** The network's message id (unique per cluster, increasing in send order). */
  readonly id: number;
  readonly from: NodeId;
  readonly to: NodeId;
  readonly type: MessageType;
  /** Entries carried (AppendEntries; 0 for a heartbeat and every other type). */
  readonly entries: number;
  /** A reply's outcome (vote granted, append succeeded); null for requests. */
  readonly ok: boolean | null;
  /** Virtual ms it was sent. */
  readonly sentAt: number;
  /** Virtual ms the network scheduled its delivery (where an arrow in flight is heading). */
  readonly dueAt: number;
  /** Virtual ms it was delivered; null while in flight or if dropped. */
  deliveredAt: number | null;
  /** Virtual ms it was dropped; null unless dropped. */
  droppedAt: number | null;
  dropped: boolean;
  dropReason: DropReason | null;
  /** The extra copy made by the network's duplication. */
  readonly duplicate: boolean;
}

export type SpaceTimeMarkKind = 'role' | 'term' | 'commit' | 'crash' | 'restart' | 'config' | 'transfer';

/** Something that happened on one node's lane. */
export interface SpaceTimeMark {
  /** Unique per record, increasing. */
  readonly id: number;
  /** Virtual ms. */
  readonly at: number;
  readonly node: NodeId;
  readonly kind: SpaceTimeMarkKind;
  /** Short text for the lane: L, C, F (role), T4 (term), c7 (commit index), ×, R. */
  readonly label: string;
  /** The whole sentence, for its accessible name and tooltip. */
  readonly description: string;
}

const ROLE_LETTER = { leader: 'L', candidate: 'C', follower: 'F' } as const;

/** The first index in `items` whose key is ≥ `value` (items sorted by key). */
export function lowerBound<T>(items: readonly T[], value: number, key: (item: T) => number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(items[mid]!) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index in `items` whose key is > `value` (items sorted by key). */
export function upperBound<T>(items: readonly T[], value: number, key: (item: T) => number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(items[mid]!) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const sentAt = (m: SpaceTimeMessage) => m.sentAt;
const markAt = (m: SpaceTimeMark) => m.at;

/** When a message's arrow ends: its delivery, its drop, or (in flight) `nowMs`. */
export function endOf(m: SpaceTimeMessage, nowMs: number): number {
  return m.deliveredAt ?? m.droppedAt ?? nowMs;
}

export class SpaceTimeRecord {
  private readonly list: SpaceTimeMessage[] = [];
  private readonly markList: SpaceTimeMark[] = [];
  private readonly byId = new Map<number, SpaceTimeMessage>();
  /** Messages still in flight (few at any time). */
  private readonly pending = new Set<SpaceTimeMessage>();
  /** The longest send-to-end span of a finished message, ms: how far before a window a message can start and still reach into it. */
  private longestSpanMs = 0;
  private nextMarkId = 0;
  /** Increases with every change. */
  version = 0;
  /** Virtual ms of the latest event heard (the live time, even while the store shows the past). */
  latestMs = 0;

  constructor(
    private readonly messageLimit = SPACE_TIME_MESSAGE_LIMIT,
    private readonly markLimit = SPACE_TIME_MARK_LIMIT,
  ) {}

  /** Every kept message, in send order (sorted by sentAt). */
  get messages(): readonly SpaceTimeMessage[] {
    return this.list;
  }

  /** Every kept mark, in time order. */
  get marks(): readonly SpaceTimeMark[] {
    return this.markList;
  }

  message(id: number): SpaceTimeMessage | undefined {
    return this.byId.get(id);
  }

  /** Takes one cluster event; events that the diagram does not draw are ignored. */
  add(e: ClusterEvent): void {
    this.latestMs = Math.max(this.latestMs, e.at);
    switch (e.kind) {
      case 'send':
      case 'duplicate': {
        const { message: m } = e;
        const p = m.payload;
        const entry: SpaceTimeMessage = {
          id: m.id,
          from: m.from,
          to: m.to,
          type: m.type,
          entries: p.type === 'AppendEntries' ? p.entries.length : 0,
          ok:
            p.type === 'RequestVoteReply' || p.type === 'PreVoteReply' ? p.voteGranted : p.type === 'AppendEntriesReply' ? p.success : null,
          sentAt: m.sentAt,
          dueAt: m.deliverAt,
          deliveredAt: null,
          droppedAt: null,
          dropped: false,
          dropReason: null,
          duplicate: m.duplicate,
        };
        this.list.push(entry);
        this.byId.set(entry.id, entry);
        this.pending.add(entry);
        if (this.list.length > this.messageLimit) this.forgetMessages();
        break;
      }
      case 'deliver':
      case 'drop': {
        const entry = this.byId.get(e.message.id);
        if (!entry || !this.pending.has(entry)) return;
        this.pending.delete(entry);
        if (e.kind === 'deliver') entry.deliveredAt = e.at;
        else {
          entry.droppedAt = e.at;
          entry.dropped = true;
          entry.dropReason = e.reason;
        }
        this.longestSpanMs = Math.max(this.longestSpanMs, e.at - entry.sentAt);
        break;
      }
      case 'role':
        this.mark(e.at, e.node, 'role', ROLE_LETTER[e.role], `Node ${e.node} became ${e.role} in term ${e.term}`);
        break;
      case 'term':
        this.mark(e.at, e.node, 'term', `T${e.term}`, `Node ${e.node} moved to term ${e.term}`);
        break;
      case 'commit':
        this.mark(e.at, e.node, 'commit', `c${e.commitIndex}`, `Node ${e.node} committed up to index ${e.commitIndex}`);
        break;
      case 'crash':
        this.mark(e.at, e.node, 'crash', '×', `Node ${e.node} crashed`);
        break;
      case 'restart':
        this.mark(e.at, e.node, 'restart', 'R', `Node ${e.node} restarted`);
        break;
      // Issue 13: a configuration put in force or committed (thesis §4.1), a leadership transfer begun (thesis §3.10).
      case 'config':
        this.mark(
          e.at,
          e.node,
          'config',
          e.committed ? '⚙✓' : '⚙',
          `Node ${e.node} ${e.committed ? 'committed' : 'now uses'} the configuration of entry ${e.index}: voters ${e.config.voters.join(', ')}${e.config.learners.length ? `, learners ${e.config.learners.join(', ')}` : ''}`,
        );
        break;
      case 'transfer':
        if (e.phase === 'started')
          this.mark(e.at, e.node, 'transfer', `→${e.to}`, `Node ${e.node} began handing leadership to node ${e.to}`);
        break;
      default:
        return;
    }
    this.version += 1;
  }

  /**
   * The messages whose arrows overlap [fromMs, toMs] at `nowMs`, in send
   * order: by binary search on sentAt, then only the messages sent at most
   * the longest span before the window are checked one by one.
   */
  messagesIn(fromMs: number, toMs: number, nowMs: number): SpaceTimeMessage[] {
    const end = upperBound(this.list, toMs, sentAt);
    let oldestPending = Infinity;
    for (const m of this.pending) oldestPending = Math.min(oldestPending, m.sentAt);
    const start = lowerBound(this.list, Math.min(fromMs - this.longestSpanMs, oldestPending), sentAt);
    const out: SpaceTimeMessage[] = [];
    for (let i = start; i < end; i++) {
      const m = this.list[i]!;
      if (endOf(m, nowMs) >= fromMs) out.push(m);
    }
    return out;
  }

  /** The marks at [fromMs, toMs], in time order. */
  marksIn(fromMs: number, toMs: number): readonly SpaceTimeMark[] {
    return this.markList.slice(lowerBound(this.markList, fromMs, markAt), upperBound(this.markList, toMs, markAt));
  }

  /**
   * Keeps the run up to virtual time `ms` and forgets what came after (a fork:
   * the run continues from that moment in a new cluster, which goes on with
   * the same message ids). `inFlight` holds the ids the new cluster has in
   * flight, which settles what happened at `ms` itself: a message sent or
   * received then is kept, or in flight again, as the new cluster says.
   */
  keepUntil(ms: number, inFlight: ReadonlySet<number>): void {
    let end = this.list.length;
    while (end > 0 && this.list[end - 1]!.sentAt >= ms) {
      const m = this.list[end - 1]!;
      if (m.sentAt === ms && (inFlight.has(m.id) || endOf(m, Infinity) === ms)) break;
      end -= 1;
    }
    for (const m of this.list.splice(end)) this.byId.delete(m.id);
    this.pending.clear();
    for (const m of this.list) {
      const fateAt = m.deliveredAt ?? m.droppedAt;
      if (fateAt === null || fateAt > ms || (fateAt === ms && inFlight.has(m.id))) {
        m.deliveredAt = null;
        m.droppedAt = null;
        m.dropped = false;
        m.dropReason = null;
        this.pending.add(m);
      }
    }
    this.markList.splice(upperBound(this.markList, ms, markAt));
    this.latestMs = Math.min(this.latestMs, ms);
    this.version += 1;
  }

  /** Forgets everything (a new cluster). */
  clear(): void {
    this.list.length = 0;
    this.markList.length = 0;
    this.byId.clear();
    this.pending.clear();
    this.longestSpanMs = 0;
    this.latestMs = 0;
    this.version += 1;
  }

  private mark(at: number, node: NodeId, kind: SpaceTimeMarkKind, label: string, description: string): void {
    this.markList.push({ id: this.nextMarkId++, at, node, kind, label, description });
    // Forget a tenth at a time, so a full record does not shift its array on every event.
    if (this.markList.length > this.markLimit) this.markList.splice(0, Math.ceil(this.markLimit / 10));
  }

  private forgetMessages(): void {
    const gone = this.list.splice(0, Math.ceil(this.messageLimit / 10));
    for (const m of gone) {
      this.byId.delete(m.id);
      this.pending.delete(m);
    }
  }
}
