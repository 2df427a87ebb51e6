// @vitest-environment jsdom
// Correct behaviour a student misreads (issue 9), explained where it happens:
// a restarted node's dashed entries (commitIndex is volatile, §5.4.2) and the
// leader no-op (§8) that commits them at once; a stale leader in a minority;
// its uncommitted entries discarded when it heals, and the client told.
import '@testing-library/jest-dom/vitest';
import { act, cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../src/store';
import { advance, renderLab, untilLeader } from './helpers';

afterEach(cleanup);

const UNKNOWN =
  /commit index unknown since restart — entries are safe on disk; they will be marked committed once the leader commits an entry of its term/;
const row = (id: number) => screen.getByRole('list', { name: `Log of node ${id}` }).closest('.log-row') as HTMLElement;
const entries = (id: number) => within(screen.getByRole('list', { name: `Log of node ${id}` })).queryAllByRole('listitem');

/** Commits x=1 on every node, then crashes and restarts them all (what a page reload does). */
async function commitThenRestartAll(lab: Lab): Promise<void> {
  await untilLeader(lab);
  await act(async () => {
    await lab.store.getState().submitCommand('x=1');
  });
  await advance(lab, 300);
  for (let id = 1; id <= 3; id++) expect(entries(id)[0]).toHaveClass('is-committed');
  await act(async () => {
    for (let id = 1; id <= 3; id++) await lab.store.getState().crash(id);
  });
  // While down, the row says the commit index was lost in the crash.
  for (let id = 1; id <= 3; id++)
    expect(within(row(id)).getByText(/^commit index lost in the crash — entries are safe on disk/)).toBeInTheDocument();
  await act(async () => {
    for (let id = 1; id <= 3; id++) await lab.store.getState().restart(id);
  });
}

describe('commit index unknown since restart (§5.4.2)', () => {
  it('says so on every row and in the inspector until the leader commits an entry of its term', async () => {
    const { lab } = renderLab({ nodes: 3 });
    await commitThenRestartAll(lab);
    await untilLeader(lab);
    await advance(lab, 500); // heartbeats flow, yet nothing of the new term is committed
    for (let id = 1; id <= 3; id++) {
      expect(entries(id)[0]).toHaveAttribute('aria-label', expect.stringMatching(/command x=1, uncommitted/));
      expect(within(row(id)).getByText(UNKNOWN)).toBeInTheDocument();
    }
    act(() => lab.store.getState().selectNode(1));
    const inspector = screen.getByRole('region', { name: 'Node 1 inspector' });
    expect(within(inspector).getByText(UNKNOWN)).toBeInTheDocument();
    // An entry of the leader's term commits, and with it the earlier one.
    await act(async () => {
      await lab.store.getState().submitCommand('y=2');
    });
    await advance(lab, 300);
    for (let id = 1; id <= 3; id++) {
      expect(entries(id)[0]).toHaveClass('is-committed');
      expect(within(row(id)).queryByText(UNKNOWN)).toBeNull();
    }
    expect(within(inspector).queryByText(UNKNOWN)).toBeNull();
  });

  it('with the leader no-op (§8) the earlier entries commit as soon as a leader is elected', async () => {
    const { lab } = renderLab({ nodes: 3, leaderNoop: true });
    await commitThenRestartAll(lab);
    await untilLeader(lab);
    await advance(lab, 300);
    for (let id = 1; id <= 3; id++) {
      expect(entries(id)[0]).toHaveClass('is-committed');
      expect(within(row(id)).queryByText(UNKNOWN)).toBeNull();
    }
  });
});

describe('a stale leader in a minority', () => {
  it('is marked stale, its discarded entries shown when it heals, and the client told the command was never committed', async () => {
    const { lab } = renderLab();
    const old = await untilLeader(lab);
    await act(async () => {
      lab.store.getState().isolateLeader();
      await lab.store.getState().submitCommand('y=2'); // reaches no one
    });
    await advance(lab, 1000); // the others elect a new leader
    const s = lab.store.getState();
    const next = s.nodes.find((n) => n.alive && n.role === 'leader' && n.id !== old)!;
    const oldTerm = s.nodes[old - 1]!.term;
    expect(next.term).toBeGreaterThan(oldTerm);
    const stale = `leader of term ${oldTerm} — stale: node ${next.id} leads term ${next.term}`;
    expect(within(row(old)).getByText(stale)).toBeInTheDocument();
    expect(within(row(next.id)).queryByText(/stale/)).toBeNull();
    act(() => lab.store.getState().selectNode(old));
    expect(within(screen.getByRole('region', { name: `Node ${old} inspector` })).getByText(new RegExp(stale))).toBeInTheDocument();
    // The majority's leader takes a command of its own, then the partition heals.
    await act(async () => {
      await lab.store.getState().cluster.start(next.id, 'x=1');
      await lab.store.getState().advance(200);
      lab.store.getState().healAll();
    });
    await advance(lab, 300);
    expect(entries(old)[0]).toHaveAttribute('aria-label', expect.stringMatching(/command x=1/));
    const note = within(row(old)).getByText(/never committed; the term-\d+ leader’s log replaced it/);
    expect(note).toHaveTextContent(/discarded\s*1·t\d+ y=2/);
    expect(within(row(old)).queryByText(/stale/)).toBeNull();
    expect(screen.getByText(/“y=2” \(index 1, term \d+\) was lost: it was never committed/)).toBeInTheDocument();
    await advance(lab, 3500); // struck through, then gone
    expect(within(row(old)).queryByText(/discarded/)).toBeNull();
  });
});
