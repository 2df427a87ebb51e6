// @vitest-environment jsdom
// The Safety panel (issue 11): the five properties of Figure 3, each
// "holds" on a correct Raft; a violation — here provoked by a bug switch, on
// the real engine — is listed with its event, node and time, and its button
// takes the timeline to the moment it broke.
import '@testing-library/jest-dom/vitest';
import { act, cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { FIGURE3_PROPERTIES } from '../../src/store';
import { advance, renderLab, untilLeader } from './helpers';

afterEach(cleanup);

const row = (property: string) =>
  within(screen.getByRole('region', { name: 'Safety' }))
    .getAllByRole('listitem')
    .find((li) => li.textContent?.startsWith(property))!;

describe('Safety panel', () => {
  it('lists the five properties of Figure 3, each holding, through elections, commands and a crash', async () => {
    const { lab } = renderLab({ nodes: 5, seed: 4 });
    const leader = await untilLeader(lab);
    await act(async () => {
      await lab.store.getState().submitCommand('a=1');
      await lab.store.getState().crash(leader);
    });
    await advance(lab, 1500);
    const region = screen.getByRole('region', { name: 'Safety' });
    expect(within(region).getAllByRole('listitem')).toHaveLength(5);
    for (const p of FIGURE3_PROPERTIES) expect(row(p)).toHaveTextContent(/holds$/);
    expect(within(region).queryByText(/violated/)).toBeNull();
    expect(within(region).queryByText(/deliberately broken/)).toBeNull();
  });

  it('with two votes per term allowed, Election Safety is violated: event, node, time, and a jump to the moment', async () => {
    // Seed 2: an aligned timeout (every node a candidate at once) and double votes elect two leaders of term 1.
    const { lab } = renderLab({ nodes: 5, seed: 2, faults: 'double-vote' });
    await advance(lab, 1000);
    await act(async () => {
      await lab.store.getState().alignTimers();
    });
    await advance(lab, 2000);
    const broken = lab.store.getState().safetyBreaks['Election Safety'];
    expect(broken, 'the monitor caught two leaders in a term').toBeDefined();
    const region = screen.getByRole('region', { name: 'Safety' });
    expect(region).toHaveTextContent('Raft deliberately broken: two votes per term');
    const r = row('Election Safety');
    expect(r).toHaveTextContent(/violated/);
    expect(r).toHaveTextContent(`node ${broken!.violation.node}`);
    expect(r).toHaveTextContent(`event ${broken!.position}`);
    expect(r).toHaveTextContent(/both elected leader of term/);
    // The others still hold: "violated" appears only for an actual violation.
    for (const p of FIGURE3_PROPERTIES.filter((p) => p !== 'Election Safety')) expect(row(p)).toHaveTextContent(/holds$/);
    await act(async () => {
      within(r).getByRole('button', { name: 'Show the moment Election Safety broke' }).click();
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    const s = lab.store.getState();
    expect(s.review).toBe(broken!.position);
    // The moment on show is just after the offending event: two leaders of that term.
    const frame = s.reviewFrame!;
    expect(frame.after).toBe(broken!.position);
    const term = Number(/leader of term (\d+)/.exec(broken!.violation.message)![1]);
    expect(frame.nodes.filter((n) => n.role === 'leader' && n.term === term)).toHaveLength(2);
  });

  it('shows a violation the monitor reported (forged state), with its property only', () => {
    const { lab } = renderLab({ nodes: 3 });
    act(() =>
      lab.store.setState({
        safetyBreaks: {
          'State Machine Safety': {
            violation: {
              property: 'State Machine Safety',
              at: 2500,
              node: 3,
              message: 'node 3 applied 4@t2 "y" but node 1 had committed 4@t1 "x"',
            },
            position: 77,
          },
        },
      }),
    );
    expect(row('State Machine Safety')).toHaveTextContent(/violated.*at 2\.500 s, node 3, event 77: node 3 applied 4@t2/);
    expect(screen.getAllByText('holds')).toHaveLength(4);
  });
});
