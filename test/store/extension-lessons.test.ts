/**
 * The issue-13 lessons on the inline engine: a disruptive rejoin without and
 * with PreVote (thesis §9.6), an isolated leader without and with
 * CheckQuorum (thesis §6.2). Each pair is the same script; the switch alone
 * decides the outcome — so each lesson's script, run with the switch the
 * other way, misses its own lesson's outcome (the control).
 */
import { describe, expect, it } from 'vitest';
import { attachSafetyMonitor, createCluster, type Cluster, type ClusterOptions } from '../../src/sim';
import { lessonById, playStep, unmetOutcomes, type Lesson } from '../../src/store/lessons';

/** Plays `lesson`'s steps on a fresh inline cluster (options changed by `patch`); what each step left unmet. */
async function play(
  lesson: Lesson,
  patch: Partial<ClusterOptions> = {},
): Promise<{ cluster: Cluster; unmet: unknown[][]; violations: unknown[] }> {
  const cluster = createCluster({ ...lesson.options, ...patch, transport: 'inline' });
  const violations: unknown[] = [];
  attachSafetyMonitor(cluster, { onViolation: (v) => violations.push(v) });
  const unmet: unknown[][] = [];
  for (const step of lesson.steps) {
    await playStep(cluster, step).catch(() => undefined); // a runUntil that does not hold: its outcome is then unmet
    unmet.push(unmetOutcomes(cluster, step.expect));
  }
  return { cluster, unmet, violations };
}

const lesson = (id: string) => lessonById(id)!;

describe('disruptive rejoin (thesis §9.6)', () => {
  it('without PreVote: the cut-off node raised its term, and on rejoining unseated the healthy leader', async () => {
    const { cluster, unmet, violations } = await play(lesson('rejoin'));
    expect(unmet).toEqual(lesson('rejoin').steps.map(() => []));
    expect(cluster.node(3).term).toBeGreaterThanOrEqual(5);
    // The leader of term 1 lost its place: whoever leads now leads a much later term.
    const leader = cluster.ids.map((id) => cluster.node(id)).find((n) => n.role === 'leader');
    expect(leader?.term).toBeGreaterThanOrEqual(5);
    expect(violations).toEqual([]);
    await cluster.destroy();
  });

  it('with PreVote: its term stays 1, and node 1 leads term 1 throughout', async () => {
    const { cluster, unmet, violations } = await play(lesson('rejoin-prevote'));
    expect(unmet).toEqual(lesson('rejoin-prevote').steps.map(() => []));
    expect(cluster.ids.map((id) => cluster.node(id).term)).toEqual([1, 1, 1, 1, 1]);
    expect(cluster.node(1).role).toBe('leader');
    expect(cluster.trace().some((e) => e.kind === 'preCampaign' && e.node === 3)).toBe(true);
    expect(violations).toEqual([]);
    await cluster.destroy();
  });

  it('the control: the same scripts with the switch the other way miss their outcomes', async () => {
    const withPreVote = await play(lesson('rejoin'), { preVote: true });
    expect(withPreVote.unmet[1]!.length).toBeGreaterThan(0); // node 3's term did not rise
    expect(withPreVote.unmet[2]!.length).toBeGreaterThan(0); // the leader was not unseated
    const without = await play(lesson('rejoin-prevote'), { preVote: false });
    expect(without.unmet[1]!.length).toBeGreaterThan(0); // node 3's term rose
    expect(without.unmet[2]!.length).toBeGreaterThan(0);
    await withPreVote.cluster.destroy();
    await without.cluster.destroy();
  });
});

describe('isolated leader (thesis §6.2)', () => {
  it('without CheckQuorum: the cut-off leader still believes it leads term 1, a second after the majority elected another', async () => {
    const { cluster, unmet, violations } = await play(lesson('isolated-leader'));
    expect(unmet).toEqual(lesson('isolated-leader').steps.map(() => []));
    const leaders = cluster.ids.filter((id) => cluster.node(id).role === 'leader');
    expect(leaders).toContain(1);
    expect(leaders.length).toBe(2);
    expect(violations).toEqual([]);
    await cluster.destroy();
  });

  it('with CheckQuorum: it steps down by itself (reason check-quorum), and the majority elects one leader', async () => {
    const { cluster, unmet, violations } = await play(lesson('isolated-leader-checkquorum'));
    expect(unmet).toEqual(lesson('isolated-leader-checkquorum').steps.map(() => []));
    const stepDown = cluster.trace().find((e) => e.kind === 'role' && e.node === 1 && e.role === 'follower');
    expect(stepDown && 'why' in stepDown ? stepDown.why?.code : null).toBe('check-quorum');
    expect(cluster.ids.filter((id) => cluster.node(id).role === 'leader')).toHaveLength(1);
    expect(violations).toEqual([]);
    await cluster.destroy();
  });

  it('the control: the same scripts with the switch the other way miss their outcomes', async () => {
    const withCq = await play(lesson('isolated-leader'), { checkQuorum: true });
    expect(withCq.unmet[2]!.length).toBeGreaterThan(0); // node 1 no longer leads
    const without = await play(lesson('isolated-leader-checkquorum'), { checkQuorum: false });
    expect(without.unmet[1]!.length).toBeGreaterThan(0); // node 1 did not step down
    await withCq.cluster.destroy();
    await without.cluster.destroy();
  });
});
