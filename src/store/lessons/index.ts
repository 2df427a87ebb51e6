/** The built-in guided lessons, in teaching order. */
import { backtrackingLesson } from './backtracking';
import { crashLesson } from './crash';
import { electionLesson } from './election';
import { figure8Lesson } from './figure8';
import { isolatedLeaderCheckQuorumLesson, isolatedLeaderLesson } from './isolatedLeader';
import { partitionLesson } from './partition';
import { recoveryLesson } from './recovery';
import { rejoinLesson, rejoinPreVoteLesson } from './rejoin';
import { replicationLesson } from './replication';
import { snapshotsLesson } from './snapshots';
import type { Lesson } from './types';

export const LESSONS: readonly Lesson[] = [
  electionLesson,
  replicationLesson,
  crashLesson,
  partitionLesson,
  backtrackingLesson,
  figure8Lesson,
  recoveryLesson,
  snapshotsLesson,
  // Beyond Figure 2 (issue 13): each scenario without and with the extension that fixes it.
  rejoinLesson,
  rejoinPreVoteLesson,
  isolatedLeaderLesson,
  isolatedLeaderCheckQuorumLesson,
];

/** The lesson of this id, or null. */
export function lessonById(id: string): Lesson | null {
  return LESSONS.find((l) => l.id === id) ?? null;
}

export * from './types';
export { holds, liveLeaderOf, playStep, stepWith, unmetOutcomes, applyLessonAction } from './play';
