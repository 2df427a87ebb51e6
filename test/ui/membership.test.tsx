// @vitest-environment jsdom
// The view of issue 13 on the inline engine: the PreVote and CheckQuorum
// switches (off by default, each explained with its thesis section, applied
// by Reset cluster and carried by the address), "Transfer leadership to" in
// the inspector (thesis §3.10), Add node and Remove node (thesis §4.1,
// §4.2.1) with the ring growing and shrinking, learners and pre-candidates
// drawn as such, and refusals shown as a notice with nothing changed.
import '@testing-library/jest-dom/vitest';
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createLab, membershipOf } from '../../src/store';
import { hashOf, parseHash } from '../../src/ui/browserDefaults';
import { advance, renderLab, settle, untilLeader, type Rendered } from './helpers';

afterEach(cleanup);

const settings = () => screen.getByRole('region', { name: 'Cluster' });
const ring = () => screen.getByRole('group', { name: 'Nodes of the cluster' });
const nodeButton = (id: number) => within(ring()).getByRole('button', { name: new RegExp(`^Node ${id}, `) });
const membership = () => screen.getByRole('group', { name: 'Membership' });

/** Clicks inside act and lets the cluster call and its flush finish. */
async function click(el: HTMLElement): Promise<void> {
  await act(async () => {
    fireEvent.click(el);
    await settle();
    await settle();
  });
}

/** Advances until `done` holds (at most `maxMs` virtual ms). */
async function until(r: Rendered, done: () => boolean, maxMs = 5000): Promise<void> {
  for (let t = 0; t < maxMs && !done(); t += 50) await advance(r.lab, 50);
  expect(done()).toBe(true);
}

describe('the PreVote and CheckQuorum switches', () => {
  it('are off by default, each with a one-line explanation citing the thesis', () => {
    const { lab } = renderLab();
    const preVote = within(settings()).getByRole('checkbox', { name: 'PreVote' });
    const checkQuorum = within(settings()).getByRole('checkbox', { name: 'CheckQuorum' });
    expect(preVote).not.toBeChecked();
    expect(checkQuorum).not.toBeChecked();
    expect(preVote).toHaveAccessibleDescription(/^Thesis §9\.6: .*rejoins/);
    expect(checkQuorum).toHaveAccessibleDescription(/^Thesis §6\.2: a leader that hears from no majority/);
    const options = lab.store.getState().cluster.creationOptions();
    expect([options.preVote, options.checkQuorum]).toEqual([false, false]);
  });

  it('Reset cluster makes the cluster with them; the address and a new lab carry them', async () => {
    const { lab } = renderLab();
    fireEvent.click(within(settings()).getByRole('checkbox', { name: 'PreVote' }));
    // Nothing changes before Reset cluster, as with the timing.
    expect(lab.store.getState().cluster.creationOptions().preVote).toBe(false);
    await click(within(settings()).getByRole('button', { name: 'Reset cluster' }));
    const s = lab.store.getState();
    expect(s.cluster.creationOptions()).toMatchObject({ preVote: true, checkQuorum: false });
    expect(s.config.preVote).toBe(true);
    expect(hashOf(s.config)).toBe('#nodes=5&seed=1&prevote=1');
    expect(within(settings()).getByText(/PreVote on, CheckQuorum off/)).toBeInTheDocument();
    // A size change later keeps the switch (Reset cluster with the form's state).
    fireEvent.click(within(settings()).getByRole('checkbox', { name: 'CheckQuorum' }));
    await click(within(settings()).getByRole('button', { name: 'Reset cluster' }));
    expect(lab.store.getState().cluster.creationOptions()).toMatchObject({ preVote: true, checkQuorum: true });
    const again = createLab({ ...parseHash(hashOf(lab.store.getState().config)), clock: 'manual', playing: false });
    expect(again.store.getState().cluster.creationOptions()).toMatchObject({ preVote: true, checkQuorum: true });
    await again.store.getState().cluster.destroy();
  });
});

describe('Transfer leadership to… (thesis §3.10)', () => {
  it('is offered for a live leader, among the other voters, and hands leadership over', async () => {
    const r = renderLab();
    const leader = await untilLeader(r.lab);
    act(() => r.lab.store.getState().selectNode(leader));
    const inspector = screen.getByRole('region', { name: `Node ${leader} inspector` });
    const to = within(inspector).getByRole('combobox', { name: 'Transfer leadership to' });
    const offered = within(to)
      .getAllByRole('option')
      .map((o) => Number((o as HTMLOptionElement).value));
    expect(offered).toEqual([1, 2, 3, 4, 5].filter((id) => id !== leader));
    const target = offered[offered.length - 1]!;
    fireEvent.change(to, { target: { value: String(target) } });
    await click(within(inspector).getByRole('button', { name: `Transfer leadership to node ${target}` }));
    expect(screen.getAllByText(new RegExp(`Node ${leader} is handing leadership to node ${target}`)).length).toBeGreaterThan(0);
    await until(r, () => r.lab.store.getState().nodes.find((n) => n.id === target)?.role === 'leader', 1000);
    expect(
      r.lab.store
        .getState()
        .cluster.actions()
        .some((a) => a.kind === 'transferLeadership' && a.to === target),
    ).toBe(true);
    // The narration words the transfer with its section.
    expect(r.lab.store.getState().narration.election.some((l) => /sent TimeoutNow to node .*thesis §3\.10/.test(l.text))).toBe(true);
  });

  it('is disabled for a follower', async () => {
    const r = renderLab();
    const leader = await untilLeader(r.lab);
    const follower = leader === 1 ? 2 : 1;
    act(() => r.lab.store.getState().selectNode(follower));
    const inspector = screen.getByRole('region', { name: `Node ${follower} inspector` });
    expect(within(inspector).getByRole('button', { name: /^Transfer leadership/ })).toBeDisabled();
    expect(inspector).toHaveTextContent('Only a live leader can hand leadership over (thesis §3.10).');
  });
});

