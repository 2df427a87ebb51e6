/**
 * A student's lab (MIT 6.5840 and the like): one `DPrintf` line per event,
 * `RL` then key=value pairs (docs/trace-format.md, "Student format"):
 *
 *     RL node=2 ev=recv from=1 type=AppendEntries term=3 prev=4 prevTerm=2 n=1 commit=4
 *
 * Anything before `RL` is tolerated: the common habit of a time prefix in
 * ms and a topic word (`008256 VOTE S0 ... RL ...`), or Go's log date and
 * time (`2026/12/02 14:55:01.123456 RL ...`). Lines without `RL` are the
 * student's other prints, skipped.
 */
import * as v from 'valibot';
import { convert, type Converted, type LineConverter } from '../adapter';
import { describeIssues, TraceEventSchema, type LocatedEvent, type TraceMessage } from '../format';

const MARKER = /(?:^|\s)RL(?=\s)/;

/** `type=` spellings a student may print, as Raft Lab message types. */
const TYPES: Readonly<Record<string, TraceMessage['type']>> = {
  appendentries: 'AppendEntries',
  appendentriesargs: 'AppendEntries',
  ae: 'AppendEntries',
  heartbeat: 'AppendEntries',
  appendentriesreply: 'AppendEntriesReply',
  appendentriesresp: 'AppendEntriesReply',
  aereply: 'AppendEntriesReply',
  requestvote: 'RequestVote',
  requestvoteargs: 'RequestVote',
  rv: 'RequestVote',
  requestvotereply: 'RequestVoteReply',
  requestvoteresp: 'RequestVoteReply',
  rvreply: 'RequestVoteReply',
  installsnapshot: 'InstallSnapshot',
  installsnapshotargs: 'InstallSnapshot',
  installsnapshotreply: 'InstallSnapshotReply',
  prevote: 'PreVote',
  prevotereply: 'PreVoteReply',
  timeoutnow: 'TimeoutNow',
};

const KINDS: Readonly<Record<string, string>> = {
  state: 'state',
  send: 'send',
  recv: 'receive',
  receive: 'receive',
  vote: 'vote',
  append: 'append',
  truncate: 'truncate',
  commit: 'commit',
  apply: 'apply',
  crash: 'crash',
  restart: 'restart',
  snapshot: 'snapshot',
  drop: 'drop',
};

/** key=value pairs; a value is a bare word or a Go %q string. */
export function parsePairs(text: string): Map<string, string> | string {
  const pairs = new Map<string, string>();
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && text[i] === ' ') i++;
    if (i >= n) break;
    const eq = text.indexOf('=', i);
    const space = text.indexOf(' ', i);
    if (eq < 0 || (space >= 0 && space < eq)) return `expected key=value at "${text.slice(i, i + 20)}"`;
    const key = text.slice(i, eq);
    i = eq + 1;
    let value: string;
    if (text[i] === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= n) return `unterminated quoted value for ${key}`;
      const quoted = text.slice(i, j + 1);
      try {
        value = JSON.parse(quoted) as string;
      } catch {
        value = quoted.slice(1, -1); // a Go escape JSON does not know (\x..): keep it as written
      }
      i = j + 1;
    } else {
      const end = text.indexOf(' ', i);
      value = text.slice(i, end < 0 ? n : end);
      i = end < 0 ? n : end;
    }
    if (pairs.has(key)) return `key ${key} given twice`;
    pairs.set(key, value);
  }
  return pairs;
}

/** The time in a prefix: a leading number of ms, or Go's log time of day (date optional). */
function prefixTime(prefix: string): number | null {
  const words = prefix.trim().split(/\s+/);
  const first = words[0] ?? '';
  if (/^\d+(\.\d+)?$/.test(first)) return Number(first);
  for (const w of words.slice(0, 2)) {
    const m = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/.exec(w);
    if (m) {
      const frac = m[4] ? Number(`0.${m[4]}`) : 0;
      return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3]) + frac) * 1000;
    }
  }
  return null;
}

function int(value: string | undefined, key: string): number | undefined | string {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) return `${key}=${value} is not a whole number`;
  return Number(value);
}

function bool(value: string | undefined, key: string): boolean | undefined | string {
  if (value === undefined) return undefined;
  const v = value.toLowerCase();
  if (v === 'true' || v === '1' || v === 'yes') return true;
  if (v === 'false' || v === '0' || v === 'no') return false;
  return `${key}=${value} is not true or false`;
}

export class StudentConverter implements LineConverter {
  readonly meta = null;
  private t0: number | null = null;
  private lastT = 0;

  line(text: string, line: number, out: (e: LocatedEvent) => void): string | null {
    const m = MARKER.exec(text);
    if (!m) return null; // the student's other prints
    const at = m.index + m[0].length;
    const pairs = parsePairs(text.slice(at));
    if (typeof pairs === 'string') return pairs;
    const event = this.build(pairs, prefixTime(text.slice(0, m.index)));
    if (typeof event === 'string') return event;
    const parsed = v.safeParse(TraceEventSchema, event);
    if (!parsed.success) return describeIssues(parsed.issues);
    out({ ...parsed.output, line });
    return null;
  }

  end(): void {}

  private time(pairs: Map<string, string>, prefix: number | null): number | string {
    const given = pairs.get('t');
    let t: number | null = prefix;
    if (given !== undefined) {
      if (!/^\d+(\.\d+)?$/.test(given)) return `t=${given} is not a time in ms`;
      t = Number(given);
    }
    if (t === null) return this.lastT; // no clock on this line: same time as the last
    if (given !== undefined) {
      this.lastT = t; // t= is ms from the run's start, as it stands
      return t;
    }
    this.t0 ??= t; // a prefix clock starts wherever it starts
    this.lastT = Math.max(0, t - this.t0);
    return this.lastT;
  }

