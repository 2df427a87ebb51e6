/**
 * The Why panel's one table of wordings: each reason code of the core
 * (src/raft/reasons.ts) — and the few explanations the lab derives from the
 * state rather than from an event — worded for a student, with the paper's
 * section. `describeWhy` is the node's own account used in the narration;
 * this table states the rule behind it.
 */
import { WHY_CODES, type Why, type WhyCode } from '../raft';

/** The event a reason was given for (the same code can explain a vote and a reject). */
export type WhyEventKind = 'timeout' | 'role' | 'term' | 'vote' | 'reject' | 'preCampaign' | 'preVote';

/** A rule worded for the Why panel: the sentence and where the paper states it. */
export interface WhyWording {
  /** Plain words, with the event's data ("vote denied: candidate's last log term 2 < mine 3"). */
  readonly text: string;
  /** The paper's section(s), e.g. "§5.4.1" or "§5.4.2, Figure 8". */
  readonly section: string;
}

type Of<C extends WhyCode> = Extract<Why, { code: C }>;
type Table = { readonly [C in WhyCode]: { readonly section: string; readonly word: (why: Of<C>, kind: WhyEventKind | null) => string } };

/** Every core reason code: its section and its wording. */
export const WHY_WORDING: Table = {
  'election-timeout': {
    section: '§5.2',
    word: () => 'election timer ran out with no word from a leader: it becomes a candidate, votes for itself and asks the others',
  },
  'told-to-time-out': {
    section: '§5.2',
    word: () => 'told to time out (a lab control): its election timer fired now, so it starts an election',
  },
  'saw-newer-term': {
    section: '§5.1',
    word: (w) => `saw term ${w.term} from node ${w.from}: a node that sees a newer term takes it and becomes a follower`,
  },
  'heard-from-leader': {
    section: '§5.2',
    word: (w) => `node ${w.leader} is the leader of term ${w.term}: a candidate that hears from the leader of its term steps down`,
  },
  'won-election': {
    section: '§5.2',
    word: (w) => `won the election: votes from ${w.voters.join(', ')}, a majority of the cluster`,
  },
  'stale-term': {
    section: '§5.1, Figure 2',
    word: (w, kind) =>
      `${kind === 'vote' ? 'vote denied' : kind === 'reject' ? 'AppendEntries rejected' : 'request refused'}: its term ${w.theirs} < mine ${w.ours}; a request from an older term is refused`,
  },
  'already-voted': {
    section: '§5.2',
    word: (w) => `vote denied: already voted for node ${w.votedFor} in term ${w.term}; one vote per term, first come first served`,
  },
  'log-more-up-to-date': {
    section: '§5.4.1',
    word: (w) =>
      w.candidateLastTerm !== w.lastTerm
        ? `vote denied: candidate's last log term ${w.candidateLastTerm} < mine ${w.lastTerm}`
        : `vote denied: candidate's last log term ${w.candidateLastTerm} equals mine, but its log is shorter (last index ${w.candidateLastIndex} < mine ${w.lastIndex})`,
  },
  'candidate-up-to-date': {
    section: '§5.4.1',
    word: () => "vote granted: the candidate's log is at least as up to date as mine, and I had not voted in this term",
  },
  'no-entry-at-prev': {
    section: '§5.3',
    word: (w) => `AppendEntries rejected: no entry at prevLogIndex ${w.prevLogIndex}; the leader will retry from an earlier index`,
  },
  'prev-term-mismatch': {
    section: '§5.3',
    word: (w) =>
      `AppendEntries rejected: the entry at prevLogIndex ${w.prevLogIndex} has term ${w.localTerm}, not ${w.prevLogTerm}; the leader backs up and the conflicting entries will be replaced`,
  },
  'won-pre-vote': {
    section: 'thesis §9.6',
    word: (w) =>
      `won the pre-vote: ${w.voters.join(', ')}, a majority, said they would vote for it, so only now does it raise its term and start a real election (PreVote keeps a node that cannot win from disrupting the cluster)`,
  },
  'leader-lease': {
    section: 'thesis §9.6, §4.2.3',
    word: (w, kind) =>
      `${kind === 'preVote' ? 'pre-vote' : 'vote'} ignored: it heard from leader ${w.leader} only ${w.sinceMs} ms ago, less than the shortest election timeout, so it believes that leader is alive and will not help unseat it (and keeps its term)`,
  },
  'check-quorum': {
    section: 'thesis §6.2',
    word: (w) =>
      `CheckQuorum: in a whole election timeout it heard from ${w.heard.length === 0 ? 'no follower' : `only ${w.heard.join(', ')}`}, fewer than the ${w.needed} servers of a majority, so it steps down rather than lead a minority`,
  },
  'timeout-now': {
    section: 'thesis §3.10',
    word: (w) =>
      `leadership transfer: leader ${w.from} caught it up and sent TimeoutNow, so it starts an election at once, without waiting for its timer`,
  },
  'removed-from-config': {
    section: 'thesis §4.2.2',
    word: (w) =>
      `removed from the configuration: entry ${w.index}, which takes it out, is committed, so this leader steps down (it led until then without counting itself in majorities)`,
  },
};

