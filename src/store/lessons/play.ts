/**
 * Playing a lesson's steps on a cluster: the one code path used by the
 * lesson player (src/store/lessonSlice.ts) and by the headless tests, so the
 * outcomes the tests check are the ones a student sees.
 */
import type { Cluster, NodeView } from '../../sim';
import type { LessonAction, LessonCondition, LessonStep, NodeRef } from './types';

/** Every entry's command in the node's log, the snapshot's applied state standing in for its prefix. */
function commandsOf(v: NodeView): string[] {
  return v.log.map((e) => e.command);
}

/** The live leader with the highest term, or null. */
export function liveLeaderOf(cluster: Cluster): NodeView | null {
  let best: NodeView | null = null;
  for (const id of cluster.ids) {
    const v = cluster.node(id);
    if (v.alive && v.role === 'leader' && (best === null || v.term > best.term)) best = v;
  }
  return best;
}

function resolve(cluster: Cluster, ref: NodeRef): number {
  if (ref !== 'leader') return ref;
  const leader = liveLeaderOf(cluster);
  if (!leader) throw new Error('the lesson needs a leader here, and there is none');
  return leader.id;
}

/** Does `c` hold of the cluster now? */
export function holds(cluster: Cluster, c: LessonCondition): boolean {
  const view = (id: number) => cluster.node(id);
  switch (c.kind) {
    case 'leader':
      return cluster.ids.some((id) => {
        const v = view(id);
        return (
          v.alive &&
          v.role === 'leader' &&
          (c.id === undefined || v.id === c.id) &&
          (c.term === undefined || v.term >= c.term) &&
          (c.among === undefined || c.among.includes(v.id))
        );
      });
    case 'noLeader':
      return cluster.ids.every((id) => !view(id).alive || view(id).role !== 'leader');
    case 'candidates':
      return cluster.ids.filter((id) => view(id).alive && view(id).role === 'candidate').length >= c.count;
    case 'role':
      return view(c.id).alive && view(c.id).role === c.role;
    case 'alive':
      return view(c.id).alive === c.alive;
    case 'term':
      return c.exact ? view(c.id).term === c.term : view(c.id).term >= c.term;
    case 'commit':
      return c.ids.every((id) => (c.exact ? view(id).commitIndex === c.index : view(id).commitIndex >= c.index));
    case 'hasCommand':
      return c.ids.every((id) => {
        const v = view(id);
        const has = commandsOf(v).includes(c.command) || v.kv[c.command.split('=')[0] ?? ''] === c.command.split('=')[1];
        return has === (c.present ?? true);
      });
    case 'lastIndex':
      return c.ids.every((id) => view(id).snapshotIndex + view(id).log.length === c.index);
    case 'applied':
      return c.ids.every((id) => view(id).kv[c.key] === c.value);
    case 'snapshot':
      return c.ids.every((id) => view(id).snapshotIndex >= c.index);
    case 'matchIndex': {
      const v = view(c.leader);
      return v.alive && v.role === 'leader' && (v.matchIndex?.[c.follower] ?? 0) >= c.index;
    }
    case 'all':
      return c.of.every((x) => holds(cluster, x));
  }
}

/** Applies one action; a run-until that does not hold in time throws, naming it. */
export async function applyLessonAction(cluster: Cluster, a: LessonAction): Promise<void> {
  switch (a.kind) {
    case 'timeout':
      return cluster.timeout(resolve(cluster, a.id));
    case 'crash':
      return cluster.crash(resolve(cluster, a.id));
    case 'restart':
      return cluster.restart(resolve(cluster, a.id));
    case 'disconnect':
      return cluster.disconnect(resolve(cluster, a.id));
    case 'connect':
      return cluster.connect(resolve(cluster, a.id));
    case 'start':
      await cluster.start(resolve(cluster, a.id), a.command);
      return;
    case 'partition':
      return cluster.partition(a.groups.map((g) => [...g]));
    case 'heal':
      return cluster.heal();
    case 'alignTimers':
      return cluster.alignTimers();
    case 'spreadTimers':
      return cluster.spreadTimers();
    case 'setNetwork':
      return cluster.setNetwork(a.opts);
    case 'run':
      return cluster.runFor(a.ms);
    case 'runUntil': {
      const held = await cluster.runUntil(() => holds(cluster, a.until), a.maxMs);
      if (!held) throw new Error(`the lesson waited ${a.maxMs} virtual ms for ${JSON.stringify(a.until)} in vain`);
      return;
    }
  }
}

/** Takes the cluster from the previous step's moment to this step's. */
export async function playStep(cluster: Cluster, step: LessonStep): Promise<void> {
  for (const a of step.actions) await applyLessonAction(cluster, a);
}

/** The step's expected outcomes that do not hold now (empty: all hold). */
export function unmetOutcomes(cluster: Cluster, expect: readonly LessonCondition[]): LessonCondition[] {
  return expect.filter((c) => !holds(cluster, c));
}

/** The step's caption and expected outcome for a run made with these bug switches on. */
export function stepWith(step: LessonStep, faults: readonly string[]): { caption: string; expect: readonly LessonCondition[] } {
  const alt = step.withFault?.find((f) => faults.includes(f.fault));
  return { caption: alt?.caption ?? step.caption, expect: alt?.expect ?? step.expect };
}
