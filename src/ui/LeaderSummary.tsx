/** Who leads now, announced politely when it changes. */
import { selectLeaderMark } from '../store';
import { useLab } from './LabContext';

export function LeaderSummary() {
  const leader = useLab(selectLeaderMark);
  const id = leader?.id;
  const term = leader?.term;
  return (
    <p className="leader-summary" aria-live="polite">
      {id === undefined ? (
        <span className="muted">No leader</span>
      ) : (
        <>
          Leader: <strong>node {id}</strong>, term {term}
        </>
      )}
    </p>
  );
}
