// @vitest-environment jsdom
// The bug switches (issue 11): checkboxes in a "Break Raft" group, off by
// default and marked as breaking Raft; turning one on resets the cluster with
// that fault (the engine's option), puts it in the URL hash and in a shared
// run, and the Safety panel says Raft is broken on purpose.
import '@testing-library/jest-dom/vitest';
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createLab, FAULTS, LAB_FAULT_NAMES, parseFaults } from '../../src/store';
import { FAULT_NAMES } from '../../src/sim';
import { readRunFromHash } from '../../src/store/runCodec';
import { hashOf, parseHash } from '../../src/ui/browserDefaults';
import { renderLab, settle } from './helpers';

afterEach(cleanup);

const group = () => screen.getByRole('group', { name: 'Break Raft' });

describe('Break Raft switches', () => {
  it('are five checkboxes, off by default, under a warning, each naming its paper section', () => {
    const { lab } = renderLab();
    const boxes = within(group()).getAllByRole('checkbox');
    expect(boxes).toHaveLength(5);
    for (const box of boxes) expect(box).not.toBeChecked();
    for (const f of FAULTS) expect(within(group()).getByRole('checkbox', { name: f.label })).toBeInTheDocument();
    expect(FAULTS.map((f) => f.name)).toEqual([...FAULT_NAMES]); // one switch per engine fault, in its order
    for (const f of FAULTS) expect(f.label).toMatch(/\((§\d[\d.]*|Figure 2, §5\.2)\)$/);
    expect(within(group()).getByRole('checkbox', { name: /earlier term/ })).toBeInTheDocument();
    expect(group()).toHaveTextContent(/breaks a rule of Raft on purpose/);
    expect(lab.store.getState().config.faults).toBeUndefined();
    expect(screen.queryByText(/deliberately broken/)).toBeNull();
  });

  it('turning one on resets the cluster with it; the top of the Safety panel says so; off again is a correct Raft', async () => {
    const { lab } = renderLab();
    const before = lab.store.getState().cluster;
    await act(async () => {
      fireEvent.click(within(group()).getByRole('checkbox', { name: /earlier term/ }));
      await settle();
      await settle();
    });
    const s = lab.store.getState();
    expect(s.cluster).not.toBe(before);
    expect(s.config.faults).toEqual(['commit-earlier-term']);
    expect(s.cluster.creationOptions().faults).toEqual(['commit-earlier-term']);
    expect(within(group()).getByRole('checkbox', { name: /earlier term/ })).toBeChecked();
    expect(screen.getByRole('region', { name: 'Safety' })).toHaveTextContent(
      'Raft deliberately broken: commits earlier-term entries by counting replicas.',
    );
    expect(hashOf(s.config)).toBe('#nodes=5&seed=1&faults=commit-earlier-term');
    await act(async () => {
      fireEvent.click(within(group()).getByRole('checkbox', { name: /Grant two votes/ }));
      await settle();
      await settle();
    });
    // Normalized to the engine's order, whatever the order they were turned on in.
    expect(lab.store.getState().config.faults).toEqual(['commit-earlier-term', 'double-vote']);
    await act(async () => {
      await lab.store.getState().setFaults([]);
    });
    expect(lab.store.getState().config.faults).toBeUndefined();
    expect(lab.store.getState().cluster.creationOptions().faults ?? []).toEqual([]);
    expect(screen.queryByText(/deliberately broken/)).toBeNull();
  });

  it('are read from the URL (faults=…), unknown names refused by name, and carried by a shared link', async () => {
    expect(parseHash('#nodes=3&faults=double-vote,commit-earlier-term')).toEqual({ nodes: '3', faults: 'double-vote,commit-earlier-term' });
    expect(parseFaults('double-vote,commit-earlier-term')).toEqual({ value: ['commit-earlier-term', 'double-vote'], error: null });
    expect(parseFaults('double-vote,nope').error).toMatch(/Unknown bug switch "nope"/);
    expect(parseFaults(LAB_FAULT_NAMES.join(',')).value).toEqual([...LAB_FAULT_NAMES]);
    const bad = createLab({ nodes: 3, playing: false, clock: 'manual', faults: 'nope' });
    expect(bad.store.getState().config.faults).toBeUndefined();
    expect(bad.store.getState().notices.cluster?.text).toMatch(/Unknown bug switch "nope"/);

    const { lab } = renderLab({ faults: 'double-vote' });
    expect(within(group()).getByRole('checkbox', { name: /Grant two votes/ })).toBeChecked();
    let link: string | null = null;
    await act(async () => {
      link = await lab.store.getState().shareLink();
    });
    const decoded = await readRunFromHash(new URL(link!, 'http://x/').hash);
    expect(decoded?.ok && decoded.run.faults).toEqual(['double-vote']);
    // Opening it makes the cluster with the switch on.
    const other = createLab({ nodes: 3, playing: false, clock: 'manual' });
    await other.store.getState().openRunLink(new URL(link!, 'http://x/').hash);
    expect(other.store.getState().config.faults).toEqual(['double-vote']);
  });
});
