/**
 * Resuming a node in a worker from a checkpoint ("Continue from here" on the
 * worker transport, issue 10): the schema of a running node's saved state
 * (its volatile state and PRNG, src/raft/resume.ts) and the persist ops that
 * write a saved disk onto a fresh one. Not part of Raft: a real server never
 * resumes volatile state (§5.1); the lab forks a run exactly.
 */
import * as v from 'valibot';
import type { PersistOp, PersistentState } from '../raft';
import type { InlineNodeSave } from '../sim';
import { ConfChangeSchema, deadlineSchema, indexSchema, kvDataSchema, nodeIdOrNoneSchema, nodeIdSchema, virtualTimeSchema } from './schema';

const seedStateSchema = v.custom<number>(
  (x) => Number.isInteger(x) && (x as number) >= 0 && (x as number) <= 0xffffffff,
  () => 'must be a PRNG state (a 32-bit unsigned integer)',
);

/** A leader's saved progress for one follower. */
const ProgressRecordSchema = v.strictObject({
  nextIndex: indexSchema,
  matchIndex: indexSchema,
  inflightAt: v.nullable(virtualTimeSchema),
  inflightEnd: indexSchema,
  snapshotInFlight: v.boolean(),
});

/** CoreVolatile (src/raft/resume.ts): lastApplied <= commitIndex; progress only on a leader, votes only on a candidate. */
export const CoreVolatileSchema = v.pipe(
  v.strictObject({
    role: v.picklist(['follower', 'candidate', 'leader']),
    commitIndex: indexSchema,
    lastApplied: indexSchema,
    leader: nodeIdOrNoneSchema,
    kv: kvDataSchema,
    electionDeadlineMs: deadlineSchema,
    electionTimeoutMs: virtualTimeSchema,
    heartbeatDeadlineMs: deadlineSchema,
    votes: v.array(nodeIdSchema),
    progress: v.array(v.strictTuple([nodeIdSchema, ProgressRecordSchema])),
    now: virtualTimeSchema,
    // The thesis's extensions (src/raft/resume.ts): optional, for checkpoints made before them.
    preCandidate: v.optional(v.boolean()),
    leaderContactAt: v.optional(v.nullable(virtualTimeSchema)),
    recentActive: v.optional(v.array(nodeIdSchema)),
    checkQuorumDeadlineMs: v.optional(deadlineSchema),
    transferee: v.optional(nodeIdOrNoneSchema),
    transferDeadlineMs: v.optional(deadlineSchema),
    pendingChange: v.optional(v.nullable(ConfChangeSchema)),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const s = dataset.value;
    if (s.lastApplied > s.commitIndex) addIssue({ message: `lastApplied ${s.lastApplied} is above commitIndex ${s.commitIndex}` });
    else if (s.role !== 'leader' && s.progress.length > 0) addIssue({ message: `only a leader keeps progress (role ${s.role})` });
    else if (s.role !== 'candidate' && s.preCandidate !== true && s.votes.length > 0)
      addIssue({ message: `only a candidate (or a pre-candidate) counts votes (role ${s.role})` });
  }),
);

/** A running node's saved state: its volatile state and its PRNG. */
export const RunningSaveSchema = v.strictObject({ volatile: CoreVolatileSchema, random: seedStateSchema });

/** What a resumed node runs with. */
export type RunningSave = InlineNodeSave;

/** The persist ops that write `state` onto an empty disk: the hard state, the snapshot, the entries after it. */
export function opsWriting(state: PersistentState): PersistOp[] {
  const ops: PersistOp[] = [{ kind: 'hardState', hardState: state.hardState }];
  if (state.snapshot) ops.push({ kind: 'snapshot', snapshot: state.snapshot, discardLog: true });
  const first = state.entries[0];
  if (first) ops.push({ kind: 'entries', fromIndex: first.index, entries: state.entries });
  return ops;
}
