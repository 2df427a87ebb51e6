// @vitest-environment jsdom
// <App /> on its own: it makes its own lab, which runs by itself (no Play
// press), with the accessible names of the contract in place.
import '@testing-library/jest-dom/vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/ui/App';

afterEach(cleanup);

describe('App', () => {
  it('starts a 5-node cluster that is already playing, with the named controls', () => {
    render(<App />);
    expect(screen.getAllByRole('button', { name: /^Node [1-5], (leader|candidate|follower|crashed), term \d+/ })).toHaveLength(5);
    expect(screen.getByRole('button', { name: 'Pause' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Step' })).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Command' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Submit' })).toBeInTheDocument();
    expect(screen.getAllByRole('list', { name: /^Log of node [1-5]$/ })).toHaveLength(5);
    expect(location.hash).toBe('#nodes=5&seed=1');
  });
});
