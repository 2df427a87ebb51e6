/**
 * `npm run bench`: the engine figures (Node), then the wall time of the
 * MIT-style suite. Medians; absolute numbers depend on the machine.
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { benchBrowser, benchSpaceTimeOnly } from './browser';
import { benchEngine } from './engine';
import { benchSeek } from './seek';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const seekOnly = process.argv.includes('--seek-only');

if (process.argv.includes('--spacetime-only')) {
  await benchSpaceTimeOnly();
  process.exit(0);
}

console.log(
  '# Seek (RunReplayer, 5 nodes, a command every 500 virtual ms, a crash and restart every minute; checkpoint every 2,000 events)',
);
for (const f of await benchSeek()) {
  console.log(
    `${`${f.minutes}-minute run`.padEnd(16)} ${fmt(f.events).padStart(8)} events ${fmt(f.actions).padStart(5)} actions ${String(f.checkpoints).padStart(4)} checkpoints   first pass ${fmt(f.prepareMs).padStart(6)} ms   seek median ${f.medianMs.toFixed(1)} ms (min ${f.minMs.toFixed(1)}, max ${f.maxMs.toFixed(1)}, ${f.seeks} seeks)`,
  );
}
if (seekOnly) process.exit(0);

console.log('\n# Engine (5 nodes, one command every 5 virtual ms, 20 virtual s, median of 5 runs)');
for (const f of await benchEngine()) {
  console.log(
    `${f.label.padEnd(58)} ${fmt(f.deliveredPerSec).padStart(9)} delivered msgs/wall-s   ${f.virtualSecPerSec.toFixed(1).padStart(6)} virtual-s/wall-s   (${fmt(f.delivered)} delivered, ${fmt(f.committed)} committed)`,
  );
}

if (!process.argv.includes('--engine-only')) {
  console.log('\n# MIT-style suite (test/mit, every seed), wall time');
  const t0 = performance.now();
  execFileSync('npx', ['vitest', 'run', 'test/mit', '--reporter=dot'], { stdio: 'inherit' });
  console.log(`MIT-style suite: ${((performance.now() - t0) / 1000).toFixed(1)} s wall (including vitest start-up)`);
}

if (!process.argv.includes('--engine-only') && !process.argv.includes('--no-browser')) {
  console.log('');
  await benchBrowser();
}
