/**
 * etcd-io/raft's TLA+ trace log (NDJSON written through `Config.TraceLogger`,
 * build tag `with_tla`): one line per state change or message,
 *
 *     {"tag":"trace","ts":1733150101123456,"event":{"name":"SendAppendEntriesRequest","nid":"1",
 *       "state":{"term":2,"vote":"1","commit":3},"role":"StateLeader","log":4,"conf":[["1","2","3"],[]],
 *       "msg":{"type":"MsgApp","term":2,"from":"1","to":"2","entries":1,"logTerm":2,"index":3,"commit":3,"vote":"0","reject":false,"rejectHint":0}}}
 *
 * The trace gives a log's length, not its entries, and a message's entry
 * count, not the entries: this adapter keeps a mirror of each node's log
 * terms — a leader's new entries carry its term (Leader Append-Only, §5.3),
 * a follower's come from the AppendEntries it accepted (Figure 2, receiver
 * rules 3–4) — and checks the mirror against every line's `log`. Commands
 * are not in the trace: entries show as their index and term only.
 */
import * as v from 'valibot';
import { convert, parseJsonLine, type Converted, type LineConverter } from '../adapter';
import { describeIssues, TraceEventSchema, type LocatedEvent, type TraceEntry, type TraceMessage, type TraceRole } from '../format';

const Id = v.union([v.string(), v.pipe(v.number(), v.integer(), v.minValue(0))]);
const Num = v.pipe(v.number(), v.integer(), v.minValue(0));

const EtcdMessage = v.looseObject({
  type: v.string(),
  term: v.optional(Num),
  from: v.optional(Id),
  to: v.optional(Id),
  entries: v.optional(Num),
  logTerm: v.optional(Num),
  index: v.optional(Num),
  commit: v.optional(Num),
  vote: v.optional(Id),
  reject: v.optional(v.boolean()),
  rejectHint: v.optional(Num),
});
type EtcdMessage = v.InferOutput<typeof EtcdMessage>;

const EtcdEvent = v.looseObject({
  name: v.string(),
  nid: Id,
  state: v.optional(v.looseObject({ term: v.optional(Num), vote: v.optional(Id), commit: v.optional(Num) })),
  role: v.optional(v.string()),
  log: v.optional(Num),
  conf: v.optional(v.array(v.nullable(v.array(Id)))),
  msg: v.optional(EtcdMessage),
});
type EtcdEvent = v.InferOutput<typeof EtcdEvent>;

const EtcdLine = v.looseObject({ tag: v.optional(v.string()), ts: v.optional(v.number()), event: v.optional(EtcdEvent) });

/** etcd's raftpb message types, as Raft Lab RPCs (heartbeats are AppendEntries, as in the TLA+ spec). */
const RPC: Readonly<Record<string, TraceMessage['type']>> = {
  MsgApp: 'AppendEntries',
  MsgHeartbeat: 'AppendEntries',
  MsgAppResp: 'AppendEntriesReply',
  MsgHeartbeatResp: 'AppendEntriesReply',
  MsgVote: 'RequestVote',
  MsgVoteResp: 'RequestVoteReply',
  MsgPreVote: 'PreVote',
  MsgPreVoteResp: 'PreVoteReply',
  MsgSnap: 'InstallSnapshot',
  MsgTimeoutNow: 'TimeoutNow',
};

const ROLE: Readonly<Record<string, TraceRole>> = {
  StateFollower: 'follower',
  StatePreCandidate: 'follower',
  StateCandidate: 'candidate',
  StateLeader: 'leader',
};

/** What the adapter knows of one node. */
interface Mirror {
  term: number;
  vote: string;
  role: TraceRole;
  commit: number;
  /** terms[i - 1] is the term of entry i (entries before `base` are in a snapshot). */
  terms: number[];
  voters: string;
}

/** etcd vote 0 is "nobody". */
function idOf(id: string | number | undefined): string {
  return id === undefined ? '' : String(id);
}

/** ts to ms from the first line: etcd writes Unix time; its unit is read from its size. */
function unitToMs(ts: number): number {
  const a = Math.abs(ts);
  if (a >= 1e17) return 1e-6; // ns
  if (a >= 1e14) return 1e-3; // µs
  if (a >= 1e11) return 1; // ms
  return 1000; // s
}

export class EtcdConverter implements LineConverter {
  readonly meta = null;
  private readonly nodes = new Map<string, Mirror>();
  /** Entries of AppendEntries in flight, by "from>to", oldest first (to give a receive its entries). */
  private readonly inFlight = new Map<string, { index: number; entries: TraceEntry[] }[]>();
  private ts0: number | null = null;
  private scale = 1;
  private lastT = 0;

