// @vitest-environment jsdom
// The speed label tells the truth (issue 9, bug 3): the driver measures the
// virtual ms really advanced per wall ms, and the top bar says so when the
// run falls behind the chosen speed.
import '@testing-library/jest-dom/vitest';
import { act, cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../src/store';
import { renderLab, settle } from './helpers';

afterEach(cleanup);

/**
 * Plays `wallMs` of 16 ms frames. The cluster answers only every
 * `answerEvery` frames (a slow transport: each advance finishes that late).
 */
async function play(lab: Lab, fromMs: number, wallMs: number, answerEvery: number): Promise<number> {
  let t = fromMs;
  for (let i = 1; t < fromMs + wallMs; i++) {
    t += 16;
    act(() => lab.driver.frame(t));
    if (i % answerEvery === 0) await act(settle);
  }
  await act(settle);
  return t;
}

describe('the real rate', () => {
  it('is measured, not assumed: about the chosen speed when the cluster keeps up, lower when it cannot', async () => {
    const { lab } = renderLab({ speed: 1 });
    act(() => lab.store.getState().setPlaying(true));
    expect(lab.driver.realRate()).toBeNull(); // nothing measured yet
    let t = await play(lab, 0, 3000, 1);
    expect(lab.driver.realRate()).toBeGreaterThan(0.95);
    expect(lab.driver.realRate()).toBeLessThan(1.05);
    expect(screen.queryByText(/can.t keep up/)).toBeNull();

    // Each advance now takes 10 frames (160 ms) to come back: the driver drops the backlog past 100 ms.
    t = await play(lab, t, 3000, 10);
    const rate = lab.driver.realRate()!;
    expect(rate).toBeGreaterThan(0.5);
    expect(rate).toBeLessThan(0.8);
    expect(screen.getByText(/running at 0\.\d+×/)).toHaveTextContent(
      new RegExp(`running at ${Number(rate.toPrecision(2))}× — the page can.t keep up`),
    );

    // Keeping up again clears the note; pausing forgets the measurement.
    t = await play(lab, t, 3000, 1);
    expect(screen.queryByText(/can.t keep up/)).toBeNull();
    act(() => lab.store.getState().setPlaying(false));
    act(() => lab.driver.frame(t + 16));
    expect(lab.driver.realRate()).toBeNull();
  });
});
