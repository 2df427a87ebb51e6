/**
 * Traces (issue 14): import a trace from another Raft — or Raft Lab's own —
 * to watch it read-only in every view, and download the live run as one.
 * "Import trace…" opens the file chooser (drop a file anywhere on the page
 * does the same; `?trace=<url>` imports a file of this site at start-up).
 * While the worker reads it: a progress bar and Cancel import; the run on
 * show is untouched until the import succeeds. A failed import says why,
 * with the bad lines it found.
 */
import { useId, useRef, useState } from 'react';
import { downloadText } from './download';
import {
  selectImported,
  selectTraceFailure,
  selectTraceFormat,
  selectTraceImport,
  TRACE_FORMATS,
  type TraceFormatName,
  type TraceImportState,
  type TraceProblem,
} from '../store';
import { useLab, useLabApi } from './LabContext';
import { NoticeLine } from './NoticeLine';
import './trace.css';

/** The format menu's words. */
export const FORMAT_LABELS: Record<TraceFormatName, string> = {
  etcd: 'etcd-io/raft TLA+ trace',
  student: 'student DPrintf lines (RL …)',
  raftlab: 'Raft Lab NDJSON',
};

const MB = 1024 * 1024;
function sizeText(bytes: number): string {
  return bytes >= MB ? `${(bytes / MB).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/** What the progress bar says: reading (bytes), then taking the events onto the page. */
function ImportProgressBar({ progress }: { progress: TraceImportState }) {
  const lab = useLabApi();
  const reading = progress.phase === 'reading';
  const total = reading ? progress.bytesTotal : progress.events;
  const value = reading ? progress.bytesRead : progress.loaded;
  const text = reading
    ? `Reading ${progress.source}: ${sizeText(progress.bytesRead)}${progress.bytesTotal ? ` of ${sizeText(progress.bytesTotal)}` : ''}, ${progress.events.toLocaleString('en')} events`
    : `Loading ${progress.loaded.toLocaleString('en')} of ${progress.events.toLocaleString('en')} events`;
  return (
    <div className="trace-progress">
      <progress aria-label="Import progress" max={total ?? undefined} value={total ? value : undefined} />
      <p className="trace-progress-text">{text}</p>
      <button type="button" className="btn" onClick={() => lab.store.getState().cancelImport()}>
        Cancel import
      </button>
    </div>
  );
}

/** Bad lines: the first ones, then how many more. */
export function ProblemList({ problems, count }: { problems: readonly TraceProblem[]; count: number }) {
  if (count === 0) return null;
  return (
    <details className="trace-problems">
      <summary>
        {count} line{count === 1 ? '' : 's'} could not be read{count === 1 ? '' : ' (skipped)'}
      </summary>
      <ul>
        {problems.map((p) => (
          <li key={p.line}>
            line {p.line}: {p.reason}
            {p.text && <code className="trace-problem-text">{p.text}</code>}
          </li>
        ))}
      </ul>
      {count > problems.length && <p className="muted">…and {count - problems.length} more.</p>}
    </details>
  );
}

export function TracePanel() {
  const lab = useLabApi();
  const imported = useLab(selectImported);
  const progress = useLab(selectTraceImport);
  const failure = useLab(selectTraceFailure);
  const format = useLab(selectTraceFormat);
  const input = useRef<HTMLInputElement>(null);
  const [downloaded, setDownloaded] = useState(false);
  const id = useId();

  const onFile = (file: File | undefined) => {
    if (!file) return;
    void lab.store.getState().importTrace({ kind: 'file', file, name: file.name }, format);
  };

  return (
    <section className="panel trace-panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Traces</h2>
      <div className="trace-row">
        <button type="button" className="btn" aria-label="Import trace" onClick={() => input.current?.click()} disabled={progress !== null}>
          Import trace…
        </button>
        {/* The file chooser itself; the button above opens it (a file input cannot be styled as one). */}
        <input
          ref={input}
          type="file"
          className="visually-hidden"
          tabIndex={-1}
          aria-label="Trace file"
          accept=".ndjson,.jsonl,.json,.log,.txt,text/plain,application/json,application/x-ndjson"
          onChange={(e) => {
            onFile(e.currentTarget.files?.[0]);
            e.currentTarget.value = '';
          }}
        />
        <label className="trace-format">
          Format{' '}
          <select
            value={format ?? ''}
            onChange={(e) => lab.store.getState().setTraceFormat((e.currentTarget.value || null) as TraceFormatName | null)}
          >
            <option value="">Detect</option>
            {TRACE_FORMATS.map((f) => (
              <option key={f} value={f}>
                {FORMAT_LABELS[f]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="trace-hint muted">etcd-io/raft, a student&apos;s lab log or a Raft Lab trace; or drop the file anywhere on the page.</p>
      {progress && <ImportProgressBar progress={progress} />}
      {failure && !progress && (
        <div className="trace-failure">
          <ProblemList problems={failure.problems} count={failure.problemCount} />
        </div>
      )}
      {!imported && <NoticeLine area="trace" />}
      {!imported && (
        <div className="trace-row">
          <button
            type="button"
            className="btn"
            onClick={() => {
              const text = lab.store.getState().exportTrace();
              if (text === null) return;
              downloadText(text, 'raft-lab-trace.ndjson', 'application/x-ndjson');
              setDownloaded(true);
            }}
            title="Save this run as a Raft Lab trace (NDJSON, one event per line), to diff or import again"
          >
            Download trace
          </button>
          {downloaded && <span className="muted"> Saved as raft-lab-trace.ndjson.</span>}
        </div>
      )}
    </section>
  );
}
