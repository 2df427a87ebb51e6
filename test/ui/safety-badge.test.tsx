// @vitest-environment jsdom
// The live safety monitor in the view: green while Figure 3 holds, an alert
// naming the property when it does not.
import '@testing-library/jest-dom/vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createLab } from '../../src/store';
import { App } from '../../src/ui/App';
import { advance, untilLeader } from './helpers';

afterEach(cleanup);

describe('safety badge', () => {
  it('stays "Safe" through elections, commands and crashes', async () => {
    const lab = createLab({ nodes: 5, seed: 4, playing: false, clock: 'manual' });
    render(<App lab={lab} />);
    const leader = await untilLeader(lab);
    await act(async () => {
      await lab.store.getState().submitCommand('a=1');
      await lab.store.getState().crash(leader);
    });
    await advance(lab, 1500);
    expect(screen.getByText('✓ Safe')).toBeInTheDocument();
    expect(screen.queryByRole('alert', { name: /violated/ })).toBeNull();
    expect(lab.store.getState().safety.violations).toBe(0);
  });

  it('announces the first violation the monitor reports', () => {
    const lab = createLab({ nodes: 3, seed: 1, playing: false, clock: 'manual' });
    render(<App lab={lab} />);
    act(() => {
      lab.store.setState({
        safety: {
          violations: 2,
          first: { property: 'Election Safety', at: 1234, node: 2, message: 'Election Safety (§5.2) violated: two leaders in term 3' },
        },
      });
    });
    const alert = screen.getByText(/Election Safety violated at 1\.234 s \(node 2\), 2 violations/);
    expect(alert).toHaveAttribute('role', 'alert');
    expect(alert).toHaveAttribute('title', expect.stringMatching(/two leaders in term 3/));
  });
});
