/**
 * The network: delay range, drop and duplicate rates (a draft applied whole
 * when valid; when not, a message and the old settings stay), and the
 * partition presets.
 */
import { useId, useState } from 'react';
import { MAX_DELAY_MS, selectNetwork, type NetworkDraft, type NetworkOptions } from '../store';
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
