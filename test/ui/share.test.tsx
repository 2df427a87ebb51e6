// @vitest-environment jsdom
// Share, embed, save (issue 10): Share pauses and its link holds this very
// run; a run file opens on exactly the node states it was saved at; a bad
// file is refused with a message and the running cluster is left as it was.
import '@testing-library/jest-dom/vitest';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCluster, replayActions } from '../../src/sim';
import { createLab, type Lab } from '../../src/store';
import { decodeRunLink, readRunFromHash, runClusterOptions } from '../../src/store/runCodec';
import { advance, renderLab, settle, untilLeader, untilShown } from './helpers';

afterEach(cleanup);
beforeEach(() => {
  history.replaceState(null, '', '#');
});

/** What the user sees of every node: its button's name and its log's entries. */
function picture(): { nodes: string[]; logs: string[] } {
  const nodes = screen.getAllByRole('button', { name: /^Node \d+, / }).map((b) => b.getAttribute('aria-label') ?? b.textContent ?? '');
  const logs = screen.getAllByRole('list', { name: /^Log of node \d+$/ }).map(
    (l) =>
      `${l.getAttribute('aria-label')}: ${within(l)
        .queryAllByRole('listitem')
        .map((i) => i.getAttribute('aria-label') ?? i.textContent)
        .join(' | ')}`,
  );
  return { nodes, logs };
}

/** A run with commands, a crash and a restart, left mid-way (the moment is not a round number of ms). */
async function act5(lab: Lab): Promise<number> {
  const leader = await untilLeader(lab);
  await act(async () => {
    await lab.store.getState().submitCommand('x=1');
  });
  await advance(lab, 120);
  const follower = leader === 1 ? 2 : 1;
  await act(async () => {
    await lab.store.getState().crash(follower);
  });
  await act(async () => {
    await lab.store.getState().submitCommand('y=2');
  });
  await advance(lab, 37);
  // The network changed mid-run: the run keeps the settings at creation and this change as an action.
  act(() => {
    expect(lab.store.getState().applyNetwork({ delayMinMs: 5, delayMaxMs: 40, dropRate: 0.1, duplicateRate: 0.05 })).toBe(true);
  });
  await advance(lab, 200);
  await act(async () => {
    await lab.store.getState().stepOnce();
    await lab.store.getState().stepOnce();
  });
  return leader;
}

async function pressShare(): Promise<void> {
  await act(async () => {
    fireEvent.click(screen.getByRole('button', { name: 'Share' }));
    await settle();
  });
  await screen.findByRole('dialog', { name: 'Share this run' });
}

/** Chooses `file` in the dialog's file input (what the file picker does). */
async function chooseFile(file: File): Promise<void> {
  const input = document.querySelector<HTMLInputElement>('[data-run-file-input]')!;
  await act(async () => {
    fireEvent.change(input, { target: { files: [file] } });
    await settle();
  });
}

describe('Share', () => {
  it('pauses, writes the run into the address bar, and its link decodes to this very run at this moment', async () => {
    const { lab } = renderLab({ playing: true });
    await act5(lab);
    act(() => lab.store.getState().setPlaying(true));
    expect(screen.getByRole('button', { name: 'Pause' })).toBeInTheDocument();
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });

    await pressShare();
    const s = lab.store.getState();
    expect(s.playing).toBe(false);
    expect(screen.getByRole('button', { name: 'Play' })).toBeInTheDocument();
    const link = screen.getByRole<HTMLInputElement>('textbox', { name: 'Link to this moment' }).value;
    expect(writeText).toHaveBeenCalledWith(link);
    expect(screen.getByText('Link copied to the clipboard.')).toBeInTheDocument();
    expect(location.hash).toBe(new URL(link).hash);
    expect(screen.getByRole<HTMLTextAreaElement>('textbox', { name: 'Embed code' }).value).toMatch(
      /^<iframe src="[^"]*&amp;run=[\w-]+&amp;embed=1" width="800" height="500" title="Raft Lab"/,
    );

    const decoded = await readRunFromHash(new URL(link).hash);
    expect(decoded?.ok).toBe(true);
    if (!decoded?.ok) return;
    const run = decoded.run;
    expect(run.seed).toBe(1);
    expect(run.actions).toEqual(s.cluster.actions());
    expect(run.actions.map((a) => a.kind)).toEqual(['start', 'crash', 'start', 'setNetwork']);
    expect(run.options.network?.delayMs).toEqual([15, 25]);
    expect(run.moment).toEqual({ after: s.cluster.processed(), at: s.cluster.now() });

    // Replayed headless, the run stands exactly where the lab does.
    const replayed = createCluster(runClusterOptions(run));
    await replayActions(replayed, run.actions);
    await replayed.runToPosition(run.moment.after, run.moment.at);
    for (const id of s.ids) expect(replayed.node(id)).toEqual(s.cluster.node(id));
    expect(replayed.inFlight()).toEqual(s.cluster.inFlight());
    await replayed.destroy();
  });

  it('selects the link when the clipboard is refused; Esc closes and gives the focus back to Share', async () => {
    const { lab } = renderLab();
    await untilLeader(lab);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText: () => Promise.reject(new Error('denied')) }, configurable: true });
    await pressShare();
    const field = screen.getByRole<HTMLInputElement>('textbox', { name: 'Link to this moment' });
    expect(screen.getByText(/did not let the page copy: the link is selected/)).toBeInTheDocument();
    expect(document.activeElement).toBe(field);
    expect(field.selectionStart).toBe(0);
    expect(field.selectionEnd).toBe(field.value.length);
    // A page shortcut typed in the dialog does nothing to the lab.
    fireEvent.keyDown(field, { key: ' ' });
    expect(lab.store.getState().playing).toBe(false);
    act(() => {
      fireEvent.keyDown(field, { key: 'Escape' });
    });
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Share' }));
  });
});

