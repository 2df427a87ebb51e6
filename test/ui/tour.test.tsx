// @vitest-environment jsdom
// "Your own lesson" (issue 11): a teacher captions moments on the timeline,
// Share carries the captions, and the link opens playing them as a lesson —
// each step that moment, exactly, with its caption; Back and Next.
import '@testing-library/jest-dom/vitest';
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeRunLink } from '../../src/store/runCodec';
import { advance, renderLab, untilLeader, untilShown } from './helpers';

afterEach(cleanup);
beforeEach(() => {
  history.replaceState(null, '', '#');
});

describe('your own lesson: a captioned run', () => {
  it('captions two moments, shares them, and the link plays them as a lesson', async () => {
    const { lab, unmount } = renderLab();
    await untilLeader(lab);
    await act(async () => {
      await lab.store.getState().submitCommand('x=1');
    });
    await advance(lab, 300);
    const end = lab.store.getState().historySize - 1;
    const first = 2; // before any election
    const second = Math.floor((2 * end) / 3);

    // On the timeline: caption two moments (the second first: they are kept in run order).
    for (const [position, text] of [
      [second, 'Now the leader has sent x=1: watch the followers store it.'],
      [first, 'No leader yet: the election timers are running down.'],
    ] as const) {
      await act(async () => lab.store.getState().reviewAt(position));
      await untilShown(lab);
      fireEvent.change(screen.getByRole('textbox', { name: 'Caption for this moment' }), { target: { value: text } });
      fireEvent.click(screen.getByRole('button', { name: 'Add caption' }));
    }
    expect(lab.store.getState().captions.map((c) => c.after)).toEqual([first, second]);
    // An empty caption is refused with a message.
    fireEvent.click(screen.getByRole('button', { name: 'Add caption' }));
    expect(screen.getAllByText(/Write the caption first/).length).toBeGreaterThan(0);

    // Share from live: the link carries both captions.
    act(() => lab.store.getState().leaveReview());
    const url = await act(async () => lab.store.getState().shareLink());
    const hash = new URL(url!).hash;
    const decoded = await decodeRunLink(new URLSearchParams(hash.slice(1)).get('run')!);
    if (!decoded.ok) throw new Error(decoded.error);
    expect(decoded.run.captions?.map((c) => c.text)).toEqual([
      'No leader yet: the election timers are running down.',
      'Now the leader has sent x=1: watch the followers store it.',
    ]);
    unmount();

    // Opened elsewhere: a lesson of two steps, on the first caption's moment.
    const other = renderLab();
    await act(async () => {
      expect(await other.lab.store.getState().openRunLink(hash)).toBe(true);
    });
    await untilShown(other.lab);
    const region = screen.getByRole('region', { name: 'Lesson' });
    expect(within(region).getByText(/No leader yet: the election timers are running down\./)).toBeInTheDocument();
    expect(within(region).getByText('Step 1 of 2')).toBeInTheDocument();
    expect(other.lab.store.getState().review).toBe(first);
    expect(other.lab.store.getState().nodes.every((n) => n.role !== 'leader')).toBe(true);
    expect(within(region).getByRole('button', { name: 'Back' })).toBeDisabled();
    await act(() => {
      fireEvent.click(within(region).getByRole('button', { name: 'Next' }));
      return Promise.resolve();
    });
    await untilShown(other.lab);
    expect(other.lab.store.getState().review).toBe(second);
    expect(within(region).getByText(/watch the followers store it/)).toBeInTheDocument();
    expect(within(region).getByRole('button', { name: 'Next' })).toBeDisabled();
    await act(() => {
      fireEvent.click(within(region).getByRole('button', { name: 'Back' }));
      return Promise.resolve();
    });
    await untilShown(other.lab);
    expect(other.lab.store.getState().review).toBe(first);
  });
});

describe('captions in a link are validated', () => {
  it('refuses an empty or oversized caption, naming it', async () => {
    const { checkRun } = await import('../../src/store/runCodec');
    const base = { format: 1, options: { nodes: 3 }, seed: 1, actions: [], moment: { after: 10, at: 50 } };
    const empty = checkRun({ ...base, captions: [{ after: 1, at: 5, text: '' }] });
    expect(empty.ok).toBe(false);
    if (!empty.ok) expect(empty.error).toMatch(/captions.*must not be empty/);
    const long = checkRun({ ...base, captions: [{ after: 1, at: 5, text: 'x'.repeat(501) }] });
    expect(long.ok).toBe(false);
    if (!long.ok) expect(long.error).toMatch(/at most 500 characters/);
    expect(checkRun({ ...base, captions: [{ after: 1, at: 5, text: 'Look here.' }] }).ok).toBe(true);
  });
});
