// @vitest-environment jsdom
// The space-time diagram (issue 10): a lane per node, an arrow per message
// in view (dashed in flight, a cross where dropped, 2× on a duplicate), only
// what overlaps the visible time range drawn, selection through the store,
// the keyboard, the cursor at the moment on show, and a standalone SVG export.
import '@testing-library/jest-dom/vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLab, endOf, type Lab } from '../../src/store';
import { LabProvider } from '../../src/ui/LabContext';
import { SpaceTimeDiagram } from '../../src/ui/SpaceTimeDiagram';
import { DENSE_LIMIT, paintDrawing, type Drawing } from '../../src/ui/spaceTimeDrawing';
import { FOLLOW_PAD, HIT_LIMIT, INITIAL_SPAN_MS } from '../../src/ui/spaceTimeLayout';
import { advance, renderLab, untilLeader } from './helpers';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

/** An IntersectionObserver stand-in the test drives: `show(false)` scrolls every observed element out of sight. */
function stubIntersection() {
  const observers: { callback: IntersectionObserverCallback; targets: Element[] }[] = [];
  vi.stubGlobal(
    'IntersectionObserver',
    class {
      private readonly entry: { callback: IntersectionObserverCallback; targets: Element[] };
      constructor(callback: IntersectionObserverCallback) {
        this.entry = { callback, targets: [] };
        observers.push(this.entry);
      }
      observe(el: Element) {
        this.entry.targets.push(el);
      }
      disconnect() {
        this.entry.targets = [];
      }
    },
  );
  return (visible: boolean) =>
    act(() => {
      for (const o of observers) {
        const entries = o.targets.map((target) => ({ target, isIntersecting: visible }) as IntersectionObserverEntry);
        if (entries.length > 0) o.callback(entries, {} as IntersectionObserver);
      }
    });
}

interface Synthetic {
  id: number;
  from: number;
  to: number;
  type?: 'AppendEntries' | 'RequestVote' | 'AppendEntriesReply';
  sentAt: number;
  dueAt: number;
  entries?: number;
  duplicate?: boolean;
}

/** Feeds the lab's record a made-up message (no cluster involved) and returns the event's message. */
function send(lab: Lab, m: Synthetic) {
  const type = m.type ?? 'AppendEntries';
  const payload =
    type === 'AppendEntries'
      ? { type, entries: Array.from({ length: m.entries ?? 0 }, () => ({})) }
      : type === 'AppendEntriesReply'
        ? { type, success: true }
        : { type };
  const message = {
    id: m.id,
    from: m.from,
    to: m.to,
    type,
    sentAt: m.sentAt,
    deliverAt: m.dueAt,
    payload,
    duplicate: m.duplicate ?? false,
  };
  const record = lab.store.getState().spaceTime();
  record.add({ kind: m.duplicate ? 'duplicate' : 'send', at: m.sentAt, message } as never);
  return message;
}

function finish(lab: Lab, message: ReturnType<typeof send>, at: number, dropped = false) {
  const record = lab.store.getState().spaceTime();
  record.add((dropped ? { kind: 'drop', at, message, reason: 'by user' } : { kind: 'deliver', at, message }) as never);
}

/** Publishes the record's version, as a flush does. */
function publish(lab: Lab) {
  act(() => lab.store.setState({ spaceTimeVersion: lab.store.getState().spaceTime().version }));
}

function renderDiagram(props: Parameters<typeof SpaceTimeDiagram>[0] = {}) {
  const lab = createLab({ nodes: 3, seed: 1, playing: false, clock: 'manual' });
  const result = render(
    <LabProvider lab={lab}>
      <SpaceTimeDiagram {...props} />
    </LabProvider>,
  );
  return { ...result, lab };
}

const region = () => screen.getByRole('region', { name: 'Space-time diagram' });
const messageButtons = () => within(region()).queryAllByRole('button', { name: / from node \d+ to node \d+, sent at / });
/** What the canvas painted (it says so in data attributes: jsdom paints nothing). */
function painted(
  container: HTMLElement,
  what: 'arrows' | 'delivered' | 'flight' | 'dropped' | 'crosses' | 'duplicates' = 'arrows',
): number {
  return Number(container.querySelector('canvas.st-canvas')!.getAttribute(`data-${what}`));
}
/** How many messages overlap the visible range (before arrows on the same pixels are merged). */
function inView(container: HTMLElement): number {
  return Number(container.querySelector('[data-st="messages"]')!.getAttribute('data-in-view'));
}

