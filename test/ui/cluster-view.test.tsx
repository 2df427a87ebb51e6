// @vitest-environment jsdom
// The cluster drawing and the inspector, through their accessible names
// (a contract the browser tests and screen readers rely on).
import '@testing-library/jest-dom/vitest';
import { HIT_RADIUS, messageAt, placeMessages, viewTransform } from '../../src/ui/MessageCanvas';
import { ringLayout } from '../../src/ui/geometry';
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { advance, renderLab, settle, untilLeader } from './helpers';

afterEach(cleanup);

describe('cluster view', () => {
  it('shows each node as a button "Node N, role, term T"', () => {
    renderLab();
    for (let id = 1; id <= 5; id++) {
      expect(screen.getByRole('button', { name: `Node ${id}, follower, term 0` })).toBeInTheDocument();
    }
  });

  it('names the leader once it is elected; selection is aria-pressed, not in the name', async () => {
    const { lab } = renderLab();
    const leader = await untilLeader(lab);
    const button = screen.getByRole('button', { name: new RegExp(`^Node ${leader}, leader, term \\d+`) });
    expect(screen.getAllByRole('button', { name: /^Node \d, leader, term \d+/ })).toHaveLength(1);
    expect(button).toHaveAttribute('aria-pressed', 'false');
    fireEvent.click(button);
    expect(button).toHaveAttribute('aria-pressed', 'true');
    expect(button).toHaveAccessibleName(new RegExp(`^Node ${leader}, leader, term \\d+$`));
    fireEvent.click(button); // pressing again keeps it selected
    expect(button).toHaveAttribute('aria-pressed', 'true');
    fireEvent.click(screen.getByRole('button', { name: 'Close inspector' }));
    expect(button).toHaveAttribute('aria-pressed', 'false');
    expect(screen.queryByRole('region', { name: /^Node/ })).toBeNull();
  });

  it('shows votedFor and a candidate’s votes on the node', async () => {
    const { lab, container } = renderLab();
    await act(async () => {
      await lab.store.getState().timeoutNode(3);
    });
    expect(screen.getByRole('button', { name: 'Node 3, candidate, term 1' })).toBeInTheDocument();
    expect(container.querySelector('.role-candidate .node-sub')).toHaveTextContent('1 of 3 votes');
    await advance(lab, 60);
    expect(screen.getByRole('button', { name: 'Node 3, leader, term 1' })).toBeInTheDocument();
    expect(container.querySelectorAll('.role-follower .node-sub')[0]).toHaveTextContent('voted 3');
  });

  it('selecting a node shows a region "Node N …" with its state and the five actions', async () => {
    const { lab } = renderLab();
    const leader = await untilLeader(lab);
    fireEvent.click(screen.getByRole('button', { name: new RegExp(`^Node ${leader},`) }));
    const region = screen.getByRole('region', { name: new RegExp(`^Node ${leader}`) });
    for (const action of ['Crash', 'Restart', 'Disconnect', 'Reconnect', 'Time out']) {
      expect(within(region).getByRole('button', { name: new RegExp(`^${action}`) })).toBeInTheDocument();
    }
    expect(within(region).getByText(/survives a crash/)).toBeInTheDocument();
    expect(within(region).getByText(/lost on a crash/)).toBeInTheDocument();
    expect(within(region).getByRole('table', { name: /followers/ })).toHaveTextContent(/nextIndex/);
    expect(within(region).getByRole('button', { name: /^Time out/ })).toBeDisabled(); // a leader has no election timer
    expect(within(region).getByRole('button', { name: /^Reconnect/ })).toBeDisabled();
  });

  it('Crash, Restart, Disconnect, Reconnect and Time out act on the selected node', async () => {
    const { lab } = renderLab();
    await untilLeader(lab);
    fireEvent.click(screen.getByRole('button', { name: /^Node 2,/ }));
    const region = () => screen.getByRole('region', { name: /^Node 2/ });
    await act(async () => {
      fireEvent.click(within(region()).getByRole('button', { name: /^Crash/ }));
      await settle();
    });
    expect(screen.getByRole('button', { name: /^Node 2, crashed, term \d+/ })).toBeInTheDocument();
    expect(within(region()).getByRole('button', { name: /^Crash/ })).toBeDisabled();
    await act(async () => {
      fireEvent.click(within(region()).getByRole('button', { name: /^Restart/ }));
      await settle();
    });
    expect(screen.getByRole('button', { name: /^Node 2, follower, term \d+/ })).toBeInTheDocument();
    fireEvent.click(within(region()).getByRole('button', { name: /^Disconnect/ }));
    expect(lab.store.getState().cluster.connected(2)).toBe(false);
    expect(within(region()).getByText(/cable unplugged/)).toBeInTheDocument();
    fireEvent.click(within(region()).getByRole('button', { name: /^Reconnect/ }));
    expect(lab.store.getState().cluster.connected(2)).toBe(true);
    const term = lab.store.getState().nodes[1]!.term;
    await act(async () => {
      fireEvent.click(within(region()).getByRole('button', { name: /^Time out/ }));
      await settle();
    });
    expect(screen.getByRole('button', { name: `Node 2, candidate, term ${term + 1}` })).toBeInTheDocument();
  });

  it('clicking a link cuts it both ways and clicking again restores it; the inspector cuts one direction', async () => {
    const { lab, container } = renderLab();
    const hit = () => container.querySelector('[data-link="1-2"] .link-hit')!;
    fireEvent.click(hit());
    expect(container.querySelectorAll('[data-link="1-2"] .link-line.is-cut')).toHaveLength(2);
    expect(lab.store.getState().cluster.linkUp(1, 2)).toBe(false);
    expect(lab.store.getState().cluster.linkUp(2, 1)).toBe(false);
    fireEvent.click(hit());
    expect(lab.store.getState().cluster.linkUp(1, 2)).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: /^Node 1,/ }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Link 1 → 2 up' }));
    expect(lab.store.getState().cluster.linkUp(1, 2)).toBe(false);
    expect(lab.store.getState().cluster.linkUp(2, 1)).toBe(true);
    await advance(lab, 1);
    expect(container.querySelectorAll('[data-link="1-2"] .link-line')).toHaveLength(2); // two lanes
    expect(container.querySelectorAll('[data-link="1-2"] .link-line.is-cut')).toHaveLength(1);
  });

  it('draws messages in flight on the canvas layer, between links and nodes', async () => {
    const { lab, container } = renderLab();
    await act(async () => {
      await lab.store.getState().timeoutNode(1);
    });
    act(() => lab.driver.emit());
    const canvas = container.querySelector('canvas.message-canvas');
    expect(canvas).toHaveAttribute('aria-hidden', 'true');
    expect(canvas).toHaveAttribute('data-count', '4'); // RequestVote to each peer
    const layers = [...container.querySelectorAll('.cluster-view > *')].map((el) => el.getAttribute('class'));
    expect(layers.slice(0, 3)).toEqual(['layer-links', 'message-canvas', 'layer-nodes']);
  });

  it('places each message by virtual time along its lane, and finds the one under the pointer', async () => {
    const { lab } = renderLab();
    await act(async () => {
      await lab.store.getState().timeoutNode(1);
    });
    const list = lab.store.getState().cluster.inFlight();
    const layout = ringLayout(5);
    const m = list[0]!;
    const atSend = placeMessages([m], layout, m.sentAt, false)[0]!;
    const halfway = placeMessages([m], layout, (m.sentAt + m.deliverAt) / 2, false)[0]!;
    const atDue = placeMessages([m], layout, m.deliverAt, false)[0]!;
    expect(halfway.x).toBeCloseTo((atSend.x + atDue.x) / 2, 5);
    expect(halfway.y).toBeCloseTo((atSend.y + atDue.y) / 2, 5);
    const placed = placeMessages(list, layout, m.sentAt, false);
    expect(messageAt(placed, atSend.x + 3, atSend.y - 3)?.id).toBeDefined();
    expect(messageAt(placed, atSend.x + HIT_RADIUS + 30, atSend.y)).toBeNull();
    // "meet" scaling: a 1120 × 420 box centres the 560 × 420 view horizontally.
    expect(viewTransform(1120, 420)).toEqual({ scale: 1, ox: 280, oy: 0 });
  });

  it('the In flight tab lists messages with their fields and a Drop button each', async () => {
    const { lab } = renderLab();
    await act(async () => {
      await lab.store.getState().timeoutNode(1);
    });
    fireEvent.click(screen.getByRole('tab', { name: 'In flight' }));
    const drops = screen.getAllByRole('button', { name: /^Drop message \d+, RequestVote 1 → \d/ });
    expect(drops).toHaveLength(4);
    expect(screen.getAllByText(/lastLogIndex 0/)).toHaveLength(4);
    act(() => {
      fireEvent.click(drops[0]!);
      lab.driver.emit();
    });
    expect(screen.getAllByRole('button', { name: /^Drop message/ })).toHaveLength(3);
  });
});
