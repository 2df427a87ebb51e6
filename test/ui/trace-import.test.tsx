// @vitest-environment jsdom
// The import in the app (issue 14): "Import trace…" and its file chooser,
// the imported trace's banner with what is off, the panels that act on the
// engine gone, the Safety panel's violations with their jump, bad lines,
// Close trace back to a live run, and Download trace. The import runs
// inline here (jsdom has no Worker); the browser spec runs it in the worker.
import '@testing-library/jest-dom/vitest';
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TraceCluster } from '../../src/trace';
import { advance, renderLab } from './helpers';

afterEach(cleanup);

const fixture = (name: string) => readFileSync(join(process.cwd(), 'test/fixtures/traces', name), 'utf8');

/** Chooses a file in the Traces panel's file chooser and waits for the import to end. */
async function choose(text: string, name: string): Promise<void> {
  const input = screen.getByLabelText('Trace file');
  await act(async () => {
    fireEvent.change(input, { target: { files: [new File([text], name)] } });
    for (let i = 0; i < 200; i++) {
      await new Promise((r) => setTimeout(r, 5));
      if (!screen.queryByRole('progressbar', { name: 'Import progress' })) break;
    }
    await new Promise((r) => setTimeout(r, 20));
  });
}

describe('Import trace in the app', () => {
  it('imports the etcd fixture: banner, read-only panels, node state from the trace when stepping', async () => {
    const { lab } = renderLab({ traceImport: 'inline' });
    expect(screen.getByRole('button', { name: 'Import trace' })).toHaveTextContent('Import trace…');
    expect(screen.getByRole('region', { name: 'Client' })).toBeInTheDocument();
    await choose(fixture('etcd-election.ndjson'), 'etcd-election.ndjson');
    const banner = screen.getByRole('region', { name: 'Imported trace' });
    const events = (lab.store.getState().cluster as TraceCluster).length;
    expect(within(banner).getByRole('heading')).toHaveTextContent(`Imported trace: etcd-election.ndjson — etcd, ${events} events, 3 nodes`);
    expect(banner).toHaveTextContent(/commands, crashes, links, the network, timers, resets and sharing are off/);
    // The panels that act on the engine make way; the ring shows the trace's three nodes.
    expect(screen.queryByRole('region', { name: 'Client' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Reset cluster' })).toBeNull();
    expect(screen.queryByRole('button', { name: /Align timers/ })).toBeNull();
    expect(screen.getByRole('button', { name: 'Share' })).toBeDisabled();
    expect(screen.getAllByRole('button', { name: /^Node \d, / })).toHaveLength(3);
    // The empty inspector's hint does not offer what is off.
    expect(screen.getByText(/durable and volatile state, as the trace shows it/)).toBeInTheDocument();
    expect(screen.queryByText(/to crash, restart, disconnect or time it out/)).toBeNull();
    // Step through the trace until node 1 leads (playback works).
    for (let i = 0; i < 60 && !screen.queryByRole('button', { name: /^Node 1, leader, term 2/ }); i++) {
      await act(async () => {
        await lab.driver.step();
      });
    }
    expect(screen.getByRole('button', { name: /^Node 1, leader, term 2/ })).toBeInTheDocument();
    // The inspector has no actions, and says why.
    act(() => lab.store.getState().selectNode(2));
    const inspector = screen.getByRole('region', { name: 'Node 2 inspector' });
    expect(within(inspector).queryByRole('button', { name: 'Crash node 2' })).toBeNull();
    expect(inspector).toHaveTextContent(/An imported trace: crash, restart, disconnect, time out and leadership transfer are off/);
    // A shortcut that would crash it is refused, in the banner.
    await act(async () => {
      fireEvent.keyDown(window, { key: 'c' });
      await new Promise((r) => setTimeout(r, 0));
    });
    expect(within(banner).getByRole('alert')).toHaveTextContent(/This is an imported trace: crashing a node is off/);
  });

  it('a failing import says why and leaves the live run as it was', async () => {
    const { lab } = renderLab({ traceImport: 'inline' });
    await advance(lab, 600);
    const live = lab.store.getState().cluster;
    await choose('just some notes\nno trace here\n', 'notes.txt');
    expect(lab.store.getState().cluster).toBe(live);
    expect(screen.queryByRole('region', { name: 'Imported trace' })).toBeNull();
    const panel = screen.getByRole('region', { name: 'Traces' });
    expect(within(panel).getByRole('alert')).toHaveTextContent(/notes\.txt was not imported: Could not tell what kind of trace this is/);
    expect(screen.getByRole('region', { name: 'Client' })).toBeInTheDocument();
  });

  it('lists the bad lines of an import, at most 20 with a count', async () => {
    renderLab({ traceImport: 'inline' });
    const good = fixture('student-lab.log');
    const bad = Array.from(
      { length: 30 },
      (_, i) => `0009${String(i).padStart(2, '0')} VOTE S1 RL node=1 ev=vote cand=0 term=x granted=true`,
    ).join('\n');
    await choose(`${good}${bad}\n`, 'lab.log');
    const banner = screen.getByRole('region', { name: 'Imported trace' });
    expect(within(banner).getByText(/lines could not be read/)).toHaveTextContent(/^3\d lines could not be read/);
    const items = within(banner).getAllByRole('listitem');
    expect(items).toHaveLength(20);
    expect(items[0]).toHaveTextContent(/^line \d+: .*term/);
    expect(banner).toHaveTextContent(/…and 1\d more\./);
  });

  it('the Safety panel lists the planted double vote with its line, and Show seeks to it', async () => {
    const { lab } = renderLab({ traceImport: 'inline' });
    await choose(fixture('student-double-vote.log'), 'student-double-vote.log');
    await act(async () => {
      for (let i = 0; i < 200 && lab.store.getState().traceCheck?.state !== 'done'; i++) await new Promise((r) => setTimeout(r, 5));
    });
    const safety = screen.getByRole('region', { name: 'Safety' });
    const row = within(safety)
      .getAllByRole('listitem')
      .find((li) => li.textContent?.startsWith('One Vote Per Term'))!;
    expect(row).toHaveTextContent(/node 3 \(2 in the trace\), trace line 17/);
    expect(screen.getByText(/One Vote Per Term violated at line 17 \(node 3 \(2 in the trace\)\)/)).toBeInTheDocument();
    const check = lab.store.getState().traceCheck;
    const position = check?.state === 'done' ? check.violations.find((v) => v.property === 'One Vote Per Term')!.position : -1;
    await act(async () => {
      within(row).getByRole('button', { name: 'Show One Vote Per Term at line 17' }).click();
      await new Promise((r) => setTimeout(r, 50));
    });
    expect(lab.store.getState().cluster.processed()).toBe(position);
    expect(screen.getByRole('button', { name: /^Node 3, / })).toBeInTheDocument();
    expect(lab.store.getState().nodes.find((n) => n.id === 3)?.votedFor).toBe(2);
  });

  it('a clean trace shows safe; Close trace returns to a fresh live run', async () => {
    const { lab } = renderLab({ traceImport: 'inline' });
    await choose(fixture('etcd-election.ndjson'), 'etcd-election.ndjson');
    await act(async () => {
      for (let i = 0; i < 200 && lab.store.getState().traceCheck?.state !== 'done'; i++) await new Promise((r) => setTimeout(r, 5));
    });
    expect(within(screen.getByRole('region', { name: 'Safety' })).getByRole('status')).toHaveTextContent(
      /✓ Safe: no violation in the whole trace/,
    );
    await act(async () => {
      screen.getByRole('button', { name: 'Close trace' }).click();
      await new Promise((r) => setTimeout(r, 20));
    });
    expect(screen.queryByRole('region', { name: 'Imported trace' })).toBeNull();
    expect(lab.store.getState().cluster).not.toBeInstanceOf(TraceCluster);
    expect(screen.getAllByRole('button', { name: /^Node \d, / })).toHaveLength(5);
    expect(screen.getByRole('region', { name: 'Client' })).toBeInTheDocument();
  });

  it('Download trace saves the live run as raft-lab-trace.ndjson', async () => {
    const { lab } = renderLab({ traceImport: 'inline' });
    await advance(lab, 700);
    const created: Blob[] = [];
    URL.createObjectURL = vi.fn((b: Blob) => {
      created.push(b);
      return 'blob:trace';
    });
    URL.revokeObjectURL = vi.fn();
    let name = '';
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      name = this.download;
    });
    screen.getByRole('button', { name: 'Download trace' }).click();
    click.mockRestore();
    expect(name).toBe('raft-lab-trace.ndjson');
    const text = await created[0]!.text();
    expect(text).toBe(lab.store.getState().exportTrace());
    expect(text.split('\n').length).toBeGreaterThan(10);
  });
});
