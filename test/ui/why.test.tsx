// @vitest-environment jsdom
// The Why panel (issue 11) and its one table of wordings: every reason code
// of the core has a wording and a paper section; the panel words the rule
// behind the selected mark or node from the events' codes, and for a leader
// an entry of an earlier term that is on a majority yet not committed
// (§5.4.2, Figure 8).
import '@testing-library/jest-dom/vitest';
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { WHY_CODES, type Why } from '../../src/raft';
import { explainSelection, STATE_WORDING, WHY_WORDING, wordWhy, type LabState } from '../../src/store';
import { advance, renderLab, untilLeader } from './helpers';

afterEach(cleanup);

/** One example of each code, with data. */
const EXAMPLES: Record<Why['code'], Why> = {
  'election-timeout': { code: 'election-timeout' },
  'told-to-time-out': { code: 'told-to-time-out' },
  'saw-newer-term': { code: 'saw-newer-term', term: 5, from: 2 },
  'heard-from-leader': { code: 'heard-from-leader', leader: 3, term: 4 },
  'won-election': { code: 'won-election', voters: [1, 2, 3] },
  'stale-term': { code: 'stale-term', ours: 4, theirs: 3 },
  'already-voted': { code: 'already-voted', votedFor: 1, term: 4 },
  'log-more-up-to-date': { code: 'log-more-up-to-date', lastIndex: 5, lastTerm: 3, candidateLastIndex: 6, candidateLastTerm: 2 },
  'candidate-up-to-date': { code: 'candidate-up-to-date' },
  'no-entry-at-prev': { code: 'no-entry-at-prev', prevLogIndex: 7 },
  'prev-term-mismatch': { code: 'prev-term-mismatch', prevLogIndex: 7, localTerm: 2, prevLogTerm: 3 },
  'won-pre-vote': { code: 'won-pre-vote', voters: [1, 2, 3] },
  'leader-lease': { code: 'leader-lease', leader: 2, sinceMs: 40 },
  'check-quorum': { code: 'check-quorum', heard: [], needed: 3 },
  'timeout-now': { code: 'timeout-now', from: 1 },
  'removed-from-config': { code: 'removed-from-config', index: 9 },
};

describe('the wording table', () => {
  it('words every reason code of the core, each with a paper section', () => {
    expect(Object.keys(WHY_WORDING).sort()).toEqual([...WHY_CODES].sort());
    for (const code of WHY_CODES) {
      const w = wordWhy(EXAMPLES[code], 'vote');
      expect(w.text.length, code).toBeGreaterThan(15);
      expect(w.section, code).toMatch(/^((thesis )?§\d+(\.\d+)*|Figure \d+)(, ((thesis )?§\d+(\.\d+)*|Figure \d+))*$/);
    }
    for (const w of [
      STATE_WORDING.earlierTermUncommitted(4, 2, 3),
      STATE_WORDING.committed(3),
      STATE_WORDING.crashed(),
      STATE_WORDING.restarted(),
    ])
      expect(w.section).toMatch(/§\d|Figure/);
  });

  it("says the issue's three examples in its words, with the data", () => {
    expect(wordWhy(EXAMPLES['log-more-up-to-date'], 'vote')).toEqual({
      text: "vote denied: candidate's last log term 2 < mine 3",
      section: '§5.4.1',
    });
    expect(wordWhy({ code: 'log-more-up-to-date', lastIndex: 7, lastTerm: 3, candidateLastIndex: 5, candidateLastTerm: 3 }).text).toMatch(
      /last index 5 < mine 7/,
    );
    expect(wordWhy(EXAMPLES['no-entry-at-prev'], 'reject').text).toMatch(/^AppendEntries rejected: no entry at prevLogIndex 7/);
    expect(wordWhy(EXAMPLES['no-entry-at-prev'], 'reject').section).toBe('§5.3');
    expect(STATE_WORDING.earlierTermUncommitted(4, 2, 3).text).toMatch(/^entry 4 not committed yet: it is from an earlier term/);
    expect(STATE_WORDING.earlierTermUncommitted(4, 2, 3).section).toBe('§5.4.2, Figure 8');
    expect(wordWhy(EXAMPLES['stale-term'], 'vote').text).toMatch(/^vote denied: its term 3 < mine 4/);
    expect(wordWhy(EXAMPLES['stale-term'], 'reject').text).toMatch(/^AppendEntries rejected: its term 3 < mine 4/);
  });
});

