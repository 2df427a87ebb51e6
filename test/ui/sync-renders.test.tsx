// @vitest-environment jsdom
// What a store sync costs the view (issue 12): a sync that changes only what
// a panel does not show leaves it alone (panels select what they show), the
// space-time diagram out of sight follows a fast run twice a second, and the
// per-frame and per-commit code reads no layout (a read after a commit
// dirtied the page forces the browser to lay it out there and then).
import '@testing-library/jest-dom/vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import { Profiler, type ProfilerOnRenderCallback, type ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLab, type Lab } from '../../src/store';
import { CommandBox } from '../../src/ui/CommandBox';
import { LabProvider } from '../../src/ui/LabContext';
import { LeaderSummary } from '../../src/ui/LeaderSummary';
import { NodesSummary } from '../../src/ui/NodesSummary';
import { SpaceTimeDiagram } from '../../src/ui/SpaceTimeDiagram';
import { advance, renderLab, untilLeader } from './helpers';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

/** Renders `panels` in a lab, each in a Profiler: commits[name] counts the commits that rendered it. */
function renderCounted(lab: Lab, panels: Record<string, ReactNode>) {
  const commits: Record<string, number> = {};
  const onRender: ProfilerOnRenderCallback = (id) => {
    commits[id] = (commits[id] ?? 0) + 1;
  };
  render(
    <LabProvider lab={lab}>
      {Object.entries(panels).map(([name, panel]) => (
        <Profiler key={name} id={name} onRender={onRender}>
          {panel}
        </Profiler>
      ))}
    </LabProvider>,
  );
  return commits;
}

describe('a store sync re-renders only the panels whose content it changed', () => {
  it('heartbeats (new timers in every snapshot) leave the Client box, the leader line and the nodes table alone; a command changes the Client box and the table, not the leader line', async () => {
    const lab = createLab({ nodes: 5, seed: 1, playing: false, clock: 'manual' });
    const commits = renderCounted(lab, {
      client: <CommandBox />,
      leader: <LeaderSummary />,
      table: <NodesSummary />,
    });
    const leader = await untilLeader(lab);
    await advance(lab, 300); // the election's last replies are in
    const before = { ...commits };
    let snapshots = 0;
    for (let i = 0; i < 10; i++) {
      const nodes = lab.store.getState().nodes;
      await advance(lab, 60); // more than a heartbeat interval: every follower's timer is reset
      if (lab.store.getState().nodes !== nodes) snapshots++;
    }
    // The syncs did change the nodes' snapshots (timers), and nothing else these panels show.
    expect(snapshots).toBe(10);
    // …each sync in one store update: every subscriber's selector runs once per sync, not once per concern.
    let updates = 0;
    const unsubscribe = lab.store.subscribe(() => updates++);
    await act(async () => {
      await lab.store.getState().advance(60, { sync: false });
      lab.store.getState().sync();
    });
    unsubscribe();
    expect(updates).toBe(1);
    expect(lab.store.getState().nodes.find((n) => n.role === 'leader')?.id).toBe(leader);
    expect(commits).toEqual(before);
    expect(screen.getByText(new RegExp(`Goes to leader node ${leader} \\(term \\d+\\)\\.`))).toBeInTheDocument();

    // What they show changes: a command's note, and the log column of every node that stored it.
    await act(async () => {
      await lab.store.getState().submitCommand('x=1');
    });
    await advance(lab, 300);
    expect(commits.client).toBeGreaterThan(before.client!);
    expect(commits.table).toBeGreaterThan(before.table!);
    // The leader's snapshot changed (its log, its commit index), not who leads: the leader line stays.
    expect(commits.leader).toBe(before.leader);
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows.map((r) => r.querySelectorAll('td')[3]?.textContent)).toEqual(['1', '1', '1', '1', '1']);
  });
});

/** An IntersectionObserver stand-in that reports every element as `visible`. */
function stubIntersection(visible: boolean) {
  vi.stubGlobal(
    'IntersectionObserver',
    class {
      constructor(private readonly report: IntersectionObserverCallback) {}
      observe() {
        this.report([{ isIntersecting: visible } as IntersectionObserverEntry], this as unknown as IntersectionObserver);
      }
      disconnect() {}
    },
  );
}

