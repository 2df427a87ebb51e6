// @vitest-environment jsdom
/**
 * The lesson player (issue 11): the Lessons button opens a list of the
 * lessons named by their titles; a lesson shows a region "Lesson" with the
 * caption, Back and Next (Next disabled only on the last step), a question
 * answered by the run, and Explore from here (plays freely; Back returns to
 * the step's moment).
 */
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { LESSONS } from '../../src/store';
import { renderLab } from './helpers';

async function openLesson(title: RegExp | string) {
  fireEvent.click(screen.getByRole('button', { name: 'Lessons' }));
  const list = screen.getByRole('list', { name: 'Lessons' });
  fireEvent.click(within(list).getByRole('button', { name: title }));
  const region = await screen.findByRole('region', { name: 'Lesson' });
  await waitFor(() => expect(region.getAttribute('aria-busy')).toBe('false'));
  return region;
}

async function clickAndWait(region: HTMLElement, name: 'Next' | 'Back', step: number, of: number) {
  act(() => {
    fireEvent.click(within(region).getByRole('button', { name }));
  });
  await waitFor(() => expect(within(region).getByText(`Step ${step} of ${of}`)).toBeTruthy(), { timeout: 5000 });
  await waitFor(() => expect(region.getAttribute('aria-busy')).toBe('false'));
}

afterEach(cleanup);

describe('lesson player', () => {
  it('lists every lesson by title, one button each, the Figure 8 one among them', () => {
    renderLab();
    fireEvent.click(screen.getByRole('button', { name: 'Lessons' }));
    const list = screen.getByRole('list', { name: 'Lessons' });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(LESSONS.length);
    for (const [i, l] of LESSONS.entries()) expect(within(items[i]!).getByRole('button').textContent).toContain(l.title);
    expect(within(list).getByRole('button', { name: /Figure 8/ })).toBeTruthy();
  });

  it('plays a lesson with Next to its last step, where Next is disabled; Back returns to the step before, with its caption', async () => {
    const { lab } = renderLab();
    const lesson = LESSONS.find((l) => l.id === 'partition')!;
    const region = await openLesson(lesson.title);
    const n = lesson.steps.length;
    expect(within(region).getByText(`Step 1 of ${n}`)).toBeTruthy();
    // The lab's settings are the lesson's cluster's (the Cluster panel and the address bar say so).
    expect(lab.store.getState().config).toMatchObject({ nodes: 5, seed: lesson.options.seed });
    expect(lab.store.getState().cluster.creationOptions().seed).toBe(lesson.options.seed);
    expect(within(region).getByRole('button', { name: 'Next' }).hasAttribute('disabled')).toBe(false);
    expect(region.textContent).toContain(lesson.steps[0]!.caption);
    for (let i = 2; i <= n; i++) {
      await clickAndWait(region, 'Next', i, n);
      expect(region.textContent).toContain(lesson.steps[i - 1]!.caption);
      expect(within(region).getByRole('button', { name: 'Next' }).hasAttribute('disabled')).toBe(i === n);
    }
    // The last step's outcome on the store's cluster: the old leader is a follower, its b=2 gone.
    const node1 = lab.store.getState().nodes.find((x) => x.id === 1)!;
    expect(node1.role).toBe('follower');
    expect(
      lab.store
        .getState()
        .cluster.node(1)
        .log.map((e) => e.command),
    ).not.toContain('b=2');
    await clickAndWait(region, 'Back', n - 1, n);
    expect(region.textContent).toContain(lesson.steps[n - 2]!.caption);
    // Step 4's moment again: node 1 is still the stale leader.
    expect(lab.store.getState().cluster.node(1).role).toBe('leader');
    expect(lab.store.getState().safety.violations).toBe(0);
  });

  it('an unknown lesson id is refused with a notice and nothing changes', async () => {
    const { lab } = renderLab();
    const before = lab.store.getState().cluster;
    let opened = true;
    await act(async () => {
      opened = await lab.store.getState().openLesson('no-such-lesson');
    });
    expect(opened).toBe(false);
    expect(lab.store.getState().cluster).toBe(before);
    expect(screen.queryByRole('region', { name: 'Lesson' })).toBeNull();
    expect(document.body.textContent).toContain('There is no lesson "no-such-lesson".');
  });

  it('asks a question and answers it with the run', async () => {
    renderLab();
    const lesson = LESSONS.find((l) => l.id === 'election')!;
    const region = await openLesson(lesson.title);
    await clickAndWait(region, 'Next', 2, lesson.steps.length);
    const question = within(region).getByRole('group', { name: /Which node will win/ });
    fireEvent.click(within(question).getByRole('button', { name: 'Node 4' }));
    expect(within(question).getByRole('button', { name: 'Node 4' }).getAttribute('aria-pressed')).toBe('true');
    await clickAndWait(region, 'Next', 3, lesson.steps.length);
    // Recorded in test/store/lessons.test.ts: node 2 wins after the split vote.
    expect(region.textContent).toContain('Node 2 won.');
    expect(region.textContent).toContain('You predicted node 4.');
  });

  it('Explore from here plays freely; Back returns to the moment of the step, paused', async () => {
    const { lab } = renderLab();
    const lesson = LESSONS.find((l) => l.id === 'replication')!;
    const region = await openLesson(lesson.title);
    await clickAndWait(region, 'Next', 2, lesson.steps.length);
    const at = lab.store.getState().cluster.now();
    const entries = lab.store.getState().cluster.node(1).log.length;
    act(() => {
      fireEvent.click(within(region).getByRole('button', { name: 'Explore from here' }));
    });
    expect(lab.store.getState().playing).toBe(true);
    await act(async () => {
      await lab.store.getState().advance(500);
    });
    expect(lab.store.getState().cluster.now()).toBeGreaterThan(at);
    await clickAndWait(region, 'Back', 2, lesson.steps.length);
    expect(lab.store.getState().playing).toBe(false);
    expect(lab.store.getState().cluster.now()).toBe(at);
    expect(lab.store.getState().cluster.node(1).log.length).toBe(entries);
    expect(region.textContent).toContain(lesson.steps[1]!.caption);
  });
});