describe('Why panel', () => {
  it("explains the selected node and the selected space-time mark from the events' reason codes", async () => {
    const { lab } = renderLab({ nodes: 3, seed: 1 });
    const why = () => screen.getByRole('region', { name: 'Why' });
    expect(why()).toHaveTextContent(/Select a node/);
    const leader = await untilLeader(lab);
    await advance(lab, 50);
    act(() => lab.store.getState().selectNode(leader));
    expect(why()).toHaveTextContent(`Node ${leader}: the rules behind its latest events`);
    expect(within(why()).getByRole('list', { name: 'Rules behind it' })).toHaveTextContent(
      /won the election: votes from .*a majority of the cluster \(§5\.2\)/,
    );
    // The leader's role mark (L) in the diagram: the reason it became leader, at that moment.
    const s = lab.store.getState();
    const mark = s.spaceTime().marks.find((m) => m.node === leader && m.kind === 'role' && m.label === 'L')!;
    act(() => lab.store.getState().selectMark(mark.id));
    expect(why()).toHaveTextContent(`Node ${leader} at ${mark.at} ms`);
    expect(why()).toHaveTextContent(/won the election/);
    expect(why()).not.toHaveTextContent(/timer ran out/);
    // Reviewing a moment before the election: the node's reasons as of then, not the win that came later.
    act(() => lab.store.getState().selectMark(null));
    await act(async () => {
      await lab.store.getState().reviewAt(1);
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    expect(lab.store.getState().reviewFrame?.after).toBe(1);
    expect(why()).toHaveTextContent(`Node ${leader}: the rules behind its latest events`);
    expect(why()).not.toHaveTextContent(/won the election/);
  });

  it('an Events line without a mark in the diagram (a vote) is explained by itself when clicked', async () => {
    const { lab } = renderLab({ nodes: 3, seed: 1 });
    await untilLeader(lab);
    act(() => lab.store.getState().setNarrationCategory('election', true));
    const list = screen.getByRole('list', { name: 'Events, newest first' });
    const vote = within(list)
      .getAllByRole('listitem')
      .find((li) => /voted for|granted|vote/.test(li.textContent ?? '') && !/became leader|timed out/.test(li.textContent ?? ''));
    expect(vote, 'a vote line in the Events list').toBeTruthy();
    act(() => {
      fireEvent.click(vote!);
    });
    const s = lab.store.getState();
    expect(s.whyMoment).not.toBeNull();
    const why = screen.getByRole('region', { name: 'Why' });
    expect(why).toHaveTextContent(`Node ${s.whyMoment!.node} at ${s.whyMoment!.at} ms`);
    expect(why).toHaveTextContent(/§5/);
  });

  it("says why a leader has not committed an earlier term's entry held by a majority (§5.4.2, Figure 8)", () => {
    const { lab } = renderLab({ nodes: 3 });
    const log = [
      { index: 1, term: 1, command: 'a=1' },
      { index: 2, term: 2, command: 'b=2' },
    ];
    const base = lab.store.getState().nodes;
    const nodes = base.map((n) =>
      n.id === 1
        ? { ...n, role: 'leader' as const, term: 3, log, commitIndex: 1, matchIndex: { 2: 2, 3: 0 } }
        : { ...n, role: 'follower' as const, term: 3 },
    );
    const lines = explainSelection({ ...lab.store.getState(), nodes, selectedNode: 1, selectedMark: null } satisfies LabState)!.lines;
    expect(lines[0]?.text).toMatch(/^entry 2 not committed yet: it is from an earlier term \(2 < 3\)/);
    expect(lines[0]?.section).toBe('§5.4.2, Figure 8');
    // Not on a majority: nothing to explain by §5.4.2.
    const minority = nodes.map((n) => (n.id === 1 ? { ...n, matchIndex: { 2: 1, 3: 0 } } : n));
    expect(
      explainSelection({ ...lab.store.getState(), nodes: minority, selectedNode: 1, selectedMark: null } satisfies LabState)!.lines,
    ).toHaveLength(0);
  });
});

describe('the Why panel beyond Figure 2 (issue 13)', () => {
  it('explains a CheckQuorum step-down (thesis §6.2) on the node that stepped down', async () => {
    const { lab } = renderLab({ nodes: 5, seed: 1, checkQuorum: true });
    const leader = await untilLeader(lab);
    act(() => lab.store.getState().isolateLeader());
    for (let t = 0; t < 1500 && lab.store.getState().nodes.find((n) => n.id === leader)!.role === 'leader'; t += 50) await advance(lab, 50);
    act(() => lab.store.getState().selectNode(leader));
    const why = screen.getByRole('region', { name: 'Why' });
    expect(why).toHaveTextContent(/CheckQuorum: in a whole election timeout it heard from no follower, fewer than the 3 servers/);
    expect(why).toHaveTextContent('thesis §6.2');
  });

  it('explains a learner (thesis §4.2.1) while it catches up', async () => {
    const { lab } = renderLab({ nodes: 3, seed: 1 });
    await untilLeader(lab);
    await act(async () => {
      await lab.store.getState().addNode();
    });
    act(() => lab.store.getState().selectNode(4));
    const lines = explainSelection(lab.store.getState())!.lines;
    expect(lines[0]).toMatchObject({ node: 4, section: 'thesis §4.2.1' });
    expect(lines[0]!.text).toMatch(/^learner: a new server receives the log but does not vote/);
  });
});
