// @vitest-environment jsdom
// Step says what it did (issue 9): the event a step takes is often a message
// delivery, which the Events list filters out by default, so a status line
// names the event and says when the Events list hides it.
import '@testing-library/jest-dom/vitest';
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderLab, settle, untilLeader } from './helpers';

afterEach(cleanup);

async function step() {
  await act(async () => {
    fireEvent.click(screen.getByRole('button', { name: 'Step' }));
    await settle();
  });
}

const status = () => screen.getByRole('status', { name: 'What Step did' });

describe('Step status', () => {
  it('names the event the step took, even one the Events list filters out', async () => {
    const { lab } = renderLab();
    expect(status()).toHaveTextContent('');
    await step(); // the first election timer
    expect(status()).toHaveTextContent(/^Step at .*: Node \d timed out.*\(\+\d+ more\)/);
    // Later steps deliver messages: hidden in the Events list by default, said here.
    let sawHidden = false;
    for (let i = 0; i < 10 && !sawHidden; i++) {
      await step();
      sawHidden = /^Step at [^:]*: Node \d (sent|received|got).*not all in the Events list: Messages is filtered out/.test(
        status().textContent ?? '',
      );
    }
    expect(sawHidden).toBe(true);
    expect(lab.store.getState().lastStep?.lines.length).toBeGreaterThan(0);
  });

  it('is empty while playing', async () => {
    const { lab } = renderLab();
    await step();
    expect(status().textContent).not.toBe('');
    act(() => lab.store.getState().setPlaying(true));
    expect(status()).toHaveTextContent('');
    await untilLeader(lab);
  });
});
