// @vitest-environment jsdom
// §5.6 timing (issue 9): the requirement broadcast time ≪ election timeout is
// shown live beside the delay sliders and warns when broken; the election
// timeout range and heartbeat are set in the Cluster panel, carried in the
// URL, and a heartbeat not below the shortest election timeout is refused
// with a message, changing nothing.
import '@testing-library/jest-dom/vitest';
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { timingOf } from '../../src/store';
import { hashOf, parseHash } from '../../src/ui/browserDefaults';
import { renderLab, settle } from './helpers';

afterEach(cleanup);

function clusterPanel() {
  // The settings panel (the one with Reset cluster), whatever its landmark is named.
  return within(screen.getByRole('button', { name: 'Reset cluster' }).closest('section')!);
}

describe('§5.6 timing requirement beside the delay sliders', () => {
  it('is met at the default delays and broken at the slowest, saying why', () => {
    renderLab();
    const network = within(screen.getByRole('region', { name: 'Network' }));
    expect(network.getByText(/broadcast time ≪ election timeout/)).toBeInTheDocument();
    expect(network.getByText(/Met: round trip up to 50 ms ≪ election timeouts from 150 ms/)).toBeInTheDocument();
    fireEvent.change(network.getByRole('slider', { name: 'Longest delay' }), { target: { value: '200' } });
    expect(network.getByText(/Broken: a vote request and its reply take up to 400 ms/)).toBeInTheDocument();
    expect(network.getByText(/no leader can be elected/)).toBeInTheDocument();
  });

  it('follows the election timeout in force', () => {
    renderLab({ electionTimeout: '1000-2000', heartbeat: '100' });
    const network = within(screen.getByRole('region', { name: 'Network' }));
    fireEvent.change(network.getByRole('slider', { name: 'Longest delay' }), { target: { value: '200' } });
    expect(network.getByText(/Tight: round trip up to 400 ms against election timeouts from 1000 ms/)).toBeInTheDocument();
  });
});

describe('timing in the Cluster panel', () => {
  it('sets the election timeout range, heartbeat and leader no-op on Reset cluster', async () => {
    const { lab } = renderLab();
    const panel = clusterPanel();
    fireEvent.change(panel.getByLabelText('Election timeout from'), { target: { value: '400' } });
    fireEvent.change(panel.getByLabelText('to'), { target: { value: '800' } });
    fireEvent.change(panel.getByLabelText('Heartbeat every'), { target: { value: '80' } });
    fireEvent.click(panel.getByRole('checkbox', { name: /Leader no-op/ }));
    await act(async () => {
      fireEvent.click(panel.getByRole('button', { name: 'Reset cluster' }));
      await settle();
    });
    const config = timingOf(lab.store.getState().config);
    expect(config.electionTimeoutMs).toEqual([400, 800]);
    expect(config.heartbeatMs).toBe(80);
    expect(config.leaderNoop).toBe(true);
    expect(panel.getByText(/election timeouts 400–800 ms, heartbeat 80 ms, leader no-op on/)).toBeInTheDocument();
    const node = lab.store.getState().nodes[0]!;
    expect(node.electionTimeout).toBeGreaterThanOrEqual(400);
    expect(node.electionTimeout).toBeLessThanOrEqual(800);
  });

  it('refuses a heartbeat not shorter than the shortest election timeout (§5.6), changing nothing', async () => {
    const { lab } = renderLab();
    const before = lab.store.getState().cluster;
    const panel = clusterPanel();
    fireEvent.change(panel.getByLabelText('Heartbeat every'), { target: { value: '150' } });
    await act(async () => {
      fireEvent.click(panel.getByRole('button', { name: 'Reset cluster' }));
      await settle();
    });
    expect(panel.getByText(/The heartbeat \(150 ms\) must be shorter than the shortest election timeout \(150 ms\)/)).toBeInTheDocument();
    expect(lab.store.getState().cluster).toBe(before);
    expect(timingOf(lab.store.getState().config).heartbeatMs).toBe(50);
  });

  it('carries the timing in the URL hash, leaving defaults out', () => {
    const { lab } = renderLab({ electionTimeout: '300-600', heartbeat: '60', leaderNoop: '1' });
    const config = lab.store.getState().config;
    expect(hashOf(config)).toBe('#nodes=5&seed=1&election=300-600&heartbeat=60&noop=1');
    expect(parseHash(hashOf(config))).toEqual({ nodes: '5', seed: '1', electionTimeout: '300-600', heartbeat: '60', leaderNoop: '1' });
    expect(hashOf({ nodes: 5, seed: 1, snapshotThreshold: 0 })).toBe('#nodes=5&seed=1');
    const defaults = renderLab({ electionTimeout: '150-300', heartbeat: '50', leaderNoop: '0' }).lab.store.getState().config;
    expect(hashOf(defaults)).toBe('#nodes=5&seed=1');
  });

  it('a malformed timing in the URL falls back to the default with a notice', () => {
    const { lab } = renderLab({ electionTimeout: '300-100' });
    expect(timingOf(lab.store.getState().config).electionTimeoutMs).toEqual([150, 300]);
    expect(clusterPanel().getByText(/shortest election timeout \(300 ms\) is longer than the longest/)).toBeInTheDocument();
  });
});
