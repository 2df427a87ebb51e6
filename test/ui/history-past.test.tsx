// @vitest-environment jsdom
// In the past, every panel shows that moment (issue 9, bug 4): the Events
// list stops at it and the Client note is the one shown then; "Live" plays
// again if the run was playing when the review began.
import '@testing-library/jest-dom/vitest';
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { advance, renderLab, untilLeader, untilShown } from './helpers';

afterEach(cleanup);

const events = () => screen.getByRole('list', { name: 'Events, newest first' });
const clientPanel = () => screen.getByRole('region', { name: 'Client' });
/** The live position on the timeline (events processed so far). */
const live = (lab: { store: { getState(): { historySize: number } } }) => lab.store.getState().historySize - 1;

describe('the past, whole', () => {
  it('shows the Events and the Client note of the moment on show, and the present again on Live', async () => {
    const { lab } = renderLab();
    await untilLeader(lab);
    // The moment after N events holds the actions taken before event N + 1: the command is in moment `live`, not before it.
    const beforeCommand = live(lab) - 1;
    await act(async () => {
      await lab.store.getState().submitCommand('x=1');
    });
    // One event after the send: the note says it was sent, not yet committed.
    const sent = live(lab) + 1;
    await advance(lab, 300);
    expect(within(clientPanel()).getByText(/“x=1” .* is committed/)).toBeInTheDocument();
    expect(events()).toHaveTextContent(/became leader/);
    const liveLines = within(events()).getAllByRole('listitem').length;

    // The last moment before the command: no note yet, and no event after it.
    act(() => {
      fireEvent.change(screen.getByRole('slider', { name: 'History' }), { target: { value: String(beforeCommand) } });
    });
    await untilShown(lab);
    const at = lab.store.getState().reviewFrame!.at;
    expect(within(clientPanel()).queryByText(/x=1/)).toBeNull();
    const times = within(events())
      .getAllByRole('listitem')
      .map((li) => Number.parseFloat(li.textContent ?? ''));
    expect(times.length).toBeLessThan(liveLines);
    expect(Math.max(...times)).toBeLessThanOrEqual(at / 1000);
    expect(screen.getByText(/Events up to .* the moment on show/)).toBeInTheDocument();

    // A moment after the send, before the commit: the note said it was sent, uncommitted.
    expect(sent).toBeGreaterThan(beforeCommand);
    await act(async () => lab.store.getState().reviewAt(sent));
    expect(within(clientPanel()).getByText(/Sent “x=1” to leader node \d+/)).toBeInTheDocument();
    expect(within(clientPanel()).queryByText(/is committed/)).toBeNull();

    act(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Live' }));
    });
    expect(within(clientPanel()).getByText(/“x=1” .* is committed/)).toBeInTheDocument();
    expect(within(events()).getAllByRole('listitem')).toHaveLength(liveLines);
  });

  it('Live plays again if the run was playing when the review began, and stays paused if it was not', async () => {
    const { lab } = renderLab();
    await untilLeader(lab);
    act(() => lab.store.getState().setPlaying(true));
    act(() => {
      fireEvent.keyDown(document.body, { key: 'ArrowLeft' });
    });
    await untilShown(lab);
    expect(lab.store.getState().playing).toBe(false);
    act(() => {
      fireEvent.keyDown(document.body, { key: 'ArrowLeft' });
    });
    await untilShown(lab);
    act(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Live' }));
    });
    expect(lab.store.getState().review).toBeNull();
    expect(lab.store.getState().playing).toBe(true);

    act(() => lab.store.getState().setPlaying(false));
    act(() => {
      fireEvent.keyDown(document.body, { key: 'ArrowLeft' });
    });
    await untilShown(lab);
    act(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Live' }));
    });
    expect(lab.store.getState().review).toBeNull();
    expect(lab.store.getState().playing).toBe(false);
    // While live, the (hidden) Live button is not a button anyone can reach.
    expect(screen.queryByRole('button', { name: 'Live' })).toBeNull();
  });
});
