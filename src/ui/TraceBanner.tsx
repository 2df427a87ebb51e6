/**
 * The imported trace on show (issue 14): what it is ("Imported trace:
 * etcd-election.ndjson — etcd, 42 events, 3 nodes"), how its node names
 * became numbers, the lines that could not be read, what is off (there is
 * no engine: commands, crashes, links, the network, resets, sharing) and
 * Close trace, back to a fresh live run. Refusals of actions are said here.
 */
import { selectTrace, selectTraceCheck } from '../store';
import { useLab, useLabApi } from './LabContext';
import { NoticeLine } from './NoticeLine';
import { FORMAT_LABELS, ProblemList } from './TracePanel';

const n = (count: number, word: string) => `${count.toLocaleString('en')} ${word}${count === 1 ? '' : 's'}`;

export function TraceBanner() {
  const lab = useLabApi();
  const trace = useLab(selectTrace);
  const check = useLab(selectTraceCheck);
  if (!trace) return null;
  const label = `Imported trace: ${trace.source} — ${trace.format}, ${n(trace.events, 'event')}, ${n(trace.nodes, 'node')}`;
  return (
    <section className="panel trace-banner" aria-label="Imported trace">
      <div className="trace-banner-head">
        <h2 className="trace-banner-title">{label}</h2>
        <button type="button" className="btn" aria-label="Close trace" onClick={() => void lab.store.getState().closeTrace()}>
          Close trace
        </button>
      </div>
      <p className="trace-banner-off">
        Read-only ({FORMAT_LABELS[trace.format]}): play, step, change the speed and go back on the timeline; commands, crashes, links, the
        network, timers, resets and sharing are off — there is no engine, only what the trace shows.
        {check?.state === 'checking' &&
          ` Checking the whole trace for safety… ${Math.floor((100 * check.done) / Math.max(1, check.total))}%`}
      </p>
      {trace.note && <p className="trace-banner-note">{trace.note}</p>}
      <ProblemList problems={trace.problems} count={trace.problemCount} />
      <NoticeLine area="trace" />
    </section>
  );
}
