/**
 * Engine benchmark: a 5-node cluster under a steady client load (one command
 * every 5 virtual ms), without and with faults. Prints delivered messages
 * per wall-second and virtual seconds simulated per wall-second (median of
 * several runs). Run with `npm run bench`.
 */
import { performance } from 'node:perf_hooks';
import { createCluster, type Cluster, type NetworkOptions } from '../src/sim';

export interface EngineFigures {
  label: string;
  /** Median over the runs, and the slowest and fastest run. */
  deliveredPerSec: number;
  deliveredPerSecMin: number;
  deliveredPerSecMax: number;
  virtualSecPerSec: number;
  /** Every run's figure. */
  deliveredPerSecRuns: number[];
  delivered: number;
  committed: number;
}

const VIRTUAL_MS = 20_000;
const COMMAND_EVERY_MS = 5;

async function runOnce(network: NetworkOptions, seed: number): Promise<{ wallMs: number; delivered: number; committed: number }> {
  const cluster: Cluster = createCluster({ nodes: 5, seed, network });
  let delivered = 0;
  let leader = 0;
  cluster.subscribe((e) => {
    if (e.kind === 'deliver') delivered++;
    else if (e.kind === 'role') {
      if (e.role === 'leader') leader = e.node;
      else if (e.node === leader) leader = 0;
    } else if (e.kind === 'crash' && e.node === leader) leader = 0;
  });
  await cluster.runFor(1000); // elect a leader first
  delivered = 0;
  const start = performance.now();
  let n = 0;
  for (let t = 0; t < VIRTUAL_MS; t += COMMAND_EVERY_MS) {
    if (leader !== 0) await cluster.start(leader, `k${n % 100}=${n++}`);
    await cluster.runFor(COMMAND_EVERY_MS);
  }
  const wallMs = performance.now() - start;
  const committed = Math.max(...cluster.ids.map((id) => cluster.node(id).commitIndex));
  await cluster.destroy();
  return { wallMs, delivered, committed };
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

export async function benchEngine(runs = 5): Promise<EngineFigures[]> {
  const cases: [string, NetworkOptions][] = [
    ['no faults', {}],
    [
      'faults (10% drop, 5% dup, 0–26 ms delay, 1% long delay)',
      { dropRate: 0.1, duplicateRate: 0.05, delayMs: [0, 26], longDelayRate: 0.01 },
    ],
  ];
  const out: EngineFigures[] = [];
  for (const [label, network] of cases) {
    await runOnce(network, 99); // warm-up
    const rates: number[] = [];
    const speeds: number[] = [];
    let delivered = 0;
    let committed = 0;
    for (let i = 0; i < runs; i++) {
      const r = await runOnce(network, i + 1);
      rates.push(r.delivered / (r.wallMs / 1000));
      speeds.push(VIRTUAL_MS / 1000 / (r.wallMs / 1000));
      delivered = r.delivered;
      committed = r.committed;
    }
    out.push({
      label,
      deliveredPerSec: median(rates),
      deliveredPerSecMin: Math.min(...rates),
      deliveredPerSecMax: Math.max(...rates),
      virtualSecPerSec: median(speeds),
      deliveredPerSecRuns: rates,
      delivered,
      committed,
    });
  }
  return out;
}
