// @vitest-environment jsdom
// Per-node logs: a list "Log of node N" per node, each entry a listitem whose
// label carries index, term, command and committed/uncommitted.
import '@testing-library/jest-dom/vitest';
import { act, cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { advance, renderLab, untilLeader } from './helpers';

afterEach(cleanup);

const entries = (id: number) => within(screen.getByRole('list', { name: `Log of node ${id}` })).queryAllByRole('listitem');

describe('logs', () => {
  it('has one list per node, empty at first', () => {
    renderLab();
    for (let id = 1; id <= 5; id++) expect(entries(id)).toHaveLength(0);
  });

  it('shows a submitted entry uncommitted on the leader, then committed on every node (§5.3)', async () => {
    const { lab } = renderLab();
    const leader = await untilLeader(lab);
    await act(async () => {
      await lab.store.getState().submitCommand('x=1');
    });
    const [item] = entries(leader);
    expect(item).toHaveAttribute('aria-label', expect.stringMatching(/Index 1, term \d+, command x=1, uncommitted/));
    expect(item).toHaveClass('is-uncommitted');
    await advance(lab, 300);
    for (let id = 1; id <= 5; id++) {
      const [e] = entries(id);
      expect(e).toHaveAttribute('aria-label', expect.stringMatching(/^Index 1, term \d+, command x=1, committed, applied/));
      expect(e).toHaveClass('is-committed');
      expect(e).toHaveTextContent('x=1');
    }
    expect(entries(leader)[0]).toHaveClass('is-commit-point', 'is-applied-point');
  });

  it('keeps a crashed node’s log (its disk) but marks it uncommitted (commitIndex is volatile)', async () => {
    const { lab } = renderLab();
    await untilLeader(lab);
    await act(async () => {
      await lab.store.getState().submitCommand('a=1');
    });
    await advance(lab, 300);
    const follower = lab.store.getState().nodes.find((n) => n.role === 'follower')!.id;
    await act(async () => {
      await lab.store.getState().crash(follower);
    });
    const [e] = entries(follower);
    expect(e).toHaveAttribute('aria-label', expect.stringMatching(/Index 1, .*command a=1, uncommitted/));
  });

  it('highlights entries that conflict with the leader’s log', async () => {
    const { lab } = renderLab();
    const old = await untilLeader(lab);
    await act(async () => {
      lab.store.getState().isolateLeader();
      await lab.store.getState().submitCommand('lost=1'); // reaches no one
    });
    await advance(lab, 1000); // the others elect a new leader
    await act(async () => {
      await lab.store.getState().submitCommand('kept=2');
    });
    const [e] = entries(old);
    expect(e).toHaveAttribute('aria-label', expect.stringMatching(/command lost=1, uncommitted, conflicts with the leader/));
    expect(e).toHaveClass('is-conflict');
  });

  it('shows the snapshot prefix (§7) and the entries after it', async () => {
    const { lab, container } = renderLab({ snapshotThreshold: 2 });
    const leader = await untilLeader(lab);
    for (const c of ['a=1', 'b=2', 'c=3', 'd=4']) {
      await act(async () => {
        await lab.store.getState().submitCommand(c);
      });
      await advance(lab, 200);
    }
    const node = lab.store.getState().nodes[leader - 1]!;
    expect(node.snapshotIndex).toBeGreaterThan(0);
    const row = screen.getByRole('list', { name: `Log of node ${leader}` }).parentElement!;
    expect(row.querySelector('.log-snapshot')).toHaveTextContent(`snapshot 1–${node.snapshotIndex} · t${node.snapshotTerm}`);
    const items = entries(leader);
    expect(items).toHaveLength(4 - node.snapshotIndex);
    expect(items[0]).toHaveAttribute(
      'aria-label',
      expect.stringMatching(new RegExp(`^Index ${node.snapshotIndex + 1}, term \\d+, command`)),
    );
    expect(items[0]).toHaveStyle({ gridColumnStart: String(node.snapshotIndex + 1) });
    expect(container.querySelectorAll('.log-snapshot').length).toBeGreaterThanOrEqual(1);
  });
});
