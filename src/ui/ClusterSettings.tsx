/** Cluster size and seed, applied together by "Reset cluster" (or not at all). */
import { useId, useState, type FormEvent } from 'react';
import { MAX_NODES, MAX_SEED, MIN_NODES, selectConfig } from '../store';
import { useLab, useLabApi } from './LabContext';
import { NoticeLine } from './NoticeLine';

export function ClusterSettings() {
  const lab = useLabApi();
  const config = useLab(selectConfig);
  const [size, setSize] = useState(String(config.nodes));
  const [seed, setSeed] = useState(String(config.seed));
  const [compact, setCompact] = useState(String(config.snapshotThreshold));
  const id = useId();
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void lab.store.getState().resetCluster(size, seed, compact);
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
        <label htmlFor={`${id}-seed`}>Seed</label>
        <input
          id={`${id}-seed`}
          type="text"
          inputMode="numeric"
          value={seed}
          onChange={(e) => setSeed(e.currentTarget.value)}
          className="input-seed"
          aria-describedby={`${id}-now`}
        />
        <button
          type="button"
          className="btn btn-quiet"
          onClick={() => setSeed(String(Math.floor(Math.random() * MAX_SEED)))}
          title="Pick a random seed (then Reset cluster)"
        >
          Random
        </button>
        <label htmlFor={`${id}-compact`} title="Log compaction (§7): snapshot once a log holds more than this many entries; 0 = never">
          Compact after
        </label>
        <input
          id={`${id}-compact`}
          type="text"
          inputMode="numeric"
          value={compact}
          onChange={(e) => setCompact(e.currentTarget.value)}
          className="input-narrow"
          aria-describedby={`${id}-now`}
        />
        <button type="submit" className="btn">
          Reset cluster
        </button>
      </form>
      <p id={`${id}-now`} className="hint">
        Running {config.nodes} node{config.nodes === 1 ? '' : 's'}, seed {config.seed},{' '}
        {config.snapshotThreshold === 0 ? 'no compaction' : `compacting after ${config.snapshotThreshold} entries`};{' '}
        {config.transport === 'worker'
          ? 'each node in its own Web Worker, its disk in IndexedDB (a reload resumes it).'
          : 'in memory on this page.'}{' '}
        The same seed and actions replay the same run.
      </p>
      <NoticeLine area="cluster" />
    </section>
  );
}
