/**
 * The network: delay range, drop and duplicate rates (a draft applied whole
 * when valid; when not, a message and the old settings stay), and the
 * partition presets.
 */
import { useId, useState } from 'react';
import { MAX_DELAY_MS, selectConfig, selectNetwork, timingOf, type NetworkDraft, type NetworkOptions } from '../store';
import { useLab, useLabApi } from './LabContext';
import { NoticeLine } from './NoticeLine';

interface SliderProps {
  label: string;
  value: number;
  min: number;
  max: number;
  unit: string;
  onChange: (value: number) => void;
}

function Slider({ label, value, min, max, unit, onChange }: SliderProps) {
  const id = useId();
  const text = `${value} ${unit}`;
  return (
    <div className="slider">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="range"
        min={min}
        max={max}
        step={1}
        value={value}
        aria-valuetext={text}
        onChange={(e) => onChange(Number(e.currentTarget.value))}
      />
      <output htmlFor={id}>{text}</output>
    </div>
  );
}

/**
 * §5.6's timing requirement, live: broadcastTime ≪ electionTimeout. A vote
 * request and its reply take up to twice the longest delay; if that is not
 * shorter than the shortest election timeout, other nodes time out and start
 * their own elections before any candidate can hear its votes, so no leader is
 * ever elected. "≪" is taken here as at least three times shorter (the paper
 * asks for an order of magnitude; the lab's default delays, slowed to be
 * watched, give a 50 ms round trip against 150 ms timeouts, and elect fine).
 */
export function TimingRequirement({ delayMaxMs, electionMinMs }: { delayMaxMs: number; electionMinMs: number }) {
  const roundTripMs = 2 * delayMaxMs;
  const verdict = roundTripMs >= electionMinMs ? 'broken' : roundTripMs * 3 > electionMinMs ? 'tight' : 'ok';
  const text =
    verdict === 'broken'
      ? `Broken: a vote request and its reply take up to ${roundTripMs} ms, not less than the shortest election timeout (${electionMinMs} ms), so other nodes time out before a candidate hears its votes and no leader can be elected. Lower the delay or raise the election timeout (Cluster panel).`
      : verdict === 'tight'
        ? `Tight: round trip up to ${roundTripMs} ms against election timeouts from ${electionMinMs} ms; elections may split and repeat.`
        : `Met: round trip up to ${roundTripMs} ms ≪ election timeouts from ${electionMinMs} ms.`;
  return (
    <p className={`timing-requirement is-${verdict}`} role="status" aria-live="polite">
      <strong>§5.6 timing: broadcast time ≪ election timeout.</strong> {text}
    </p>
  );
}

function draftOf(network: Required<NetworkOptions>): NetworkDraft {
  return {
    delayMinMs: network.delayMs[0],
    delayMaxMs: network.delayMs[1],
    dropRate: network.dropRate,
    duplicateRate: network.duplicateRate,
  };
}

export function NetworkPanel() {
  const lab = useLabApi();
  const network = useLab(selectNetwork);
  const config = useLab(selectConfig);
  const timing = timingOf(config);
  const [draft, setDraft] = useState<NetworkDraft>(() => draftOf(network));
  // Settings changed elsewhere (a reset, the console) show on the sliders too.
  const [shown, setShown] = useState(network);
  if (shown !== network) {
    setShown(network);
    setDraft(draftOf(network));
  }
  const id = useId();
  const change = (patch: Partial<NetworkDraft>) => {
    const next = { ...draft, ...patch };
    setDraft(next);
    lab.store.getState().applyNetwork(next);
  };
  const s = () => lab.store.getState();
  return (
    <section className="panel network-panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Network</h2>
      <div className="sliders">
        <Slider
          label="Shortest delay"
          value={draft.delayMinMs}
          min={0}
          max={MAX_DELAY_MS}
          unit="ms"
          onChange={(v) => change({ delayMinMs: v })}
        />
        <Slider
          label="Longest delay"
          value={draft.delayMaxMs}
          min={0}
          max={MAX_DELAY_MS}
          unit="ms"
          onChange={(v) => change({ delayMaxMs: v })}
        />
        <Slider
          label="Drop rate"
          value={Math.round(draft.dropRate * 100)}
          min={0}
          max={100}
          unit="%"
          onChange={(v) => change({ dropRate: v / 100 })}
        />
        <Slider
          label="Duplicate rate"
          value={Math.round(draft.duplicateRate * 100)}
          min={0}
          max={100}
          unit="%"
          onChange={(v) => change({ duplicateRate: v / 100 })}
        />
      </div>
      <TimingRequirement delayMaxMs={network.delayMs[1]} electionMinMs={timing.electionTimeoutMs[0]} />
      <p className="hint">
        In force: delay {network.delayMs[0]}–{network.delayMs[1]} ms, drop {Math.round(network.dropRate * 100)} %, duplicate{' '}
        {Math.round(network.duplicateRate * 100)} %.
      </p>
      <div className="presets" role="group" aria-label="Partitions">
        <button type="button" className="btn" onClick={() => s().isolateLeader()} aria-keyshortcuts="I">
          Isolate the leader
        </button>
        <button type="button" className="btn" onClick={() => s().splitMinorityMajority()} aria-keyshortcuts="S">
          Split minority | majority
        </button>
        <button type="button" className="btn" onClick={() => s().healAll()} aria-keyshortcuts="H">
          Heal
        </button>
      </div>
      <NoticeLine area="network" />
    </section>
  );
}
