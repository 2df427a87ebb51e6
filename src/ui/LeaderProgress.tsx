/** A leader's view of each follower (Figure 2): nextIndex and matchIndex. */
import type { NodeSnapshot } from '../store';

export function LeaderProgress({ node }: { node: NodeSnapshot }) {
  const next = node.nextIndex ?? {};
  const match = node.matchIndex ?? {};
  const peers = Object.keys(next)
    .map(Number)
    .sort((a, b) => a - b);
  if (peers.length === 0) return null;
  return (
    <table className="progress-table">
      <caption>Leader’s view of its followers (volatile)</caption>
      <thead>
        <tr>
          <th scope="col">follower</th>
          {peers.map((p) => (
            <th scope="col" key={p}>
              {p}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        <tr>
          <th scope="row">nextIndex</th>
          {peers.map((p) => (
            <td key={p}>{next[p]}</td>
          ))}
        </tr>
        <tr>
          <th scope="row">matchIndex</th>
          {peers.map((p) => (
            <td key={p}>{match[p]}</td>
          ))}
        </tr>
      </tbody>
    </table>
  );
}
