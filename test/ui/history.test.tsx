// @vitest-environment jsdom
// "Go back": the timeline (the History slider, one step per event) shows any
// earlier moment without touching the live cluster; any action, Play or
// "Live" returns to the present.
import '@testing-library/jest-dom/vitest';
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { advance, renderLab, untilLeader, untilShown } from './helpers';

afterEach(cleanup);

describe('history slider', () => {
  it('shows an earlier moment (nodes, logs, clock) and returns to live', async () => {
    const { lab } = renderLab();
    const leader = await untilLeader(lab);
    await act(async () => {
      await lab.store.getState().submitCommand('x=1');
    });
    await advance(lab, 200);
    const live = lab.store.getState();
    expect(live.historySize).toBeGreaterThan(3);
    expect(screen.getByRole('button', { name: new RegExp(`^Node ${leader}, leader`) })).toBeInTheDocument();
    const liveNow = lab.store.getState().cluster.now();

    // Back to the very start: nobody has been elected yet.
    act(() => {
      fireEvent.change(screen.getByRole('slider', { name: 'History' }), { target: { value: '0' } });
    });
    await untilShown(lab);
    const past = lab.store.getState();
    expect(past.review).toBe(0);
    expect(past.playing).toBe(false);
    expect(lab.driver.displayNow()).toBe(past.reviewFrame!.at);
    expect(screen.getAllByRole('button', { name: /^Node \d+, follower, term 0/ })).toHaveLength(5);
    expect(screen.getByRole('list', { name: `Log of node ${leader}` })).not.toHaveTextContent('x=1');
    expect(lab.store.getState().cluster.now()).toBe(liveNow); // the live cluster did not move

    // "Live" returns to the present.
    act(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Live' }));
    });
    expect(lab.store.getState().review).toBeNull();
    expect(screen.getByRole('button', { name: new RegExp(`^Node ${leader}, leader`) })).toBeInTheDocument();
  });

  it('← goes back a step, → forward and then live; an action on the cluster returns to live first', async () => {
    const { lab } = renderLab();
    await untilLeader(lab);
    const size = lab.store.getState().historySize;
    act(() => {
      fireEvent.keyDown(document.body, { key: 'ArrowLeft' });
    });
    await untilShown(lab);
    expect(lab.store.getState().review).toBe(size - 2);
    act(() => {
      fireEvent.keyDown(document.body, { key: 'ArrowLeft' });
    });
    await untilShown(lab);
    expect(lab.store.getState().review).toBe(size - 3);
    await act(async () => {
      await lab.driver.step();
    });
    expect(lab.store.getState().review).toBe(size - 2);
    await act(async () => {
      await lab.store.getState().crash(1);
    });
    expect(lab.store.getState().review).toBeNull();
    expect(screen.getByRole('button', { name: /^Node 1, crashed/ })).toBeInTheDocument();
  });

  it('ignores out-of-range frames', async () => {
    const { lab } = renderLab();
    await advance(lab, 100);
    for (const bad of [-1, 1e9, 0.5, Number.NaN]) {
      await act(async () => lab.store.getState().reviewAt(bad));
      expect(lab.store.getState().review).toBeNull();
    }
  });
});
