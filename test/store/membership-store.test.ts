/**
 * The store with ids that are not 1..n (issue 13): after Remove node and
 * Add node, selection, the command's target, the link matrix, the history
 * and the space-time lanes follow `cluster.ids`, never the position in the
 * array.
 */
import { describe, expect, it } from 'vitest';
import { createLab, explainSelection, nodeById, type Lab } from '../../src/store';

async function run(lab: Lab, until: () => boolean, maxMs = 5000): Promise<void> {
  for (let t = 0; t < maxMs && !until(); t += 50) await lab.store.getState().advance(50);
  expect(until()).toBe(true);
}

const leaderOf = (lab: Lab) => lab.store.getState().nodes.find((n) => n.alive && n.role === 'leader')?.id;

describe('ids that change (Add node, Remove node)', () => {
  it('remove one, add one: nodes, links and selection are by id', async () => {
    const lab = createLab({ nodes: 3, seed: 1, playing: false, clock: 'manual' });
    await run(lab, () => leaderOf(lab) !== undefined);
    const victim = leaderOf(lab) === 2 ? 3 : 2;
    expect(await lab.store.getState().removeNode(victim)).toBe(true);
    await run(lab, () => !lab.store.getState().ids.includes(victim));
    await run(lab, () => leaderOf(lab) !== undefined); // still led (or led again)
    expect(await lab.store.getState().addNode()).toBe(4);
    const s = lab.store.getState();
    const rest = [1, 2, 3].filter((id) => id !== victim);
    expect(s.ids).toEqual([...rest, 4]);
    expect(s.nodes.map((n) => n.id)).toEqual([...rest, 4]);
    expect(nodeById(s.nodes, 4)?.id).toBe(4);
    expect(nodeById(s.nodes, victim)).toBeUndefined();
    // Node 4 sits at index 2 of the array, yet is selected and sent to by its id.
    s.selectNode(4);
    expect(lab.store.getState().selectedNode).toBe(4);
    s.selectNode(victim);
    expect(lab.store.getState().selectedNode).toBe(4);
    s.setCommandTarget(4);
    expect(lab.store.getState().commandTarget).toBe(4);
    s.setCommandTarget(victim);
    expect(lab.store.getState().notices.command?.text).toBe(
      `There is no node ${victim} to send to: choose the newest leader or one of nodes ${[...rest, 4].join(', ')}.`,
    );
    // The links by id, up to the highest; the removed node's row is all down except itself.
    const links = lab.store.getState().links;
    expect(links).toHaveLength(5);
    expect(links[rest[0]!]![4]).toBe(true);
    expect(links[victim]![rest[0]!]).toBe(false);
    // The diagram keeps a lane for every node the cluster has had.
    expect(lab.store.getState().everIds).toEqual([1, 2, 3, 4]);
    await lab.store.getState().cluster.destroy();
  });

  it('a removed node is deselected, and a command aimed at it goes back to the leader', async () => {
    const lab = createLab({ nodes: 3, seed: 1, playing: false, clock: 'manual' });
    await run(lab, () => leaderOf(lab) !== undefined);
    const victim = leaderOf(lab) === 2 ? 3 : 2;
    lab.store.getState().selectNode(victim);
    lab.store.getState().setCommandTarget(victim);
    await lab.store.getState().removeNode(victim);
    await run(lab, () => !lab.store.getState().ids.includes(victim));
    expect(lab.store.getState().selectedNode).toBeNull();
    expect(lab.store.getState().commandTarget).toBe('leader');
    await lab.store.getState().cluster.destroy();
  });

  it('the timeline shows the nodes of then: before Add node, three; live again, four', async () => {
    const lab = createLab({ nodes: 3, seed: 1, playing: false, clock: 'manual' });
    await run(lab, () => leaderOf(lab) !== undefined);
    const before = lab.store.getState().historySize;
    await lab.store.getState().addNode();
    await run(lab, () => lab.store.getState().historySize > before + 5);
    expect(lab.store.getState().ids).toEqual([1, 2, 3, 4]);
    // A moment "after N events" holds the actions taken before event N + 1: the add is in the moment after before − 1.
    await lab.store.getState().reviewAt(before - 2);
    expect(lab.store.getState().ids).toEqual([1, 2, 3]);
    expect(lab.store.getState().nodes).toHaveLength(3);
    lab.store.getState().leaveReview();
    expect(lab.store.getState().ids).toEqual([1, 2, 3, 4]);
    await lab.store.getState().cluster.destroy();
  });

  it('the space-time diagram marks each configuration (⚙, ⚙✓) and a transfer (→N); the Why panel explains them (thesis §4.1, §3.10)', async () => {
    const lab = createLab({ nodes: 3, seed: 1, playing: false, clock: 'manual' });
    await run(lab, () => leaderOf(lab) !== undefined);
    const leader = leaderOf(lab)!;
    await lab.store.getState().addNode();
    await run(lab, () => lab.store.getState().nodes.every((n) => n.config.voters.includes(4)));
    const marks = lab.store.getState().spaceTime().marks;
    const leaderConfig = marks.filter((m) => m.kind === 'config' && m.node === leader);
    expect(leaderConfig.map((m) => m.label)).toEqual(['⚙', '⚙✓', '⚙', '⚙✓']);
    lab.store.getState().selectMark(leaderConfig[1]!.id);
    const why = explainSelection(lab.store.getState())!;
    expect(why.lines.map((l) => l.section)).toContain('thesis §4.1');
    expect(why.lines.find((l) => l.section === 'thesis §4.1')!.text).toMatch(/^configuration committed/);
    const to = leader === 1 ? 2 : 1;
    expect(await lab.store.getState().transferLeadership(leader, to)).toBe(true);
    const transfer = lab.store
      .getState()
      .spaceTime()
      .marks.find((m) => m.kind === 'transfer');
    expect(transfer).toMatchObject({ node: leader, label: `→${to}` });
    await lab.store.getState().cluster.destroy();
  });

  it('a shared link carries PreVote, CheckQuorum and the membership changes: opened elsewhere, the same nodes and configuration', async () => {
    const source = createLab({ nodes: 3, seed: 5, playing: false, clock: 'manual', preVote: true, checkQuorum: true });
    await run(source, () => leaderOf(source) !== undefined);
    await source.store.getState().addNode();
    await run(source, () => source.store.getState().nodes.every((n) => n.config.voters.includes(4)));
    const leader = leaderOf(source)!;
    await source.store.getState().removeNode(leader === 2 ? 3 : 2);
    await run(source, () => source.store.getState().ids.length === 3);
    const url = (await source.store.getState().shareLink())!;
    const opened = createLab({ nodes: 5, seed: 1, playing: false, clock: 'manual' });
    expect(await opened.store.getState().openRunLink(url.slice(url.indexOf('#')))).toBe(true);
    const a = source.store.getState();
    const b = opened.store.getState();
    expect(b.cluster.creationOptions()).toMatchObject({ nodes: 3, preVote: true, checkQuorum: true });
    expect(b.config).toMatchObject({ preVote: true, checkQuorum: true });
    expect(b.ids).toEqual(a.ids);
    expect(b.nodes.map((n) => n.config)).toEqual(a.nodes.map((n) => n.config));
    expect(b.nodes.map((n) => n.log)).toEqual(a.nodes.map((n) => n.log));
    await source.store.getState().cluster.destroy();
    await opened.store.getState().cluster.destroy();
  });

  it('a transfer from a follower is refused with a notice, and nothing is recorded (thesis §3.10)', async () => {
    const lab = createLab({ nodes: 3, seed: 1, playing: false, clock: 'manual' });
    await run(lab, () => leaderOf(lab) !== undefined);
    const follower = leaderOf(lab) === 1 ? 2 : 1;
    expect(await lab.store.getState().transferLeadership(follower, 3)).toBe(false);
    expect(lab.store.getState().notices.transfer?.text).toBe(
      `Could not transfer leadership: node ${follower} is not a live leader. Nothing was changed.`,
    );
    expect(
      lab.store
        .getState()
        .cluster.actions()
        .some((a) => a.kind === 'transferLeadership'),
    ).toBe(false);
    await lab.store.getState().cluster.destroy();
  });
});