/** The rule behind a core reason, for the event kind it explains. */
export function wordWhy(why: Why, kind: WhyEventKind | null = null): WhyWording {
  const row = WHY_WORDING[why.code] as { section: string; word: (w: Why, k: WhyEventKind | null) => string };
  return { text: row.word(why, kind), section: row.section };
}

/** The core's codes, so a test can check that each has a wording. */
export const WORDED_CODES: readonly WhyCode[] = WHY_CODES;

/** Explanations derived from the state, not from a reason code of an event. */
export const STATE_WORDING = {
  /** §5.4.2: a leader does not commit an earlier term's entry by counting replicas. */
  earlierTermUncommitted: (index: number, term: number, currentTerm: number): WhyWording => ({
    text: `entry ${index} not committed yet: it is from an earlier term (${term} < ${currentTerm}); a leader commits it only once an entry of its own term is stored on a majority`,
    section: '§5.4.2, Figure 8',
  }),
  /** §5.3, §5.4.2: the commit rule. */
  committed: (commitIndex: number): WhyWording => ({
    text: `commitIndex ${commitIndex}: the leader committed it once an entry of its current term was stored on a majority; a follower learns it from the leader's commitIndex`,
    section: '§5.3, §5.4.2',
  }),
  /** §5.1: crash. */
  crashed: (): WhyWording => ({
    text: 'crashed: its volatile state (role, commitIndex, lastApplied) is gone; its term, vote and log stay on disk',
    section: '§5.1, Figure 2',
  }),
  /** Thesis §4.1: a configuration entry, in force once in the log, then committed. */
  configuration: (committed: boolean): WhyWording => ({
    text: committed
      ? 'configuration committed: a majority of the new configuration stores it, so the change is done and the leader may start another (one change at a time)'
      : 'configuration in force: a server uses the latest configuration in its log as soon as it is there, committed or not; single-server changes keep every old and new majority overlapping',
    section: 'thesis §4.1',
  }),
  /** Thesis §4.2.1: a learner (non-voting member) catching up. */
  learner: (): WhyWording => ({
    text: 'learner: a new server receives the log but does not vote and is not counted in majorities, so adding it cannot slow commits or elections while it catches up; the leader then makes it a voter',
    section: 'thesis §4.2.1',
  }),
  /** Thesis §9.6: a pre-candidate. */
  preCandidate: (term: number): WhyWording => ({
    text: `pre-candidate: its election timer fired and it asks whether it could win term ${term}, without raising its own term; only with a majority of yeses does it start a real election`,
    section: 'thesis §9.6',
  }),
  /** Thesis §3.10: a leader handing over. */
  transferring: (to: number): WhyWording => ({
    text: `handing leadership to node ${to}: it takes no new commands, catches node ${to} up, then tells it to time out now; if no election happens within an election timeout it gives up and leads on`,
    section: 'thesis §3.10',
  }),
  /** Figure 2: restart from disk. */
  restarted: (): WhyWording => ({
    text: 'restarted from disk as a follower with its persistent state (currentTerm, votedFor, log); it learns what is committed from a leader',
    section: 'Figure 2, §5.2',
  }),
} as const;