describe('the space-time diagram out of sight', () => {
  /** The status line ("N messages in view") after each of `syncs` syncs 60 virtual ms apart, the wall clock standing still. */
  async function statusPerSync(lab: Lab, syncs: number): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < syncs; i++) {
      await advance(lab, 60);
      out.push(document.querySelector('[data-st="status"]')!.textContent ?? '');
    }
    return out;
  }

  it('follows a fast run twice a second while out of sight, and every sync while in sight or slow', async () => {
    let wall = 10_000;
    vi.spyOn(performance, 'now').mockImplementation(() => wall);
    for (const [visible, speed, calm] of [
      [false, 10, true],
      [true, 10, false],
      [false, 1, false],
    ] as const) {
      stubIntersection(visible);
      const lab = createLab({ nodes: 5, seed: 1, playing: false, clock: 'manual', speed });
      render(
        <LabProvider lab={lab}>
          <SpaceTimeDiagram />
        </LabProvider>,
      );
      await advance(lab, 400); // an election's messages fill the view
      act(() => lab.store.getState().setPlaying(true));
      const held = await statusPerSync(lab, 6);
      if (calm) expect(new Set(held).size, `out of sight at ${speed}×: ${held.join(' / ')}`).toBe(1);
      else expect(new Set(held).size, `${visible ? 'in sight' : 'out of sight'} at ${speed}×: ${held.join(' / ')}`).toBeGreaterThan(1);
      // Half a second of wall time later the next sync shows the live state.
      wall += 500;
      await advance(lab, 60);
      const live = lab.store.getState().spaceTime().messagesIn(-Infinity, Infinity, lab.store.getState().nowMs).length;
      expect(document.querySelector('[data-st="status"]')!.textContent).not.toBe(held[0]);
      expect(live).toBeGreaterThan(0);
      act(() => lab.store.getState().setPlaying(false));
      cleanup();
    }
  });
});

describe('no layout read in a frame or a commit', () => {
  it('the ring’s canvas takes its size from a ResizeObserver, and the Logs panel follows new entries from one, not from the frame or the commit', async () => {
    const observed: { callback: ResizeObserverCallback; target: Element }[] = [];
    vi.stubGlobal(
      'ResizeObserver',
      class {
        constructor(private readonly callback: ResizeObserverCallback) {}
        observe(target: Element) {
          observed.push({ callback: this.callback, target });
        }
        disconnect() {}
      },
    );
    vi.stubGlobal(
      'Path2D',
      class {
        constructor(readonly d: string) {}
      },
    );
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(
      new Proxy({}, { get: () => () => undefined }) as unknown as CanvasRenderingContext2D,
    );
    const { lab, container } = renderLab({ nodes: 3 });
    // The observers report once, after layout (as a browser does).
    act(() => {
      for (const { callback } of observed) callback([], {} as ResizeObserver);
    });
    const reads = {
      clientWidth: vi.spyOn(Element.prototype, 'clientWidth', 'get'),
      clientHeight: vi.spyOn(Element.prototype, 'clientHeight', 'get'),
      scrollWidth: vi.spyOn(Element.prototype, 'scrollWidth', 'get'),
    };
    await untilLeader(lab);
    await act(async () => {
      await lab.store.getState().submitCommand('x=1');
    });
    await advance(lab, 300); // the entry reaches every log: the Logs panel grows a column
    for (let i = 0; i < 5; i++) act(() => lab.driver.frame(i * 16));
    expect(lab.store.getState().nodes.every((n) => n.log.length === 1)).toBe(true);
    expect(reads.clientWidth).not.toHaveBeenCalled();
    expect(reads.clientHeight).not.toHaveBeenCalled();
    expect(reads.scrollWidth).not.toHaveBeenCalled();
    // The Logs panel still follows: its observer, after layout, scrolls the panel to the end.
    const scroller = container.querySelector<HTMLElement>('.logs-scroll')!;
    const rows = observed.find((o) => o.target.classList.contains('log-rows'));
    expect(rows).toBeDefined();
    reads.scrollWidth.mockReturnValue(900);
    act(() => rows!.callback([], {} as ResizeObserver));
    expect(scroller.scrollLeft).toBe(900);
  });
});
