// @vitest-environment jsdom
// Log cells (issue 9): the whole command on hover and focus — each log is one
// tab stop and the arrow keys move along it — and cells widen where there is
// room.
import '@testing-library/jest-dom/vitest';
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { cellWidthPx } from '../../src/ui/LogsPanel';
import { advance, renderLab, settle, untilLeader } from './helpers';

afterEach(cleanup);

const list = (id: number) => screen.getByRole('list', { name: `Log of node ${id}` });

describe('log cells', () => {
  it('show the whole command on hover or focus, one tab stop per log, arrows move along it', async () => {
    const { lab } = renderLab();
    const leader = await untilLeader(lab);
    await act(async () => {
      await lab.store.getState().submitCommand('temperature=21');
      await lab.store.getState().submitCommand('y=2');
    });
    await advance(lab, 300);
    const [first, second] = within(list(leader)).getAllByRole('listitem');
    expect(first).toHaveAttribute('title', expect.stringContaining('command temperature=21'));
    expect(first!.querySelector('.entry-full')).toHaveTextContent('temperature=21');
    expect(first).toHaveAttribute('tabindex', '-1');
    expect(second).toHaveAttribute('tabindex', '0');
    act(() => second!.focus());
    fireEvent.keyDown(second!, { key: 'ArrowLeft' });
    expect(first).toHaveFocus();
    const now = lab.store.getState().cluster.now();
    await act(async () => {
      fireEvent.keyDown(first!, { key: 'ArrowRight' });
      await settle();
    });
    expect(second).toHaveFocus();
    expect(lab.store.getState().cluster.now()).toBe(now); // the arrow moved focus; it did not Step
  });

  it('widen with the longest command, as far as the panel has room', () => {
    expect(cellWidthPx(3, 5, 1000)).toBe(64); // short commands: the default
    expect(cellWidthPx(14, 5, 1000)).toBe(121); // temperature=21 fits whole
    expect(cellWidthPx(14, 20, 1000)).toBe(64); // 20 columns: no room, the default
    expect(cellWidthPx(40, 2, 2000)).toBe(150); // never wider than 150 px
  });
});
