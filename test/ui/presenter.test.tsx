// @vitest-environment jsdom
// Presenter needs of issue 9 (RaftScope parity): a request to a chosen node,
// where a follower refuses and says who it thinks leads.
import '@testing-library/jest-dom/vitest';
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { ringLayout } from '../../src/ui/geometry';
import { hitRadius } from '../../src/ui/MessageCanvas';
import { placeTooltip } from '../../src/ui/MessageTooltip';
import { advance, renderLab, settle, untilLeader } from './helpers';

afterEach(cleanup);

describe('Send to: a request to a chosen node', () => {
  it('defaults to the newest leader and lists every node', () => {
    renderLab();
    const select = screen.getByRole('combobox', { name: 'Send to' });
    expect((select as HTMLSelectElement).value).toBe('leader');
    expect(
      within(select)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Newest leader', 'Node 1', 'Node 2', 'Node 3', 'Node 4', 'Node 5']);
  });

  it('a follower refuses, saying which node it thinks leads, and nothing is appended', async () => {
    const { lab } = renderLab();
    const leader = await untilLeader(lab);
    await act(async () => lab.store.getState().advance(200)); // heartbeats tell followers who leads
    const follower = lab.store.getState().nodes.find((n) => n.role === 'follower' && n.alive)!;
    fireEvent.change(screen.getByRole('combobox', { name: 'Send to' }), { target: { value: String(follower.id) } });
    expect(screen.getByText(new RegExp(`Goes to node ${follower.id}, which is a follower: it will refuse`))).toBeTruthy();
    const before = lab.store.getState().nodes.map((n) => n.log.length);
    await userEvent.type(screen.getByRole('textbox', { name: 'Command' }), 'x=1{Enter}');
    expect(
      screen.getByText(
        `Node ${follower.id} is a follower, so it refused the command: only the leader takes requests — it thinks node ${leader} leads (term ${follower.term}) and would send the client there.`,
      ),
    ).toBeTruthy();
    expect(lab.store.getState().nodes.map((n) => n.log.length)).toEqual(before);
    expect(lab.store.getState().pending).toBeNull();
  });

  it('the chosen leader takes the command', async () => {
    const { lab } = renderLab();
    const leader = await untilLeader(lab);
    fireEvent.change(screen.getByRole('combobox', { name: 'Send to' }), { target: { value: String(leader) } });
    await userEvent.type(screen.getByRole('textbox', { name: 'Command' }), 'y=2{Enter}');
    expect(lab.store.getState().pending).toMatchObject({ command: 'y=2', leader });
  });

  it('a crashed node does not answer; an unknown target is refused with a message', async () => {
    const { lab } = renderLab();
    await untilLeader(lab);
    await act(async () => lab.store.getState().crash(2));
    fireEvent.change(screen.getByRole('combobox', { name: 'Send to' }), { target: { value: '2' } });
    await userEvent.type(screen.getByRole('textbox', { name: 'Command' }), 'z=3{Enter}');
    expect(screen.getByText(/Node 2 is crashed, so nothing answered the request/)).toBeTruthy();
    act(() => lab.store.getState().setCommandTarget(9));
    expect(lab.store.getState().commandTarget).toBe(2);
    expect(screen.getByText(/There is no node 9 to send to/)).toBeTruthy();
  });
});

describe('presenter keys', () => {
  it('"." and PageDown (a presentation clicker) step; PageUp goes back', async () => {
    const { lab } = renderLab();
    await act(async () => {
      fireEvent.keyDown(document.body, { key: '.' });
      await new Promise((r) => setTimeout(r, 0));
    });
    const afterDot = lab.store.getState().cluster.now();
    expect(afterDot).toBeGreaterThan(0);
    await act(async () => {
      fireEvent.keyDown(document.body, { key: 'PageDown' });
      await new Promise((r) => setTimeout(r, 0));
    });
    expect(lab.store.getState().cluster.now()).toBeGreaterThan(afterDot);
    act(() => {
      fireEvent.keyDown(document.body, { key: 'PageUp' });
    });
    expect(lab.store.getState().review).not.toBeNull();
  });

  it('Esc from the shortcuts overlay opened by "?" returns the focus to the "?" button', () => {
    renderLab();
    fireEvent.keyDown(document.body, { key: '?' });
    expect(screen.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeTruthy();
    fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByRole('button', { name: 'Keyboard shortcuts' })).toHaveFocus();
  });
});

describe('drawing for a projector', () => {
  it('presenter layout fills the box: nodes inside it, apart from each other, and larger than in the fixed view', () => {
    for (const n of [3, 5, 7, 9]) {
      const fitted = ringLayout(n, { width: 870, height: 320 });
      expect(fitted.width).toBe(870);
      expect(fitted.height).toBe(320);
      for (const c of fitted.centres) {
        expect(c.x - fitted.nodeRadius).toBeGreaterThanOrEqual(0);
        expect(c.x + fitted.nodeRadius).toBeLessThanOrEqual(870);
        expect(c.y - fitted.nodeRadius).toBeGreaterThanOrEqual(0);
        expect(c.y + fitted.nodeRadius).toBeLessThanOrEqual(320);
      }
      const gaps = fitted.centres.map((c, i) => Math.hypot(c.x - fitted.centres[(i + 1) % n]!.x, c.y - fitted.centres[(i + 1) % n]!.y));
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(2 * (fitted.nodeRadius + 10));
      // One view unit is one pixel here; the fixed 560 × 420 view is drawn at 320/420 of its size in this box.
      expect(fitted.nodeRadius).toBeGreaterThan(ringLayout(n).nodeRadius * (320 / 420));
    }
  });

  it('a moving message is a target of at least 28 px however small the drawing', () => {
    expect(2 * hitRadius(1) * 1).toBeGreaterThanOrEqual(28);
    expect(2 * hitRadius(0.5) * 0.5).toBeGreaterThanOrEqual(28);
    expect(2 * hitRadius(2) * 2).toBeGreaterThanOrEqual(28);
  });

  it('the message tooltip does not cover the nodes the message travels between', () => {
    const size = { width: 240, height: 150 };
    const view = { width: 800, height: 400 };
    // The receiver sits just below-right of the pointer: the default place would cover it.
    const receiver = { x: 400, y: 260, r: 60 };
    const at = placeTooltip(300, 150, size, view, [receiver]);
    const nx = Math.max(at.left, Math.min(receiver.x, at.left + size.width));
    const ny = Math.max(at.top, Math.min(receiver.y, at.top + size.height));
    expect(Math.hypot(nx - receiver.x, ny - receiver.y)).toBeGreaterThanOrEqual(receiver.r);
    expect(at.left).toBeGreaterThanOrEqual(0);
    expect(at.top + size.height).toBeLessThanOrEqual(view.height);
    // Nothing in the way: below-right of the pointer.
    expect(placeTooltip(300, 150, size, view, [])).toEqual({ left: 314, top: 164 });
  });
});

describe('Align and spread timers (RaftScope parity)', () => {
  it('Align timers gives every waiting node the same deadline, and they split the vote', async () => {
    const { lab } = renderLab();
    await advance(lab, 20);
    fireEvent.click(screen.getByRole('button', { name: 'Align timers' }));
    await act(async () => settle());
    const deadlines = new Set(lab.store.getState().nodes.map((n) => n.electionDeadline));
    expect(deadlines.size).toBe(1);
    expect(screen.getByText(/Timers aligned: nodes 1, 2, 3, 4, 5 will all time out together in 150 ms/)).toBeTruthy();
    // All five become candidates of the same term at once: each votes for itself, none gets a majority.
    const at = [...deadlines][0]!;
    await advance(lab, at - lab.store.getState().nowMs + 1);
    const nodes = lab.store.getState().nodes;
    expect(nodes.every((n) => n.role === 'candidate' && n.term === 1)).toBe(true);
  });

  it('Spread timers (key E) orders the deadlines by id, one clearly first', async () => {
    const { lab } = renderLab();
    await advance(lab, 20);
    await act(async () => {
      fireEvent.keyDown(document.body, { key: 'e' });
      await settle();
    });
    const d = lab.store.getState().nodes.map((n) => n.electionDeadline);
    for (let i = 1; i < d.length; i++) expect(d[i]!).toBeGreaterThan(d[i - 1]!);
    expect(screen.getByText(/Timers spread: node 1 times out first/)).toBeTruthy();
  });

  it('with a leader, only the followers are aligned; key A does it too', async () => {
    const { lab } = renderLab();
    const leader = await untilLeader(lab);
    await act(async () => {
      fireEvent.keyDown(document.body, { key: 'a' });
      await settle();
    });
    const followers = lab.store.getState().nodes.filter((n) => n.id !== leader);
    expect(new Set(followers.map((n) => n.electionDeadline)).size).toBe(1);
    expect(lab.store.getState().nodes[leader - 1]!.electionDeadline).toBe(Infinity);
  });
});

describe('Pause while inspecting (optional)', () => {
  it('off by default; on, the inspector holds a playing run still and closing it plays again — unless the user chose meanwhile', () => {
    const { lab } = renderLab();
    act(() => lab.store.getState().setPlaying(true));
    fireEvent.keyDown(document.body, { key: '2' });
    expect(lab.store.getState().playing).toBe(true); // off: nothing held
    fireEvent.click(screen.getByRole('checkbox', { name: 'Pause while inspecting' }));
    expect(lab.store.getState().playing).toBe(false);
    fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(lab.store.getState().playing).toBe(true);
    // Open again (held), press Play then Pause by hand: the user's choice (paused) stands after closing.
    fireEvent.keyDown(document.body, { key: '3' });
    expect(lab.store.getState().playing).toBe(false);
    act(() => lab.store.getState().togglePlaying());
    act(() => lab.store.getState().togglePlaying());
    fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(lab.store.getState().playing).toBe(false);
  });
});

describe('ring and space-time diagram in step', () => {
  it('Show in the In flight list selects the message in the diagram (and its arrow is marked selected there)', async () => {
    const { lab, container } = renderLab();
    await act(async () => {
      await lab.store.getState().timeoutNode(1);
    });
    fireEvent.click(screen.getByRole('tab', { name: 'In flight' }));
    const show = screen.getAllByRole('button', { name: /^Show message \d+ in the space-time diagram$/ });
    expect(show).toHaveLength(4);
    const id = Number(/Show message (\d+)/.exec(show[1]!.getAttribute('aria-label')!)![1]);
    act(() => {
      fireEvent.click(show[1]!);
      lab.driver.emit();
    });
    expect(lab.store.getState().selectedMessage).toBe(id);
    expect(container.querySelector('[data-st="selected-message"]')).not.toBeNull();
  });

  it('a mark selected in the diagram highlights its line in the Events list, and clicking a line selects its mark', async () => {
    const { lab } = renderLab();
    const leader = await untilLeader(lab);
    const list = screen.getByRole('list', { name: 'Events, newest first' });
    const line = within(list)
      .getAllByRole('listitem')
      .find((li) => li.textContent?.includes(`Node ${leader} became leader`))!;
    expect(line).toBeTruthy();
    act(() => {
      fireEvent.click(line);
    });
    const mark = lab.store.getState().selectedMark;
    expect(mark).not.toBeNull();
    const chosen = lab.store
      .getState()
      .spaceTime()
      .marks.find((m) => m.id === mark)!;
    expect(chosen.node).toBe(leader);
    expect(
      within(list)
        .getAllByRole('listitem')
        .filter((li) => li.getAttribute('aria-current') === 'true').length,
    ).toBeGreaterThanOrEqual(1);
    act(() => lab.store.getState().selectMark(null));
    expect(
      within(list)
        .getAllByRole('listitem')
        .filter((li) => li.getAttribute('aria-current') === 'true'),
    ).toHaveLength(0);
  });
});