describe('Add node and Remove node (thesis §4.1, §4.2.1)', () => {
  it('Add node: the ring grows; the new node is drawn as a learner until the leader makes it a voter', async () => {
    const r = renderLab();
    await untilLeader(r.lab);
    await click(within(membership()).getByRole('button', { name: 'Add node' }));
    expect(r.lab.store.getState().ids).toEqual([1, 2, 3, 4, 5, 6]);
    const added = nodeButton(6);
    expect(added).toHaveAccessibleName(/^Node 6, follower, term \d+, learner/);
    expect(added).toHaveClass('is-learner');
    expect(within(ring()).getAllByRole('button')).toHaveLength(6);
    expect(screen.getByText(/Node 6 joined with an empty disk as a learner/)).toBeInTheDocument();
    await until(r, () => membershipOf(r.lab.store.getState(), 6) === 'voter');
    expect(nodeButton(6)).not.toHaveAccessibleName(/learner/);
    expect(nodeButton(6)).not.toHaveClass('is-learner');
    // Node 6 itself learns of the promotion from the leader's next AppendEntries.
    await until(
      r,
      () =>
        r.lab.store
          .getState()
          .nodes.find((n) => n.id === 6)!
          .config.voters.includes(6),
      1000,
    );
    // The configuration entries are an entry kind of their own in the logs.
    const log6 = screen.getByRole('list', { name: 'Log of node 6' });
    const configEntries = within(log6)
      .getAllByRole('listitem')
      .filter((li) => /configuration entry/.test(li.getAttribute('aria-label') ?? ''));
    expect(configEntries.length).toBeGreaterThanOrEqual(2);
    expect(configEntries.map((li) => li.textContent)).toEqual(
      expect.arrayContaining([expect.stringMatching(/⚙ \+6 learner/), expect.stringMatching(/⚙ 6 voter/)]),
    );
  });

  it('Remove node removes the selected node; once committed it leaves the ring', async () => {
    const r = renderLab();
    const leader = await untilLeader(r.lab);
    const victim = leader === 2 ? 3 : 2;
    act(() => r.lab.store.getState().selectNode(victim));
    expect(within(membership()).getByRole('combobox', { name: 'Node to remove' })).toHaveValue(String(victim));
    await click(within(membership()).getByRole('button', { name: 'Remove node' }));
    await until(r, () => !r.lab.store.getState().ids.includes(victim), 2000);
    expect(within(ring()).getAllByRole('button')).toHaveLength(4);
    expect(within(ring()).queryByRole('button', { name: new RegExp(`^Node ${victim}, `) })).toBeNull();
    expect(r.lab.store.getState().selectedNode).toBeNull();
    expect(r.lab.store.getState().narration.fault.some((l) => l.text.startsWith(`Node ${victim} was removed`))).toBe(true);
    // The rest keep running and committing.
    await act(async () => {
      await r.lab.store.getState().submitCommand('x=1');
    });
    await until(r, () => r.lab.store.getState().nodes.every((n) => n.commitIndex >= n.log.length && n.log.length > 0), 2000);
  });

  it('a refusal is a notice, and nothing changes: no leader yet; then a change still uncommitted', async () => {
    const r = renderLab();
    await click(within(membership()).getByRole('button', { name: 'Add node' }));
    expect(within(membership().parentElement!).getByRole('alert')).toHaveTextContent(
      /^Could not add a node: there is no live leader to ask .* Nothing was changed\.$/,
    );
    expect(r.lab.store.getState().ids).toEqual([1, 2, 3, 4, 5]);
    expect(
      r.lab.store
        .getState()
        .cluster.actions()
        .some((a) => a.kind === 'addNode'),
    ).toBe(false);
    await untilLeader(r.lab);
    await click(within(membership()).getByRole('button', { name: 'Add node' }));
    await click(within(membership()).getByRole('button', { name: 'Add node' }));
    expect(within(membership().parentElement!).getByRole('alert')).toHaveTextContent(
      /^Could not add a node: .*(uncommitted|one change at a time)/,
    );
    expect(r.lab.store.getState().ids).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('a pre-candidate (thesis §9.6)', () => {
  it('wears a "pre-vote" badge and says so in its name, its term unchanged', async () => {
    const r = renderLab({ preVote: true });
    const leader = await untilLeader(r.lab);
    const cut = leader === 1 ? 2 : 1;
    const term = r.lab.store.getState().nodes.find((n) => n.id === cut)!.term;
    act(() => r.lab.store.getState().disconnect(cut));
    await until(r, () => r.lab.store.getState().nodes.find((n) => n.id === cut)!.preCandidate, 2000);
    expect(nodeButton(cut)).toHaveAccessibleName(new RegExp(`^Node ${cut}, follower, term ${term}, asking for pre-votes`));
    expect(nodeButton(cut)).toHaveClass('is-pre-candidate');
    expect(ring().querySelector('.pre-vote-badge')).not.toBeNull();
    expect(r.lab.store.getState().narration.election.some((l) => l.text.startsWith(`Node ${cut} timed out and asked for pre-votes`))).toBe(
      true,
    );
  });
});