describe('Import run file', () => {
  it('refuses a bad file with a message naming what is wrong, and keeps the nodes as they were', async () => {
    const { lab } = renderLab();
    await act5(lab);
    await pressShare();
    const before = picture();
    expect(before.nodes).toHaveLength(5);
    expect(before.nodes.join('\n')).toMatch(/^Node 1, (leader|follower|candidate|crashed), term \d+/);
    expect(before.logs.join('\n')).toContain('x=1');
    const cluster = lab.store.getState().cluster;
    const actions = cluster.actions().length;

    await chooseFile(new File(['{"kind": "raft-lab-run", "format": 1, "seed": 1'], 'cut.json', { type: 'application/json' }));
    expect(await screen.findAllByText(/This file cannot be opened: it is not JSON/)).not.toHaveLength(0);
    expect(lab.store.getState().cluster).toBe(cluster);
    expect(cluster.actions()).toHaveLength(actions);
    expect(picture()).toEqual(before);

    // A valid-looking run whose node ids do not fit its cluster: named, refused.
    const forged = lab.store
      .getState()
      .exportRunFile()!
      .replace(/"kind":"crash","id":\d/, '"kind":"crash","id":9');
    await chooseFile(new File([forged], 'forged.json'));
    expect(await screen.findAllByText(/This file cannot be opened: .*node 9/)).not.toHaveLength(0);
    expect(lab.store.getState().cluster).toBe(cluster);
    expect(picture()).toEqual(before);

    // Too big: refused before it is read.
    const big = new File(['x'], 'big.json');
    Object.defineProperty(big, 'size', { value: 300 * 1024 });
    const read = vi.spyOn(big, 'text');
    await chooseFile(big);
    expect(await screen.findAllByText(/This file cannot be opened: it is 300 KB, more than the 200 KB/)).not.toHaveLength(0);
    expect(read).not.toHaveBeenCalled();
    expect(picture()).toEqual(before);
  });

  it('opens a good file on exactly the node states it was saved at, paused', async () => {
    const source = createLab({ nodes: 5, seed: 7, playing: false, clock: 'manual' });
    await act5(source);
    const text = source.store.getState().exportRunFile()!;
    expect(source.store.getState().runFileName()).toBe('raft-lab-run-7.json');
    const saved = source.store.getState();

    const { lab } = renderLab({ seed: 3, playing: true });
    await advance(lab, 500);
    await pressShare();
    await chooseFile(new File([text], 'raft-lab-run-7.json', { type: 'application/json' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    const s = lab.store.getState();
    expect(s.config.seed).toBe(7);
    expect(s.playing).toBe(false);
    expect(s.cluster.now()).toBe(saved.cluster.now());
    expect(s.cluster.processed()).toBe(saved.cluster.processed());
    for (const id of s.ids) expect(s.cluster.node(id)).toEqual(saved.cluster.node(id));
    expect(s.nodes).toEqual(saved.nodes);
    expect(s.cluster.actions()).toEqual(saved.cluster.actions());
    expect(screen.getByRole('button', { name: 'Play' })).toBeInTheDocument();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Share' }));
    expect(screen.getAllByText(/Opened a shared run: 5 nodes, seed 7, 4 actions, paused at/)).not.toHaveLength(0);
    await source.store.getState().cluster.destroy();
  });
});

describe('opening a link at start-up', () => {
  it('a good link: paused at once, the embed layout, then the run at its moment; a bad one: a message and the lab plays on', async () => {
    const source = createLab({ nodes: 5, seed: 4, playing: false, clock: 'manual' });
    await act5(source);
    const url = (await source.store.getState().shareLink())!;
    const saved = source.store.getState();
    const hash = `${new URL(url).hash}&embed=1`;

    const { lab, container } = renderLab({ playing: true });
    let opening!: Promise<boolean | null>;
    act(() => {
      opening = lab.store.getState().openRunLink(hash);
    });
    // Before anything is decoded: paused, and the embed layout (no sidebar, no Share, a way to the full app).
    expect(lab.store.getState().playing).toBe(false);
    expect(container.querySelector('.lab')).toHaveClass('is-embed');
    expect(screen.queryByRole('button', { name: 'Share' })).not.toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Open in Raft Lab' })).toHaveAttribute(
      'href',
      expect.stringMatching(/#(.+&)?run=[\w-]+$/) as string,
    );
    await act(async () => {
      expect(await opening).toBe(true);
    });
    const s = lab.store.getState();
    expect(s.playing).toBe(false);
    for (const id of s.ids) expect(s.cluster.node(id)).toEqual(saved.cluster.node(id));
    expect(location.hash).toBe(hash);

    await act(async () => {
      expect(await lab.store.getState().openRunLink('#nodes=5&seed=4&run=not-a-run!')).toBe(false);
    });
    expect(lab.store.getState().cluster).toBe(s.cluster);
    expect(lab.store.getState().playing).toBe(true);
    expect(
      screen.getAllByText(/This link cannot be opened: its run is not base64url text.*A fresh cluster runs instead\./),
    ).not.toHaveLength(0);
    expect(await lab.store.getState().openRunLink('#nodes=5&seed=4')).toBeNull();
    await source.store.getState().cluster.destroy();
  });

  it('Share while looking at the past links that moment, with the run up to it', async () => {
    const { lab } = renderLab();
    await untilLeader(lab);
    await act(async () => {
      await lab.store.getState().crash(2); // an action after the moment below: left out of the link
    });
    const position = lab.store.getState().historySize - 2;
    await act(async () => lab.store.getState().reviewAt(position - 1));
    await untilShown(lab);
    const frame = lab.store.getState().reviewFrame!;
    await pressShare();
    expect(lab.store.getState().review).toBe(position - 1); // still in the past
    expect(screen.getByText(/It is the moment of the past on show: the link holds the run up to it/)).toBeInTheDocument();
    expect(lab.store.getState().shared).toMatchObject({ at: frame.at, after: position - 1, actions: 0 });
    const decoded = await decodeRunLink(new URLSearchParams(lab.store.getState().shareHash!.replace(/^#/, '')).get('run')!);
    if (!decoded.ok) throw new Error(decoded.error);
    expect(decoded.run.moment).toEqual({ after: position - 1, at: frame.at });
    expect(decoded.run.actions).toEqual([]);
  });
});

describe('a run that passes the schema but cannot be replayed', () => {
  it('is refused before the tab’s disks are replaced, and the current run goes on', async () => {
    const reset = vi.fn(() => Promise.resolve({ storageKey: 'share-test-2', wipeReplaced: () => Promise.resolve() }));
    const lab = createLab({
      nodes: 3,
      seed: 2,
      playing: false,
      clock: 'manual',
      storage: { storageKey: 'share-test-1', resumed: false, reset },
    });
    await lab.store.getState().advance(500);
    const cluster = lab.store.getState().cluster;
    const text = lab.store.getState().exportRunFile()!;
    // A moment the run never reaches: 5,000 events by 600 ms.
    const forged = text.replace(/"moment": \{[^}]*\}/, '"moment": { "after": 5000, "at": 600 }');
    expect(forged).not.toBe(text);
    expect(await lab.store.getState().importRun(forged)).toBe(false);
    expect(reset).not.toHaveBeenCalled();
    expect(lab.store.getState().cluster).toBe(cluster);
    expect(lab.store.getState().notices.cluster?.text).toMatch(
      /^This file cannot be opened: replaying it failed \(cannot run to position .*\)\. The current run is unchanged\.$/,
    );
    // The file as saved opens (and only then are the disks replaced).
    expect(await lab.store.getState().importRun(text)).toBe(true);
    expect(reset).toHaveBeenCalledTimes(1);
    expect(lab.store.getState().config.storageKey).toBe('share-test-2');
    await lab.store.getState().cluster.destroy();
  });
});
