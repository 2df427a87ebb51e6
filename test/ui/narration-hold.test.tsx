// @vitest-environment jsdom
// The Events list at speed (issue 12): above 1× it changes at most twice a
// second of wall time (at 10× it gained and lost dozens of lines per sync, a
// layout each time); paused, it shows the latest at once.
import '@testing-library/jest-dom/vitest';
import { act, cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Lab } from '../../src/store';
import { advance, renderLab } from './helpers';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

let n = 0;
/** Virtual time with a command in it: new lines for the list. */
async function busy(lab: Lab, ms: number): Promise<void> {
  await act(async () => {
    await lab.store.getState().submitCommand(`k=${++n}`);
  });
  await advance(lab, ms);
}

const firstLine = () => within(screen.getByRole('list', { name: 'Events, newest first' })).getAllByRole('listitem')[0]!.textContent;

describe('the Events list at speed', () => {
  it('holds still for half a second of wall time between changes while playing above 1×, and catches up on pause', async () => {
    let wall = 1000;
    vi.spyOn(performance, 'now').mockImplementation(() => wall);
    const { lab } = renderLab({ speed: 10 });
    act(() => lab.store.getState().setPlaying(true));
    await advance(lab, 400);
    await busy(lab, 100);
    const shown = firstLine();
    const narrationBefore = lab.store.getState().narration;
    await busy(lab, 100); // more events, no wall time passed
    expect(lab.store.getState().narration).not.toBe(narrationBefore); // the store moved on…
    expect(firstLine()).toBe(shown); // …the list did not
    wall += 600;
    await busy(lab, 100);
    expect(firstLine()).not.toBe(shown);
    const second = firstLine();
    await busy(lab, 100);
    expect(firstLine()).toBe(second);
    act(() => lab.store.getState().setPlaying(false)); // paused: the latest at once
    expect(firstLine()).not.toBe(second);
  });

  it('at 1× and below it follows every sync', async () => {
    const { lab } = renderLab({ speed: 1 });
    act(() => lab.store.getState().setPlaying(true));
    await advance(lab, 400);
    await busy(lab, 100);
    const shown = firstLine();
    await busy(lab, 100);
    expect(firstLine()).not.toBe(shown);
  });
});
