/**
 * The selected node: its durable state (what survives a crash: term, vote,
 * log, snapshot) beside its volatile state (role, commit index, last
 * applied, the leader's nextIndex/matchIndex), and actions on it. A region
 * named "Node N inspector".
 */
import { useEffect, type ReactNode } from 'react';
import {
  describeConfig,
  selectCommitUnknown,
  selectImported,
  selectLeaderMark,
  selectMembership,
  selectNode,
  selectSelectedNode,
  showEntry,
  type NodeSnapshot,
} from '../store';
import { useLab, useLabApi } from './LabContext';
import { LeaderProgress } from './LeaderProgress';
import { LinkToggles } from './LinkToggles';
import { COMMIT_UNKNOWN_TEXT, staleLeaderText } from './LogRow';
import { NodesSummary } from './NodesSummary';
import { NoticeLine } from './NoticeLine';
import { ROLE_LETTER, roleWord } from './roles';
import { TimerLeft } from './TimerLeft';
import { TransferLeadership } from './TransferLeadership';

function Field({ name, children }: { name: string; children: ReactNode }) {
  return (
    <div className="field">
      <dt>{name}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Durable({ node }: { node: NodeSnapshot }) {
  const last = node.log[node.log.length - 1];
  return (
    <div className="state-block durable">
      <h3>
        Durable <small>on disk, survives a crash</small>
      </h3>
      <dl>
        <Field name="currentTerm">{node.term}</Field>
        <Field name="votedFor">{node.votedFor === 0 ? 'nobody' : `node ${node.votedFor}`}</Field>
        <Field name="log">
          {node.log.length} {node.log.length === 1 ? 'entry' : 'entries'}
          {last ? ` (last ${last.index}@t${last.term}: ${showEntry(last)})` : ''}
        </Field>
        <Field name="snapshot">
          {node.snapshotIndex === 0 ? 'none' : `entries 1–${node.snapshotIndex}, last term ${node.snapshotTerm}`}
        </Field>
        {/* Thesis §4.1: the latest configuration in its log, committed or not, is the one it uses. */}
        <Field name="configuration">{node.config ? describeConfig(node.config) : 'the initial one'}</Field>
      </dl>
    </div>
  );
}

function Volatile({ node }: { node: NodeSnapshot }) {
  const kv = Object.entries(node.kv);
  const commitUnknown = useLab(selectCommitUnknown(node.id));
  return (
    <div className="state-block volatile">
      <h3>
        Volatile <small>in memory, lost on a crash</small>
      </h3>
      {node.alive ? (
        <dl>
          <Field name="role">{node.role}</Field>
          <Field name="commitIndex">
            {node.commitIndex}
            {commitUnknown > node.commitIndex && <span className="field-note"> — {COMMIT_UNKNOWN_TEXT} (§5.4.2).</span>}
          </Field>
          <Field name="lastApplied">{node.lastApplied}</Field>
          <Field name="knows leader">{node.leader === 0 ? 'none' : `node ${node.leader}`}</Field>
          <Field name="election timer">
            <TimerLeft deadline={node.electionDeadline} active={node.role !== 'leader'} />
          </Field>
          {node.role === 'candidate' && <Field name="votes from">{node.votes.join(', ')}</Field>}
          <Field name="key–value">{kv.length === 0 ? 'empty' : kv.map(([k, v]) => `${k}=${v}`).join(', ')}</Field>
        </dl>
      ) : (
        <p className="muted">
          Gone: the node is down. Restart it to rebuild this from its disk; its commit index will be unknown until the leader commits an
          entry of its term (§5.4.2).
        </p>
      )}
    </div>
  );
}

function Actions({ node }: { node: NodeSnapshot }) {
  const lab = useLabApi();
  const s = () => lab.store.getState();
  const id = node.id;
  return (
    <div className="inspector-actions" role="group" aria-label={`Actions on node ${id}`}>
      <button
        type="button"
        className="btn btn-danger"
        disabled={!node.alive}
        onClick={() => void s().crash(id)}
        aria-keyshortcuts="C"
        title="Crash (C): volatile state is lost"
        aria-label={`Crash node ${id}`}
      >
        Crash
      </button>
      <button
        type="button"
        className="btn"
        onClick={() => void s().restart(id)}
        aria-keyshortcuts="R"
        title="Restart (R): recover from disk"
        aria-label={`Restart node ${id}`}
      >
        Restart
      </button>
      <button
        type="button"
        className="btn"
        disabled={!node.connected}
        onClick={() => s().disconnect(id)}
        aria-keyshortcuts="D"
        title="Unplug its network cable (D)"
        aria-label={`Disconnect node ${id}`}
      >
        Disconnect
      </button>
      <button
        type="button"
        className="btn"
        disabled={node.connected}
        onClick={() => s().reconnect(id)}
        aria-keyshortcuts="D"
        title="Plug its cable back in (D)"
        aria-label={`Reconnect node ${id}`}
      >
        Reconnect
      </button>
      <button
        type="button"
        className="btn"
        disabled={!node.alive || node.role === 'leader'}
        onClick={() => void s().timeoutNode(id)}
        aria-keyshortcuts="T"
        title="Fire its election timer now (T)"
        aria-label={`Time out node ${id}`}
      >
        Time out
      </button>
    </div>
  );
}

/** The presenter's option: the run holds still while the inspector (or a message's tooltip) is open. */
function PauseWhileInspecting() {
  const lab = useLabApi();
  const on = useLab((s) => s.pauseWhileInspecting);
  // Held while this inspector is on show.
  useEffect(() => {
    lab.store.getState().holdPlayback('inspector', true);
    return () => lab.store.getState().holdPlayback('inspector', false);
  }, [lab]);
  return (
    <label className="pause-inspecting">
      <input type="checkbox" checked={on} onChange={(e) => lab.store.getState().setPauseWhileInspecting(e.currentTarget.checked)} /> Pause
      while inspecting
    </label>
  );
}

export function Inspector() {
  const lab = useLabApi();
  const selected = useLab(selectSelectedNode);
  const node = useLab(selectNode(selected ?? 0));
  const newest = useLab(selectLeaderMark);
  const membership = useLab(selectMembership(selected ?? 0));
  const imported = useLab(selectImported);
  if (selected === null || !node) {
    return (
      <div className="panel inspector is-empty">
        <NodesSummary />
        <p className="muted inspector-hint">
          {imported
            ? 'Click a node (or press its number key) to see its durable and volatile state, as the trace shows it.'
            : 'Click a node (or press its number key) to see its durable and volatile state, and to crash, restart, disconnect or time it out.'}
        </p>
      </div>
    );
  }
  const role = roleWord(node);
  const stale = staleLeaderText(node, newest);
  return (
    <section className="panel inspector" aria-label={`Node ${node.id} inspector`}>
      <div className="panel-head">
        <h2 title={`Node ${node.id} · ${role} · term ${node.term}`}>
          <span className={`chip role-${role}`} aria-hidden="true">
            {ROLE_LETTER[role]}
          </span>{' '}
          Node {node.id}{' '}
          <span className="muted">
            · {role} · term {node.term}
          </span>
        </h2>
        <button
          type="button"
          className="btn btn-quiet btn-close"
          onClick={() => lab.store.getState().selectNode(null)}
          aria-label="Close inspector"
          title="Close (Esc)"
        >
          ×
        </button>
      </div>
      <p className="inspector-status">
        {node.alive ? 'Running' : 'Crashed'} · {node.connected ? 'cable plugged in' : 'cable unplugged'}
        {membership === 'learner' && ' · learner: catching up, not voting yet (thesis §4.2.1)'}
        {membership === 'leaving' && ' · leaving: its removal is in the log, not yet committed (thesis §4.1)'}
        {node.alive && node.preCandidate && ` · asking for pre-votes for term ${node.term + 1} (thesis §9.6)`}
      </p>
      <PauseWhileInspecting />
      {stale && (
        <p className="inspector-stale">
          {stale}. It has not heard of the newer term yet (a partition keeps it apart); it cannot commit anything, since no majority answers
          it, and its uncommitted entries will be discarded when it hears from node {newest?.id} (§5.3, §5.4).
        </p>
      )}
      {imported ? (
        <p className="muted inspector-readonly">
          An imported trace: crash, restart, disconnect, time out and leadership transfer are off (there is no engine; the node does what
          the trace says).
        </p>
      ) : (
        <>
          <Actions node={node} />
          <NoticeLine area="node" />
          <TransferLeadership node={node} />
          <NoticeLine area="transfer" />
        </>
      )}
      <div className="state-cols">
        <Durable node={node} />
        <Volatile node={node} />
      </div>
      {node.alive && node.role === 'leader' && <LeaderProgress node={node} />}
      {!imported && <LinkToggles id={node.id} />}
    </section>
  );
}
