/**
 * Cluster size, seed, compaction and timing (election timeout range,
 * heartbeat, the leader no-op of §8), PreVote and CheckQuorum (issue 13),
 * applied together by "Reset cluster" (or not at all).
 */
import { useId, useState, type FormEvent } from 'react';
import { MAX_NODES, MAX_SEED, MIN_NODES, selectConfig, timingOf } from '../store';
import { ExtensionSwitches } from './ExtensionSwitches';
import { useLab, useLabApi } from './LabContext';
import { NoticeLine } from './NoticeLine';

export function ClusterSettings() {
  const lab = useLabApi();
  const config = useLab(selectConfig);
  const timing = timingOf(config);
  const [size, setSize] = useState(String(config.nodes));
  const [seed, setSeed] = useState(String(config.seed));
  const [compact, setCompact] = useState(String(config.snapshotThreshold));
  const [electionMin, setElectionMin] = useState(String(timing.electionTimeoutMs[0]));
  const [electionMax, setElectionMax] = useState(String(timing.electionTimeoutMs[1]));
  const [heartbeat, setHeartbeat] = useState(String(timing.heartbeatMs));
  const [noop, setNoop] = useState(timing.leaderNoop);
  const [extensions, setExtensions] = useState({ preVote: config.preVote === true, checkQuorum: config.checkQuorum === true });
  const id = useId();
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void lab.store.getState().resetCluster(size, seed, compact, {
      electionMinText: electionMin,
      electionMaxText: electionMax,
      heartbeatText: heartbeat,
      leaderNoop: noop,
      preVote: extensions.preVote,
      checkQuorum: extensions.checkQuorum,
    });
  };
  return (
    <section className="panel settings-panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Cluster</h2>
      <form className="settings-form" onSubmit={onSubmit} noValidate>
        <label htmlFor={`${id}-size`}>Nodes</label>
        <input
          id={`${id}-size`}
          type="number"
          min={MIN_NODES}
          max={MAX_NODES}
          step={1}
          inputMode="numeric"
          value={size}
          onChange={(e) => setSize(e.currentTarget.value)}
          className="input-narrow"
        />
        <NumericField id={`${id}-seed`} label="Seed" value={seed} onChange={setSeed} className="input-seed" describedBy={`${id}-now`} />
        <button
          type="button"
          className="btn btn-quiet"
          onClick={() => setSeed(String(Math.floor(Math.random() * MAX_SEED)))}
          title="Pick a random seed (then Reset cluster)"
        >
          Random
        </button>
        <NumericField
          id={`${id}-compact`}
          label="Compact after"
          title="Log compaction (§7): snapshot once a log holds more than this many entries; 0 = never"
          value={compact}
          onChange={setCompact}
          describedBy={`${id}-now`}
        />
        <fieldset className="settings-timing">
          <legend title="§5.6: broadcast time ≪ election timeout ≪ time between failures">Timing (virtual ms)</legend>
          <NumericField id={`${id}-emin`} label="Election timeout from" value={electionMin} onChange={setElectionMin} />
          <NumericField id={`${id}-emax`} label="to" value={electionMax} onChange={setElectionMax} />
          <NumericField id={`${id}-hb`} label="Heartbeat every" value={heartbeat} onChange={setHeartbeat} />
        </fieldset>
        <label
          className="settings-check"
          title="§8: a new leader appends an empty entry of its own term, so entries of earlier terms commit at once (§5.4.2)"
        >
          <input type="checkbox" checked={noop} onChange={(e) => setNoop(e.currentTarget.checked)} /> Leader no-op (§8)
        </label>
        <ExtensionSwitches value={extensions} onChange={setExtensions} />
        <button type="submit" className="btn">
          Reset cluster
        </button>
      </form>
      <p id={`${id}-now`} className="hint">
        Running {config.nodes} node{config.nodes === 1 ? '' : 's'}, seed {config.seed},{' '}
        {config.snapshotThreshold === 0 ? 'no compaction' : `compacting after ${config.snapshotThreshold} entries`}, election timeouts{' '}
        {timing.electionTimeoutMs[0]}–{timing.electionTimeoutMs[1]} ms, heartbeat {timing.heartbeatMs} ms,{' '}
        {timing.leaderNoop ? 'leader no-op on' : 'no leader no-op'}, PreVote {config.preVote ? 'on' : 'off'}, CheckQuorum{' '}
        {config.checkQuorum ? 'on' : 'off'};{' '}
        {config.transport === 'worker'
          ? 'each node in its own Web Worker, its disk in IndexedDB (a reload resumes it).'
          : 'in memory on this page.'}{' '}
        The same seed and actions replay the same run.
      </p>
      <NoticeLine area="cluster" />
    </section>
  );
}

/** A label and the numeric text box it names (typed as text, checked on Reset cluster). */
function NumericField(props: {
  id: string;
  label: string;
  title?: string;
  value: string;
  onChange: (value: string) => void;
  className?: string;
  describedBy?: string;
}) {
  return (
    <>
      <label htmlFor={props.id} title={props.title}>
        {props.label}
      </label>
      <input
        id={props.id}
        type="text"
        inputMode="numeric"
        value={props.value}
        onChange={(e) => props.onChange(e.currentTarget.value)}
        className={props.className ?? 'input-narrow'}
        aria-describedby={props.describedBy}
      />
    </>
  );
}
