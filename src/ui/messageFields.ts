/** A message's fields as label–value rows (hover tooltip, in-flight list). */
import { showEntry, type InFlightMessage } from '../store';

export function messageTitle(m: InFlightMessage): string {
  const heartbeat = m.payload.type === 'AppendEntries' && m.payload.entries.length === 0;
  return `${m.type}${heartbeat ? ' (heartbeat)' : ''} ${m.from} → ${m.to}`;
}

export function messageFields(m: InFlightMessage): [string, string][] {
  const p = m.payload;
  const rows: [string, string][] = [['term', String(p.term)]];
  switch (p.type) {
    case 'RequestVote':
      rows.push(['lastLogIndex', String(p.lastLogIndex)], ['lastLogTerm', String(p.lastLogTerm)]);
      if (p.transfer) rows.push(['transfer', 'true (leadership transfer, thesis §3.10)']);
      break;
    case 'PreVote':
      rows.push(
        ['lastLogIndex', String(p.lastLogIndex)],
        ['lastLogTerm', String(p.lastLogTerm)],
        ['note', 'term not raised (thesis §9.6)'],
      );
      break;
    case 'RequestVoteReply':
    case 'PreVoteReply':
      rows.push(['voteGranted', String(p.voteGranted)]);
      break;
    case 'TimeoutNow':
      rows.push(['note', 'start an election now (thesis §3.10)']);
      break;
    case 'AppendEntries': {
      const shown = p.entries.slice(0, 4).map((e) => `${e.index}@t${e.term} ${showEntry(e)}`);
      if (p.entries.length > 4) shown.push(`… ${p.entries.length - 4} more`);
      rows.push(
        ['prevLogIndex', String(p.prevLogIndex)],
        ['prevLogTerm', String(p.prevLogTerm)],
        ['entries', shown.length ? shown.join(', ') : 'none (heartbeat)'],
        ['leaderCommit', String(p.leaderCommit)],
      );
      break;
    }
    case 'AppendEntriesReply':
      rows.push(['success', String(p.success)]);
      if (p.success) rows.push(['matchIndex', String(p.matchIndex)]);
      else rows.push(['conflictIndex', String(p.conflictIndex)], ['conflictTerm', String(p.conflictTerm)]);
      break;
    case 'InstallSnapshot':
      rows.push(['lastIncludedIndex', String(p.snapshot.lastIncludedIndex)], ['lastIncludedTerm', String(p.snapshot.lastIncludedTerm)]);
      break;
    case 'InstallSnapshotReply':
      rows.push(['lastIncludedIndex', String(p.lastIncludedIndex)]);
      break;
  }
  rows.push(['sent → due', `${m.sentAt} → ${m.deliverAt} ms`]);
  if (m.duplicate) rows.push(['copy', 'duplicated by the network']);
  return rows;
}