describe('space-time diagram', () => {
  it('is a region in the app with a lane per node, and arrows and marks once the cluster runs', async () => {
    const { lab, container } = renderLab();
    expect(region()).toBeInTheDocument();
    for (let id = 1; id <= 5; id++) expect(within(region()).getByRole('button', { name: `Node ${id}` })).toBeInTheDocument();
    expect(container.querySelectorAll('[data-st="lanes"] line')).toHaveLength(5);
    const leader = await untilLeader(lab);
    await advance(lab, 100);
    const record = lab.store.getState().spaceTime();
    expect(record.messages.length).toBeGreaterThan(5);
    // Every message of the run so far is in view (the diagram follows the run and shows its first second).
    expect(messageButtons()).toHaveLength(record.messages.length);
    expect(inView(container)).toBe(record.messages.length);
    expect(within(region()).getByRole('button', { name: new RegExp(`^Node ${leader} became leader in term \\d+`) })).toBeInTheDocument();
    // A lane label selects its node, as the ring's button does.
    fireEvent.click(within(region()).getByRole('button', { name: 'Node 2' }));
    expect(lab.store.getState().selectedNode).toBe(2);
    expect(within(region()).getByRole('button', { name: 'Node 2' })).toHaveAttribute('aria-pressed', 'true');
  });

  it('draws a delivered arrow, a dashed arrow in flight, a cross at a drop and 2× on a duplicate', () => {
    const { lab, container } = renderDiagram();
    finish(lab, send(lab, { id: 1, from: 1, to: 2, sentAt: 100, dueAt: 106, entries: 2 }), 106);
    send(lab, { id: 2, from: 2, to: 3, type: 'RequestVote', sentAt: 120, dueAt: 180 });
    finish(lab, send(lab, { id: 3, from: 3, to: 1, type: 'AppendEntriesReply', sentAt: 130, dueAt: 140 }), 135, true);
    finish(lab, send(lab, { id: 4, from: 1, to: 3, sentAt: 140, dueAt: 150, duplicate: true }), 150);
    publish(lab);
    expect(
      screen.getByRole('button', { name: 'AppendEntries from node 1 to node 2, sent at 100 ms, received at 106 ms, 2 entries' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'RequestVote from node 2 to node 3, sent at 120 ms, in flight' })).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: /^AppendEntriesReply from node 3 to node 1, sent at 130 ms, dropped at 135 ms/ }),
    ).toBeInTheDocument();
    expect(messageButtons()).toHaveLength(4);
    // No name in the diagram contains another control's name: Playwright's getByRole matches by substring
    // ("delivered" would match the Live button).
    const names = within(region())
      .getAllByRole('button')
      .map((b) => b.getAttribute('aria-label') ?? b.textContent ?? '');
    for (const name of names) expect(name).not.toMatch(/live|pause|play|step|submit|share|heal|reset|continue/i);

    expect(painted(container, 'delivered')).toBe(2);
    expect(painted(container, 'flight')).toBe(1);
    expect(painted(container, 'dropped')).toBe(1);
    expect(painted(container, 'crosses')).toBe(1);
    expect(painted(container, 'duplicates')).toBe(1);

    // The same drawing in the export: the one in flight dashed, RequestVote orange and AppendEntries blue as on the ring.
    let exported = '';
    cleanup();
    const again = renderDiagram({ onExportSvg: (svg) => (exported = svg) });
    send(again.lab, { id: 2, from: 2, to: 3, type: 'RequestVote', sentAt: 120, dueAt: 180 });
    finish(again.lab, send(again.lab, { id: 1, from: 1, to: 2, sentAt: 100, dueAt: 106, entries: 2 }), 106);
    publish(again.lab);
    fireEvent.click(screen.getByRole('button', { name: 'Export SVG' }));
    const doc = new DOMParser().parseFromString(exported, 'image/svg+xml');
    const dashed = [...doc.querySelectorAll('path[stroke-dasharray]')];
    expect(dashed.map((p) => p.getAttribute('stroke'))).toEqual(['#e69f00']);
    const solid = [...doc.querySelectorAll('path[stroke="#0072b2"]')];
    expect(solid).toHaveLength(1);
    expect(solid[0]!.getAttribute('stroke-dasharray')).toBeNull();
  });

  it('scrolled out of sight its canvas is not painted, while its buttons follow the run; painted again when back (issue 12)', () => {
    const show = stubIntersection();
    // A 2D context that counts its paintings (each starts with one clearRect), seen by SpaceTimeCanvas as real.
    let paintings = 0;
    class FakeContext {}
    vi.stubGlobal('CanvasRenderingContext2D', FakeContext);
    const ctx = new Proxy(new FakeContext() as Record<string | symbol, unknown>, {
      get(target, key) {
        if (key === 'clearRect') return () => (paintings += 1);
        if (key in target) return target[key];
        return () => undefined;
      },
      set(target, key, value) {
        target[key] = value;
        return true;
      },
    });
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(ctx as unknown as CanvasRenderingContext2D);
    const { lab, container } = renderDiagram();
    finish(lab, send(lab, { id: 1, from: 1, to: 2, sentAt: 100, dueAt: 106 }), 106);
    publish(lab);
    expect(painted(container)).toBe(1);
    const before = paintings;
    expect(before).toBeGreaterThan(0);
    show(false);
    finish(lab, send(lab, { id: 2, from: 2, to: 3, sentAt: 110, dueAt: 120 }), 120);
    send(lab, { id: 3, from: 3, to: 1, sentAt: 130, dueAt: 190 });
    publish(lab);
    expect(paintings).toBe(before); // nothing painted out of sight…
    expect(messageButtons()).toHaveLength(3); // …but the buttons and the drawing follow the run
    expect(painted(container)).toBe(3);
    expect(container.querySelector('canvas.st-canvas')).toHaveAttribute('data-painted', 'false');
    show(true);
    expect(paintings).toBe(before + 1);
    expect(container.querySelector('canvas.st-canvas')).toHaveAttribute('data-painted', 'true');
  });

  it('paints each arrow as its own stroke, 1 px wide once more than DENSE_LIMIT are drawn', () => {
    const widths: number[] = [];
    const ctx = new Proxy<Record<string | symbol, unknown>>(
      {},
      {
        get(target, key) {
          if (key === 'stroke') return () => widths.push(target.lineWidth as number);
          if (key in target) return target[key];
          return () => undefined;
        },
        set(target, key, value) {
          target[key] = value;
          return true;
        },
      },
    ) as unknown as CanvasRenderingContext2D;
    const drawingOfN = (n: number): Drawing => ({
      groups: [
        { kind: 'append', reply: false, state: 'delivered', lines: Array.from({ length: n * 4 }, (_, i) => i), count: n, heads: true },
      ],
      crosses: [],
      duplicates: [],
      arrows: [],
      selected: null,
      drawn: n,
    });
    const palette = { message: { vote: '#e69f00', append: '#0072b2', heartbeat: '#56b4e9', snapshot: '#cc79a7' } } as never;
    paintDrawing(ctx, drawingOfN(3), palette, 100, 100, 1);
    expect(widths).toEqual([1.75, 1.75, 1.75]);
    widths.length = 0;
    paintDrawing(ctx, drawingOfN(DENSE_LIMIT + 1), palette, 100, 100, 1);
    expect(widths).toHaveLength(DENSE_LIMIT + 1);
    expect(new Set(widths)).toEqual(new Set([1]));
  });

  it('windows: with 10,000 messages in the run only those overlapping the visible range are drawn', () => {
    const { lab, container } = renderDiagram();
    const total = 10_000;
    for (let i = 0; i < total; i++) {
      const sentAt = i * 10;
      finish(lab, send(lab, { id: i, from: (i % 3) + 1, to: ((i + 1) % 3) + 1, sentAt, dueAt: sentAt + 5 }), sentAt + 5);
    }
    publish(lab);
    const record = lab.store.getState().spaceTime();
    const now = record.latestMs;
    // Following: now at the right edge (800 px wide in jsdom, FOLLOW_PAD from the edge) at the initial zoom.
    const k = 800 / INITIAL_SPAN_MS;
    const from = now - (800 - FOLLOW_PAD) / k;
    const to = now + FOLLOW_PAD / k;
    const expected = record.messages.filter((m) => m.sentAt <= to && endOf(m, now) >= from).length;
    expect(expected).toBeGreaterThan(80);
    expect(expected).toBeLessThan(120);
    expect(messageButtons()).toHaveLength(expected);
    expect(inView(container)).toBe(expected);
    expect(painted(container)).toBe(expected);
    expect(screen.getByText(`${expected} messages in view`)).toBeInTheDocument();

    // Zoomed far out, more is drawn but past HIT_LIMIT the arrows are not each a button.
    for (let i = 0; i < 6; i++) fireEvent.click(screen.getByRole('button', { name: 'Zoom out' }));
    const zoomedOut = inView(container);
    expect(zoomedOut).toBeGreaterThan(HIT_LIMIT);
    expect(zoomedOut).toBeLessThan(total);
    expect(painted(container)).toBeGreaterThan(0);
    expect(painted(container)).toBeLessThanOrEqual(zoomedOut); // arrows on the same pixels are painted once
    expect(messageButtons()).toHaveLength(0);
  });

  it('selecting an arrow sets selectedMessage; a mark selects itself and its node', () => {
    const { lab, container } = renderDiagram();
    finish(lab, send(lab, { id: 7, from: 1, to: 2, sentAt: 100, dueAt: 106 }), 106);
    send(lab, { id: 8, from: 2, to: 1, type: 'AppendEntriesReply', sentAt: 107, dueAt: 113 });
    lab.store.getState().spaceTime().add({ kind: 'role', at: 90, node: 3, role: 'leader', term: 2, reason: '' });
    publish(lab);
    const arrow = screen.getByRole('button', { name: /^AppendEntries from node 1 to node 2/ });
    fireEvent.click(arrow);
    expect(lab.store.getState().selectedMessage).toBe(7);
    expect(arrow).toHaveAttribute('aria-pressed', 'true');
    expect(container.querySelector('[data-st="selected-message"]')).not.toBeNull();
    expect(container.querySelector('[data-st="status"]')).toHaveTextContent(
      'AppendEntries from node 1 to node 2, sent at 100 ms, received at 106 ms',
    );
    // The selected message is the one tab stop among them; Enter on another selects that.
    expect(arrow).toHaveAttribute('tabindex', '0');
    const reply = screen.getByRole('button', { name: /^AppendEntriesReply from node 2 to node 1/ });
    fireEvent.keyDown(reply, { key: 'Enter' });
    expect(lab.store.getState().selectedMessage).toBe(8);

    lab.store.getState().spaceTime().add({ kind: 'crash', at: 95, node: 2, reason: 'by user' });
    publish(lab);
    // The marks: one tab stop (the newest), ← moves to the one before, Enter selects it.
    const crash = screen.getByRole('button', { name: 'Node 2 crashed, at 95 ms' });
    expect(crash).toHaveAttribute('tabindex', '0');
    crash.focus();
    fireEvent.keyDown(crash, { key: 'ArrowLeft' });
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Node 3 became leader in term 2, at 90 ms' }));
    fireEvent.click(screen.getByRole('button', { name: 'Node 3 became leader in term 2, at 90 ms' }));
    expect(lab.store.getState().selectedMark).not.toBeNull();
    expect(lab.store.getState().selectedNode).toBe(3);
    expect(lab.store.getState().selectedMessage).toBeNull();
  });

  it('a message selected elsewhere that is out of view is brought into view', () => {
    const { lab } = renderDiagram();
    for (let i = 0; i < 400; i++) finish(lab, send(lab, { id: i, from: 1, to: 2, sentAt: i * 10, dueAt: i * 10 + 4 }), i * 10 + 4);
    publish(lab);
    expect(screen.queryByRole('button', { name: /^AppendEntries from node 1 to node 2, sent at 500 ms/ })).toBeNull();
    act(() => lab.store.getState().selectMessage(50)); // as the ring would
    expect(screen.getByRole('button', { name: /^AppendEntries from node 1 to node 2, sent at 500 ms/ })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    expect(screen.getByRole('button', { name: 'Follow' })).toBeInTheDocument();
  });

  it('pans and zooms from the keyboard; panning stops following and Follow comes back', () => {
    const { lab, container } = renderDiagram();
    for (let i = 0; i < 400; i++) finish(lab, send(lab, { id: i, from: 1, to: 2, sentAt: i * 10, dueAt: i * 10 + 4 }), i * 10 + 4);
    publish(lab);
    const svg = () => container.querySelector('svg.st-svg')!;
    expect(svg()).toHaveAttribute('data-following', 'true');
    expect(screen.queryByRole('button', { name: 'Follow' })).toBeNull();
    const before = messageButtons().length;
    region().focus();
    fireEvent.keyDown(region(), { key: '+' });
    expect(messageButtons().length).toBeLessThan(before);
    expect(svg()).toHaveAttribute('data-following', 'true');
    const newest = () => messageButtons().at(-1)!.getAttribute('aria-label');
    const followingNewest = newest();
    fireEvent.keyDown(region(), { key: 'ArrowLeft' });
    expect(svg()).toHaveAttribute('data-following', 'false');
    expect(newest()).not.toBe(followingNewest);
    fireEvent.click(screen.getByRole('button', { name: 'Follow' }));
    expect(svg()).toHaveAttribute('data-following', 'true');
    expect(newest()).toBe(followingNewest);
    expect(screen.queryByRole('button', { name: 'Follow' })).toBeNull();
  });

  it('draws the cursor at the moment on show: a prop, or the history review in the app', async () => {
    const first = renderDiagram({ cursorMs: 50 });
    expect(first.container.querySelector('[data-st="cursor"]')).not.toBeNull();
    cleanup();
    const { lab, container } = renderLab();
    await untilLeader(lab);
    expect(container.querySelector('[data-st="cursor"]')).toBeNull();
    act(() => {
      fireEvent.change(screen.getByRole('slider', { name: 'History' }), { target: { value: '1' } });
    });
    expect(lab.store.getState().review).toBe(1);
    // The moment on show may take a seek to reach (the history replays the run to it).
    await waitFor(() => expect(lab.store.getState().reviewFrame).not.toBeNull());
    expect(container.querySelector('[data-st="cursor"] line')).not.toBeNull();
  });

  it('exports the visible diagram as a standalone SVG (inline colours, no classes or page CSS)', () => {
    let exported = '';
    const { lab } = renderDiagram({ onExportSvg: (svg) => (exported = svg) });
    finish(lab, send(lab, { id: 1, from: 1, to: 2, sentAt: 100, dueAt: 106, entries: 1 }), 106);
    finish(lab, send(lab, { id: 2, from: 2, to: 3, sentAt: 110, dueAt: 120 }), 115, true);
    publish(lab);
    fireEvent.click(screen.getByRole('button', { name: 'Export SVG' }));
    expect(exported.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const doc = new DOMParser().parseFromString(exported, 'image/svg+xml');
    expect(doc.querySelector('parsererror')).toBeNull();
    const root = doc.documentElement;
    expect(root.tagName).toBe('svg');
    expect([...root.querySelectorAll('text')].map((t) => t.textContent)).toEqual(expect.arrayContaining(['Node 1', 'Node 2', 'Node 3']));
    expect(root.querySelectorAll('path[stroke="#0072b2"]').length).toBeGreaterThan(0);
    expect(root.querySelectorAll('path[stroke="#d55e00"]').length).toBe(1); // the drop's cross
    expect(exported).not.toMatch(/class=|var\(--|role=|tabindex|aria-/);
    expect(root.querySelector('rect')?.getAttribute('fill')).toBe('#ffffff');
  });

  it('forgets the old run on Reset cluster', async () => {
    const { lab, container } = renderLab();
    await advance(lab, 600);
    expect(lab.store.getState().spaceTime().messages.length).toBeGreaterThan(0);
    await act(async () => {
      await lab.store.getState().resetCluster('3', '2');
    });
    expect(lab.store.getState().spaceTime().messages).toHaveLength(0);
    expect(painted(container)).toBe(0);
    expect(within(region()).queryByRole('button', { name: 'Node 4' })).toBeNull();
  });
});
