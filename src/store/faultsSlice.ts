/**
 * The faults slice: the lab's bug switches (issue 11). Each names a fault
 * the core implements as an explicit option (`ClusterOptions.faults`); the
 * store only says which are on. Turning one on or off resets the cluster
 * with the new set (a run is made with its faults, as with its seed), so a
 * violation the monitor then catches is of the run on show.
 */
import { FAULT_NAMES, type FaultName } from '../sim';
import type { LabGet, LabState } from './labTypes';

/** The engine's fault names, in its fixed order (FAULT_NAMES of src/raft/faults.ts). */
export const LAB_FAULT_NAMES: readonly FaultName[] = FAULT_NAMES;

/** One bug switch: the engine's own name. */
export type LabFaultName = FaultName;

/** A switch in plain words: what it does, the rule it breaks, and the property the monitor should see broken. */
export interface FaultInfo {
  readonly name: LabFaultName;
  /** The checkbox's label (with the paper's section). */
  readonly label: string;
  /** Short, for "Raft deliberately broken: …". */
  readonly short: string;
  /** What goes wrong, for the hint under the switch. */
  readonly effect: string;
}

/** Every switch, in the engine's order (a test checks it covers FAULT_NAMES). */
export const FAULTS: readonly FaultInfo[] = [
  {
    name: 'vote-without-log-check',
    label: 'Vote without the up-to-date log check (§5.4.1)',
    short: 'votes without the log check',
    effect: 'a candidate missing committed entries can win: Leader Completeness breaks',
  },
  {
    name: 'commit-earlier-term',
    label: 'Commit entries of an earlier term by counting replicas (§5.4.2)',
    short: 'commits earlier-term entries by counting replicas',
    effect: 'Figure 8: a committed entry can be overwritten: State Machine Safety breaks',
  },
  {
    name: 'double-vote',
    label: 'Grant two votes in one term (§5.2)',
    short: 'two votes per term',
    effect: 'two candidates can both win a term: Election Safety breaks',
  },
  {
    name: 'forget-vote-on-restart',
    label: 'Forget votedFor on restart (Figure 2, §5.2)',
    short: 'forgets its vote on restart',
    effect: 'a restarted node can vote twice in a term: Election Safety breaks',
  },
  {
    name: 'keep-conflicting-entries',
    label: 'Keep conflicting entries instead of truncating (§5.3)',
    short: 'keeps conflicting entries',
    effect: 'logs disagree after a repair: Log Matching breaks',
  },
];

export function isLabFaultName(name: unknown): name is LabFaultName {
  return typeof name === 'string' && (LAB_FAULT_NAMES as readonly string[]).includes(name);
}

/** The names in the engine's order, each once. */
export function normalizeFaults(names: readonly LabFaultName[]): LabFaultName[] {
  return LAB_FAULT_NAMES.filter((n) => names.includes(n));
}

/**
 * Reads "commit-earlier-term,double-vote" (a URL's `faults=`): the known
 * names in order, and an error naming any unknown one (the known ones are
 * still taken).
 */
export function parseFaults(text: string): { value: LabFaultName[]; error: string | null } {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  const unknown = parts.filter((p) => !isLabFaultName(p));
  const value = normalizeFaults(parts.filter(isLabFaultName));
  const error =
    unknown.length === 0
      ? null
      : `Unknown bug switch${unknown.length === 1 ? '' : 'es'} ${unknown.map((u) => JSON.stringify(u.slice(0, 40))).join(', ')} (known: ${LAB_FAULT_NAMES.join(', ')}).`;
  return { value, error };
}

export interface FaultsSlice {
  /**
   * Turns the bug switches to exactly `names` and resets the cluster with
   * them (size, seed and settings kept); resolves as the reset does.
   */
  setFaults(names: readonly LabFaultName[]): Promise<boolean>;
}

export function createFaultsSlice(get: LabGet): FaultsSlice {
  return {
    setFaults(names) {
      const c = get().config;
      return get().resetCluster(String(c.nodes), String(c.seed), undefined, undefined, normalizeFaults(names));
    },
  };
}

const NONE: readonly LabFaultName[] = [];
/** The bug switches the running cluster was made with (none: a correct Raft). */
export const selectFaults = (s: LabState): readonly LabFaultName[] => s.config.faults ?? NONE;
