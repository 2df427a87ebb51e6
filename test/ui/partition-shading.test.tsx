// @vitest-environment jsdom
// A split reads at a glance (issue 9): each side of a partition is shaded and
// labelled majority or minority; nothing is shaded while all nodes talk.
import '@testing-library/jest-dom/vitest';
import { act, cleanup } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { partitionGroups } from '../../src/ui/geometry';
import { renderLab, untilLeader } from './helpers';

afterEach(cleanup);

const shaded = (container: HTMLElement) =>
  [...container.querySelectorAll('.partition-group')].map((g) => g.querySelector('.partition-label')?.textContent);

describe('partition shading', () => {
  it('groups nodes that talk both ways', () => {
    const cut = new Set(['1-2', '2-1', '1-3', '3-1']);
    expect(partitionGroups([1, 2, 3], (a, b) => !cut.has(`${a}-${b}`))).toEqual([[1], [2, 3]]);
    expect(partitionGroups([1, 2, 3], () => true)).toEqual([[1, 2, 3]]);
  });

  it('shades each side of a split, labelled majority or minority, and nothing once healed', async () => {
    const { lab, container } = renderLab();
    expect(shaded(container)).toEqual([]);
    await untilLeader(lab);
    act(() => lab.store.getState().splitMinorityMajority());
    expect(shaded(container).sort()).toEqual(['majority 3/5', 'minority 2/5']);
    act(() => lab.store.getState().healAll());
    expect(shaded(container)).toEqual([]);
    // An unplugged cable cuts a node off on its own.
    act(() => lab.store.getState().disconnect(3));
    expect(shaded(container).sort()).toEqual(['majority 4/5', 'minority 1/5']);
  });
});
