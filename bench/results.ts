/**
 * bench/results.json: every figure a `npm run bench` printed, with the
 * machine it ran on (CPU, Node and Chromium versions) and, per section, the
 * date, the command and the load average at the run's start and at the
 * section's end. Rewritten after each section, so a run that fails half-way
 * keeps what it measured; a run with a `--…-only` flag or `--profile`
 * replaces only its own sections and keeps the others (each says when it was
 * measured).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';

export const RESULTS_PATH = 'bench/results.json';

interface Machine {
  os: string;
  cpuModel: string;
  cpuCount: number;
  totalMemoryGB: number;
  node: string;
  chromium: string | null;
}

interface Section {
  measuredAt: string;
  command: string;
  chromium: string | null;
  /** 1-, 5- and 15-minute load averages when the run started and when this section ended. */
  loadAverageAtRunStart: readonly number[];
  loadAverageAtEnd: readonly number[];
  figures: unknown;
}

interface Results {
  /** When the file was last written. */
  date: string;
  machine: Machine;
  sections: Record<string, Section>;
}

const round = (xs: readonly number[]) => xs.map((x) => Math.round(x * 100) / 100);

const cpu = cpus();
const startLoad = round(loadavg());
const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
const machine: Machine = {
  os: `${platform()} ${release()}`,
  cpuModel: cpu[0]?.model.trim() ?? 'unknown',
  cpuCount: cpu.length,
  totalMemoryGB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  node: process.version,
  chromium: null,
};

function previous(): Record<string, Section> {
  if (!existsSync(RESULTS_PATH)) return {};
  try {
    const old = JSON.parse(readFileSync(RESULTS_PATH, 'utf8')) as Partial<Results>;
    if (!old.sections || typeof old.sections !== 'object') return {};
    // Only sections in this shape (an older file's are dropped).
    return Object.fromEntries(
      Object.entries(old.sections).filter(([, v]) => typeof v === 'object' && v !== null && 'measuredAt' in v && 'figures' in v),
    );
  } catch {
    return {}; // an unreadable file is replaced
  }
}

/** The machine line printed at the top of a bench. */
export function machineLine(): string {
  return `${machine.cpuCount} × ${machine.cpuModel}, ${machine.os}, Node ${machine.node}; load average at start ${startLoad.join(' ')}`;
}

export function setChromiumVersion(version: string): void {
  machine.chromium = version;
}

/** Records a section's figures and rewrites the file. */
export function record(section: string, figures: unknown): void {
  const sections = previous();
  sections[section] = {
    measuredAt: new Date().toISOString(),
    command,
    chromium: machine.chromium,
    loadAverageAtRunStart: startLoad,
    loadAverageAtEnd: round(loadavg()),
    figures,
  };
  const results: Results = { date: new Date().toISOString(), machine, sections };
  // Six significant digits are plenty for figures this noisy (16.699999999999818 → 16.7).
  const tidy = (_key: string, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(6)) : v);
  writeFileSync(RESULTS_PATH, `${JSON.stringify(results, tidy, 2)}\n`);
}

export function loadAverageNow(): string {
  return round(loadavg()).join(' ');
}
