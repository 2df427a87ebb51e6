/**
 * Shared set-up for the component tests: a lab on the inline transport with
 * a manual clock (no requestAnimationFrame), rendered inside <App>, and a way
 * to advance virtual time inside act().
 */
import { act, render, type RenderResult } from '@testing-library/react';
import { createLab, type Lab, type LabOptions } from '../../src/store';
import { App } from '../../src/ui/App';

export interface Rendered extends RenderResult {
  lab: Lab;
}

/** A paused lab (tests decide when time passes) rendered in the whole app. */
export function renderLab(options: LabOptions = {}): Rendered {
  const lab = createLab({ nodes: 5, seed: 1, playing: false, clock: 'manual', ...options });
  const result = render(<App lab={lab} />);
  return { ...result, lab };
}

/** Advances virtual time by `ms` and lets React render the result. */
export async function advance(lab: Lab, ms: number): Promise<void> {
  await act(async () => {
    await lab.store.getState().advance(ms);
  });
}

/** Runs until some node is leader (at most `maxMs` virtual ms); returns its id. */
export async function untilLeader(lab: Lab, maxMs = 3000): Promise<number> {
  for (let t = 0; t < maxMs; t += 50) {
    const leader = lab.store.getState().nodes.find((n) => n.alive && n.role === 'leader');
    if (leader) return leader.id;
    await advance(lab, 50);
  }
  throw new Error(`no leader within ${maxMs} virtual ms`);
}

/** Lets pending promise callbacks (an action's cluster call) run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Waits (inside act) until the timeline's seek has put the moment on show. */
export async function untilShown(lab: Lab): Promise<void> {
  await act(async () => {
    for (let i = 0; i < 500 && (lab.store.getState().seeking || lab.store.getState().reviewFrame === null); i++) {
      if (lab.store.getState().review === null) return;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  });
}