  line(text: string, line: number, out: (e: LocatedEvent) => void): string | null {
    const read = parseJsonLine(text);
    if (typeof read === 'string') return read;
    const json = read.json;
    const parsed = v.safeParse(EtcdLine, json);
    if (!parsed.success) return describeIssues(parsed.issues);
    const { tag, ts, event } = parsed.output;
    if (tag !== undefined && tag !== 'trace') return null; // another logger's line
    if (!event) return 'no "event" on a trace line';
    const t = this.time(ts);
    let bad: string | null = null;
    const emit = (e: Record<string, unknown>): void => {
      if (bad) return;
      const checked = v.safeParse(TraceEventSchema, { t, node: idOf(event.nid), ...e });
      if (!checked.success) bad = describeIssues(checked.issues);
      else out({ ...checked.output, line });
    };
    this.step(event, emit);
    return bad;
  }

  end(): void {}

  private time(ts: number | undefined): number {
    if (ts === undefined) return this.lastT;
    if (this.ts0 === null) {
      this.ts0 = ts;
      this.scale = unitToMs(ts);
    }
    // Lines from one process are in order; a clock step back keeps file order.
    this.lastT = Math.max(this.lastT, (ts - this.ts0) * this.scale);
    return this.lastT;
  }

  private mirror(nid: string): Mirror {
    let m = this.nodes.get(nid);
    if (!m) {
      m = { term: 0, vote: '', role: 'follower', commit: 0, terms: [], voters: '' };
      this.nodes.set(nid, m);
    }
    return m;
  }

  private step(e: EtcdEvent, emit: (e: Record<string, unknown>) => void): void {
    const nid = idOf(e.nid);
    const m = this.mirror(nid);
    const msg = e.msg;
    const rpc = msg ? RPC[msg.type] : undefined;
    const sending = e.name.startsWith('Send');
    const receiving = e.name.startsWith('Receive');
    // A line's state is the node's as the event happens (a receive: as the
    // message arrives, before it is handled); then the message, then what
    // the node did with it, where the trace leaves that to be inferred.
    this.sync(e, m, emit);
    if (sending && msg && rpc) this.send(nid, m, msg, rpc, emit);
    if (receiving && msg && rpc) this.receive(nid, m, msg, rpc, emit);
  }

  /** Brings the mirror to the line's state: term, vote, role, log length, commit, configuration. */
  private sync(e: EtcdEvent, m: Mirror, emit: (e: Record<string, unknown>) => void): void {
    const state: Record<string, unknown> = {};
    const s = e.state;
    if (s?.term !== undefined && s.term !== m.term) {
      m.term = s.term;
      state.term = s.term;
      if (s.vote === undefined && m.vote !== '') {
        m.vote = '';
        state.vote = null;
      }
    }
    if (s?.vote !== undefined) {
      const vote = idOf(s.vote) === '0' ? '' : idOf(s.vote);
      if (vote !== m.vote) {
        m.vote = vote;
        state.vote = vote === '' ? null : vote;
      }
    }
    const role = e.role !== undefined ? ROLE[e.role] : undefined;
    if (role && role !== m.role) {
      m.role = role;
      state.role = role;
    }
    const conf = e.conf?.[0];
    if (conf) {
      const voters = conf.map(idOf);
      const key = voters.join(',');
      if (key !== m.voters) {
        m.voters = key;
        state.voters = voters;
      }
    }
    if (Object.keys(state).length > 0) emit({ kind: 'state', ...state, ...(e.name ? { reason: `etcd ${e.name}` } : {}) });
    if (e.log !== undefined && e.log !== m.terms.length) {
      if (e.log < m.terms.length) {
        m.terms.length = e.log;
        emit({ kind: 'truncate', from: e.log + 1 });
      } else {
        // New entries nothing explained: a leader's own (its term, §5.3) or, for a follower, of the term it is in.
        const from = m.terms.length + 1;
        const entries: TraceEntry[] = [];
        for (let i = from; i <= e.log; i++) entries.push({ term: m.term, command: '' });
        for (const entry of entries) m.terms.push(entry.term);
        emit({ kind: 'append', index: from, entries });
      }
    }
    if (s?.commit !== undefined && s.commit !== m.commit) {
      m.commit = s.commit;
      emit({ kind: 'commit', commitIndex: s.commit });
    }
  }