  private build(p: Map<string, string>, prefix: number | null): Record<string, unknown> | string {
    const node = p.get('node') ?? p.get('me') ?? p.get('S');
    if (node === undefined) return 'missing node=';
    const ev = p.get('ev');
    if (ev === undefined) return 'missing ev=';
    const kind = KINDS[ev.toLowerCase()];
    if (!kind) return `ev=${ev} is not one of ${Object.keys(KINDS).join(', ')}`;
    const t = this.time(p, prefix);
    if (typeof t === 'string') return t;
    const fields: Record<string, unknown> = { t, node: node, kind };
    const reason = p.get('why');
    if (reason !== undefined) fields.reason = reason;
    const nums = (...keys: [string, string][]): string | null => {
      for (const [key, field] of keys) {
        const n = int(p.get(key), key);
        if (typeof n === 'string') return n;
        if (n !== undefined) fields[field] = n;
      }
      return null;
    };
    switch (kind) {
      case 'state': {
        const bad = nums(['term', 'term'], ['commit', 'commitIndex'], ['last', 'lastIndex'], ['lastTerm', 'lastTerm']);
        if (bad) return bad;
        const vote = p.get('vote');
        if (vote !== undefined) fields.vote = vote === '-1' || vote.toLowerCase() === 'none' || vote === '' ? null : vote;
        const role = p.get('role');
        if (role !== undefined) fields.role = role.toLowerCase();
        return fields;
      }
      case 'send':
      case 'receive':
      case 'drop': {
        const peer = kind === 'send' ? 'to' : 'from';
        const other = p.get(peer);
        if (other === undefined) return `missing ${peer}=`;
        fields[peer] = other;
        if (kind === 'drop') {
          const to = p.get('to');
          if (to === undefined) return 'missing to=';
          fields.to = to;
        }
        const msg = this.message(p);
        if (typeof msg === 'string') return msg;
        fields.msg = msg;
        return fields;
      }
      case 'vote': {
        const cand = p.get('cand') ?? p.get('candidate');
        if (cand === undefined) return 'missing cand=';
        fields.candidate = cand;
        const bad = nums(['term', 'term']);
        if (bad) return bad;
        const granted = bool(p.get('granted'), 'granted');
        if (typeof granted === 'string') return granted;
        fields.granted = granted;
        return fields;
      }
      case 'append': {
        const index = int(p.get('index'), 'index');
        const term = int(p.get('term'), 'term');
        if (typeof index === 'string') return index;
        if (typeof term === 'string') return term;
        if (index === undefined || term === undefined) return 'append needs index= and term=';
        return { ...fields, index, entries: [{ term, command: p.get('cmd') ?? '' }] };
      }
      case 'truncate': {
        const bad = nums(['from', 'from']);
        return bad ?? fields;
      }
      case 'commit': {
        const bad = nums(['commit', 'commitIndex'], ['index', 'commitIndex']);
        return bad ?? fields;
      }
      case 'apply': {
        const bad = nums(['index', 'index'], ['term', 'term']);
        if (bad) return bad;
        fields.command = p.get('cmd') ?? '';
        return fields;
      }
      case 'snapshot': {
        const bad = nums(['index', 'index'], ['term', 'term']);
        if (bad) return bad;
        const how = p.get('how');
        if (how !== undefined) fields.how = how;
        return fields;
      }
      default:
        return fields; // crash, restart
    }
  }

  private message(p: Map<string, string>): Record<string, unknown> | string {
    const type = p.get('type');
    if (type === undefined) return 'missing type=';
    const kind = TYPES[type.toLowerCase()];
    if (!kind)
      return `type=${type} is not an RPC Raft Lab knows (AppendEntries, RequestVote, InstallSnapshot, their Reply, PreVote, TimeoutNow)`;
    const msg: Record<string, unknown> = { type: kind };
    const keys: [string, string][] = [
      ['term', 'term'],
      ['prev', 'prevLogIndex'],
      ['prevTerm', 'prevLogTerm'],
      ['n', 'entries'],
      ['commit', 'leaderCommit'],
      ['lastIndex', 'lastLogIndex'],
      ['lastTerm', 'lastLogTerm'],
      ['match', 'matchIndex'],
      ['xIndex', 'conflictIndex'],
      ['xTerm', 'conflictTerm'],
      ['conflictIndex', 'conflictIndex'],
      ['conflictTerm', 'conflictTerm'],
      ['snapIndex', 'lastIncludedIndex'],
      ['snapTerm', 'lastIncludedTerm'],
    ];
    for (const [key, field] of keys) {
      const n = int(p.get(key), key);
      if (typeof n === 'string') return n;
      if (n !== undefined) msg[field] = n;
    }
    if (type.toLowerCase() === 'heartbeat') msg.entries = 0;
    for (const [key, field] of [
      ['granted', 'voteGranted'],
      ['success', 'success'],
    ] as const) {
      const b = bool(p.get(key), key);
      if (typeof b === 'string') return b;
      if (b !== undefined) msg[field] = b;
    }
    if (msg.term === undefined) return 'missing term= on the RPC';
    return msg;
  }
}

/** A student's log as events (pure). */
export function studentToTrace(text: string): Converted {
  return convert(new StudentConverter(), text);
}
