// @vitest-environment jsdom
// Controls: playback, speed, the command box, cluster size and seed, the
// network sliders and partition presets, keyboard shortcuts, narration filter.
// Bad input gets a clear message and changes nothing.
import '@testing-library/jest-dom/vitest';
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { advance, renderLab, settle, untilLeader } from './helpers';

afterEach(cleanup);

async function submit(text: string) {
  fireEvent.change(screen.getByRole('textbox', { name: 'Command' }), { target: { value: text } });
  await act(async () => {
    fireEvent.click(screen.getByRole('button', { name: 'Submit' }));
    await Promise.resolve();
  });
}

describe('playback', () => {
  it('Play/Pause toggles and Step processes the next event', async () => {
    const { lab } = renderLab();
    const play = screen.getByRole('button', { name: 'Play' });
    fireEvent.click(play);
    expect(lab.store.getState().playing).toBe(true);
    expect(screen.getByRole('button', { name: 'Pause' })).toBe(play);
    expect(screen.queryByRole('button', { name: 'Play' })).toBeNull();
    const before = lab.store.getState().cluster.now();
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Step' }));
      await settle();
    });
    expect(lab.store.getState().playing).toBe(false); // stepping pauses
    expect(screen.getByRole('button', { name: 'Play' })).toBeInTheDocument();
    expect(lab.store.getState().cluster.now()).toBeGreaterThan(before); // the first election timer
  });

  it('the speed slider goes from 1/100× to 10×', () => {
    const { lab } = renderLab();
    const slider = screen.getByRole('slider', { name: 'Speed' });
    expect(slider).toHaveAttribute('aria-valuetext', '1/25× real time');
    fireEvent.change(slider, { target: { value: '0' } });
    expect(lab.store.getState().speed).toBe(0.01);
    fireEvent.change(slider, { target: { value: '9' } });
    expect(lab.store.getState().speed).toBe(10);
    expect(slider).toHaveAttribute('aria-valuetext', '10× real time');
  });
});

describe('command box', () => {
  it('says clearly that there is no leader, and sends nothing', async () => {
    const { lab } = renderLab();
    await submit('x=1');
    expect(screen.getByText(/No leader right now/)).toBeInTheDocument();
    expect(lab.store.getState().cluster.actions()).toEqual([]);
    expect(screen.getByRole('textbox', { name: 'Command' })).toHaveValue('x=1'); // kept for a retry
  });

  it('refuses bad input with a message and no crash', async () => {
    const { lab } = renderLab();
    await untilLeader(lab);
    await submit('   ');
    expect(screen.getByText(/Type a command first/)).toBeInTheDocument();
    await submit('k'.repeat(60));
    expect(screen.getByText(/60 characters long/)).toBeInTheDocument();
    expect(
      lab.store
        .getState()
        .cluster.actions()
        .filter((a) => a.kind === 'start'),
    ).toEqual([]);
  });

  it('counts characters as a reader sees them: 40 emoji fit, and the hint says so', async () => {
    const { lab } = renderLab();
    const leader = await untilLeader(lab);
    fireEvent.change(screen.getByRole('textbox', { name: 'Command' }), { target: { value: '😀'.repeat(40) } });
    expect(screen.getByText(/up to 40 characters \(40 typed\)/)).toBeInTheDocument();
    await submit('😀'.repeat(40));
    expect(screen.getByText(new RegExp(`Sent “${'😀'.repeat(40)}” to leader node ${leader}`, 'u'))).toBeInTheDocument();
  });

  it('refuses a right-to-left override by name, and sends nothing', async () => {
    const { lab } = renderLab();
    await untilLeader(lab);
    await submit('x=\u202E1');
    expect(screen.getByText(/cannot contain the invisible character U\+202E \(RIGHT-TO-LEFT OVERRIDE\)/)).toBeInTheDocument();
    expect(
      lab.store
        .getState()
        .cluster.actions()
        .filter((a) => a.kind === 'start'),
    ).toEqual([]);
  });

  it('sends to the leader, clears the box, and reports the commit', async () => {
    const { lab } = renderLab();
    const leader = await untilLeader(lab);
    expect(screen.getByText(new RegExp(`Goes to leader node ${leader}`))).toBeInTheDocument();
    await submit('x=1');
    expect(screen.getByRole('textbox', { name: 'Command' })).toHaveValue('');
    expect(screen.getByText(new RegExp(`Sent “x=1” to leader node ${leader}: it is entry 1`))).toBeInTheDocument();
    await advance(lab, 300);
    expect(screen.getByText(/“x=1” \(index 1, term \d+\) is committed/)).toBeInTheDocument();
  });
});