  private send(nid: string, m: Mirror, msg: EtcdMessage, rpc: TraceMessage['type'], emit: (e: Record<string, unknown>) => void): void {
    const to = idOf(msg.to);
    const out = this.message(m, msg, rpc, null);
    if (rpc === 'AppendEntries' && msg.type === 'MsgApp') {
      const key = `${nid}>${to}`;
      let queue = this.inFlight.get(key);
      if (!queue) this.inFlight.set(key, (queue = []));
      queue.push({ index: msg.index ?? 0, entries: out.entries as TraceEntry[] });
      if (queue.length > 10_000) queue.shift(); // lost messages never claimed
    }
    if (msg.type === 'MsgVoteResp') {
      // Figure 2 RequestVote receiver: the answer is the vote.
      emit({ kind: 'vote', term: msg.term ?? m.term, candidate: to, granted: msg.reject !== true });
    }
    emit({ kind: 'send', to, msg: out });
  }

  private receive(nid: string, m: Mirror, msg: EtcdMessage, rpc: TraceMessage['type'], emit: (e: Record<string, unknown>) => void): void {
    const from = idOf(msg.from);
    let entries: TraceEntry[] | null = null;
    if (rpc === 'AppendEntries' && msg.type === 'MsgApp') {
      const queue = this.inFlight.get(`${from}>${nid}`) ?? [];
      const at = queue.findIndex((q) => q.index === (msg.index ?? 0) && q.entries.length === (msg.entries ?? 0));
      if (at >= 0) entries = queue.splice(at, 1)[0]!.entries;
    }
    const out = this.message(this.mirror(from), msg, rpc, entries);
    emit({ kind: 'receive', from, msg: out });
    if (msg.type === 'MsgApp' && (msg.term ?? 0) >= m.term) {
      // Figure 2 AppendEntries receiver, rules 2–4: accept if the log holds
      // prevLogIndex with prevLogTerm; keep matching entries, replace from a conflict.
      const prev = msg.index ?? 0;
      const prevTerm = msg.logTerm ?? 0;
      const list = out.entries as TraceEntry[];
      const matches = prev === 0 || m.terms[prev - 1] === prevTerm;
      if (matches && list.length > 0) {
        let i = 0;
        while (i < list.length && m.terms[prev + i] === list[i]!.term) i++;
        if (i < list.length) {
          m.terms.length = prev + i;
          for (const entry of list.slice(i)) m.terms.push(entry.term);
          emit({ kind: 'append', index: prev + i + 1, entries: list.slice(i) });
        }
      }
    }
    if (msg.type === 'MsgSnap' && msg.index !== undefined && msg.index > 0) {
      emit({ kind: 'snapshot', index: msg.index, term: msg.logTerm ?? 0, how: 'installed' });
      m.terms = Array.from({ length: msg.index }, (_, i) => (i === msg.index! - 1 ? (msg.logTerm ?? 0) : 0));
    }
  }

  /** The RPC as Raft Lab names its fields. */
  private message(sender: Mirror, msg: EtcdMessage, rpc: TraceMessage['type'], entries: TraceEntry[] | null): Record<string, unknown> {
    const term = msg.term ?? 0;
    switch (rpc) {
      case 'AppendEntries': {
        if (msg.type === 'MsgHeartbeat') return { type: rpc, term, entries: [], leaderCommit: msg.commit ?? 0 };
        const prev = msg.index ?? 0;
        const count = msg.entries ?? 0;
        // The sender's entries after prevLogIndex (its mirror, as it sends); unknown ones of the message's term.
        const list =
          entries ?? Array.from({ length: count }, (_, i): TraceEntry => ({ term: sender.terms[prev + i] ?? term, command: '' }));
        return { type: rpc, term, prevLogIndex: prev, prevLogTerm: msg.logTerm ?? 0, entries: list, leaderCommit: msg.commit ?? 0 };
      }
      case 'AppendEntriesReply':
        if (msg.type === 'MsgHeartbeatResp') return { type: rpc, term, success: true };
        return msg.reject
          ? { type: rpc, term, success: false, conflictIndex: msg.rejectHint ?? 0 }
          : { type: rpc, term, success: true, matchIndex: msg.index ?? 0 };
      case 'RequestVote':
      case 'PreVote':
        return { type: rpc, term, lastLogIndex: msg.index ?? 0, lastLogTerm: msg.logTerm ?? 0 };
      case 'RequestVoteReply':
      case 'PreVoteReply':
        return { type: rpc, term, voteGranted: msg.reject !== true };
      case 'InstallSnapshot':
        return { type: rpc, term, lastIncludedIndex: msg.index ?? 0, lastIncludedTerm: msg.logTerm ?? 0 };
      default:
        return { type: rpc, term };
    }
  }
}

/** An etcd-io/raft TLA+ trace's text as events (pure). */
export function etcdToTrace(text: string): Converted {
  return convert(new EtcdConverter(), text);
}