describe('cluster settings', () => {
  it('an invalid size or seed changes nothing; valid ones reset the cluster', async () => {
    const { lab } = renderLab();
    const cluster = lab.store.getState().cluster;
    fireEvent.change(screen.getByRole('spinbutton', { name: 'Nodes' }), { target: { value: '12' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Reset cluster' }));
      await Promise.resolve();
    });
    expect(screen.getByText(/Cluster size must be a whole number from 1 to 9, not “12”.*not reset/)).toBeInTheDocument();
    expect(lab.store.getState().cluster).toBe(cluster);
    expect(screen.getAllByRole('button', { name: /^Node \d,/ })).toHaveLength(5);

    fireEvent.change(screen.getByRole('spinbutton', { name: 'Nodes' }), { target: { value: '7' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'Seed' }), { target: { value: 'seven' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Reset cluster' }));
      await Promise.resolve();
    });
    expect(screen.getByText(/Seed must be a whole number/)).toBeInTheDocument();
    expect(lab.store.getState().cluster).toBe(cluster);

    fireEvent.change(screen.getByRole('textbox', { name: 'Seed' }), { target: { value: '7' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Reset cluster' }));
      await Promise.resolve();
    });
    expect(screen.getAllByRole('button', { name: /^Node \d,/ })).toHaveLength(7);
    expect(screen.getAllByRole('list', { name: /^Log of node \d$/ })).toHaveLength(7);
    expect(screen.getByText(/New cluster: 7 nodes, seed 7/)).toBeInTheDocument();
  });
});

describe('network', () => {
  it('a shortest delay above the longest is refused with a message and the old settings stay', () => {
    const { lab } = renderLab();
    fireEvent.change(screen.getByRole('slider', { name: 'Shortest delay' }), { target: { value: '40' } });
    expect(screen.getByText(/shortest delay \(40 ms\) is longer than the longest \(25 ms\)/)).toBeInTheDocument();
    expect(lab.store.getState().network.delayMs).toEqual([15, 25]);
    fireEvent.change(screen.getByRole('slider', { name: 'Drop rate' }), { target: { value: '30' } });
    expect(lab.store.getState().network.dropRate).toBe(0); // the draft as a whole is still invalid
    fireEvent.change(screen.getByRole('slider', { name: 'Longest delay' }), { target: { value: '60' } });
    expect(lab.store.getState().network).toMatchObject({ delayMs: [40, 60], dropRate: 0.3 });
    expect(screen.queryByText(/is longer than the longest/)).toBeNull();
    fireEvent.change(screen.getByRole('slider', { name: 'Duplicate rate' }), { target: { value: '10' } });
    expect(lab.store.getState().network.duplicateRate).toBe(0.1);
  });

  it('partition presets isolate the leader, split minority | majority, and heal', async () => {
    const { lab } = renderLab();
    fireEvent.click(screen.getByRole('button', { name: 'Isolate the leader' }));
    expect(screen.getByText(/no leader to isolate/)).toBeInTheDocument();
    const leader = await untilLeader(lab);
    fireEvent.click(screen.getByRole('button', { name: 'Isolate the leader' }));
    expect(screen.getByText(new RegExp(`Leader node ${leader} is cut off`))).toBeInTheDocument();
    const c = lab.store.getState().cluster;
    expect(c.ids.filter((id) => id !== leader).every((id) => !c.linkUp(leader, id) && !c.linkUp(id, leader))).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Heal' }));
    expect(c.ids.every((a) => c.ids.every((b) => c.linkUp(a, b)))).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Split minority | majority' }));
    expect(screen.getByText(/Split: minority \{.*\} \| majority \{.*\}/)).toBeInTheDocument();
  });
});

describe('keyboard', () => {
  it('Space plays and pauses, → steps, digits select, Esc deselects, ? lists the shortcuts', async () => {
    const { lab } = renderLab();
    fireEvent.keyDown(document.body, { key: ' ' });
    expect(lab.store.getState().playing).toBe(true);
    fireEvent.keyDown(document.body, { key: ' ' });
    expect(lab.store.getState().playing).toBe(false);
    await act(async () => {
      fireEvent.keyDown(document.body, { key: 'ArrowRight' });
      await settle();
    });
    expect(lab.store.getState().cluster.now()).toBeGreaterThan(0);
    fireEvent.keyDown(document.body, { key: '2' });
    expect(screen.getByRole('region', { name: /^Node 2/ })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /^Node 2,/ })).toHaveAttribute('aria-pressed', 'true');
    fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(screen.queryByRole('region', { name: /^Node 2/ })).toBeNull();
    fireEvent.keyDown(document.body, { key: '?' });
    const dialog = screen.getByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(within(dialog).getByText('Play / pause')).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Close' })).toHaveFocus();
    fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('Space after clicking a button plays/pauses; after tabbing to it, Space is left to the button', () => {
    const { lab } = renderLab();
    const step = screen.getByRole('button', { name: 'Step' });
    fireEvent.pointerDown(step);
    step.focus();
    fireEvent.keyDown(step, { key: ' ' });
    expect(lab.store.getState().playing).toBe(true);
    fireEvent.keyDown(step, { key: 'Tab' });
    fireEvent.keyDown(step, { key: ' ' });
    expect(lab.store.getState().playing).toBe(true); // not toggled: the button gets its Space
  });

  it('typing in the command box is not taken for shortcuts', () => {
    const { lab } = renderLab();
    const box = screen.getByRole('textbox', { name: 'Command' });
    box.focus();
    fireEvent.keyDown(box, { key: ' ' });
    fireEvent.keyDown(box, { key: '2' });
    expect(lab.store.getState().playing).toBe(false);
    expect(lab.store.getState().selectedNode).toBeNull();
  });

  it('C crashes the selected node and R restarts it', async () => {
    renderLab();
    fireEvent.keyDown(document.body, { key: '4' });
    await act(async () => {
      fireEvent.keyDown(document.body, { key: 'c' });
      await settle();
    });
    expect(screen.getByRole('button', { name: /^Node 4, crashed/ })).toBeInTheDocument();
    await act(async () => {
      fireEvent.keyDown(document.body, { key: 'r' });
      await settle();
    });
    expect(screen.getByRole('button', { name: /^Node 4, follower/ })).toBeInTheDocument();
  });
});

describe('view and narration', () => {
  it('theme and presenter toggles are pressed buttons', () => {
    const { container } = renderLab();
    fireEvent.click(screen.getByRole('button', { name: 'Dark' }));
    expect(container.querySelector('.lab')).toHaveClass('theme-dark');
    expect(screen.getByRole('button', { name: 'Dark' })).toHaveAttribute('aria-pressed', 'true');
    fireEvent.click(screen.getByRole('button', { name: 'Presenter' }));
    expect(container.querySelector('.lab')).toHaveClass('is-presenter');
  });

  it('narrates one line per event, filterable by kind and node', async () => {
    const { lab } = renderLab();
    const leader = await untilLeader(lab);
    const events = () => within(screen.getByRole('list', { name: 'Events, newest first' }));
    expect(events().getByText(new RegExp(`^Node ${leader} became leader for term \\d+`))).toBeInTheDocument();
    expect(events().queryByText(/ sent /)).toBeNull();
    fireEvent.click(screen.getByRole('checkbox', { name: 'Messages' }));
    expect(events().getAllByText(/^Node \d sent RequestVote for term/).length).toBeGreaterThan(0);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Elections' }));
    expect(events().queryByText(/became leader/)).toBeNull();
    fireEvent.change(screen.getByRole('combobox', { name: 'Events of node' }), { target: { value: '2' } });
    const lines = screen.getByRole('list', { name: 'Events, newest first' }).querySelectorAll('li');
    expect([...lines].every((li) => /Node 2|→ 2|node 2/.test(li.textContent ?? ''))).toBe(true);
  });
});
