/**
 * `raft-lab-check trace.ndjson`: the trace checker for CI (a student's lab
 * tests, an etcd-io/raft trace run). Prints the first violation of the
 * safety properties and exits 1, or a one-line summary and exits 0; 2 when
 * the trace cannot be read or the arguments are wrong.
 *
 * Runs in Node (bin/raft-lab-check.mjs loads it through tsx), with the same
 * importer and monitor as the app.
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { TRACE_FORMATS, type TraceFormatName } from './adapter';
import { checkTrace } from './check';
import { parseFormatName, TraceImporter } from './import';
import { TraceImportError } from './reader';

export const USAGE = `Usage: raft-lab-check [--format ${TRACE_FORMATS.join('|')}] [--all] <trace-file>

Checks a Raft trace against Raft's safety properties (Figure 3 of the Raft
paper, plus one vote per term and current-term commits). The format is
detected unless named: etcd (etcd-io/raft's TLA+ trace log), student
("RL key=value" lines from DPrintf), raftlab (Raft Lab's NDJSON).

Exit status: 0 safe, 1 a violation, 2 the trace could not be read.
  --format F   the trace's format
  --all        list every violation, not only the first
  --help       this text`;

export interface Output {
  out(line: string): void;
  err(line: string): void;
}

const console_: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

interface Args {
  readonly file: string;
  readonly format?: TraceFormatName;
  readonly all: boolean;
}

function parseArgs(argv: readonly string[]): Args | string {
  let file: string | undefined;
  let format: TraceFormatName | undefined;
  let all = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') return 'help';
    if (a === '--all') all = true;
    else if (a === '--format' || a.startsWith('--format=')) {
      const value = a === '--format' ? argv[++i] : a.slice('--format='.length);
      if (value === undefined) return '--format needs a value';
      try {
        format = parseFormatName(value);
      } catch (err) {
        return (err as Error).message;
      }
    } else if (a.startsWith('-') && a !== '-') return `unknown option ${a}`;
    else if (file !== undefined) return `one trace file at a time (got ${file} and ${a})`;
    else file = a;
  }
  if (file === undefined) return 'no trace file given';
  return { file, format, all };
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;
}

/** Runs the CLI; resolves to the exit status. */
export async function main(argv: readonly string[], io: Output = console_): Promise<number> {
  const args = parseArgs(argv);
  if (args === 'help') {
    io.out(USAGE);
    return 0;
  }
  if (typeof args === 'string') {
    io.err(`raft-lab-check: ${args}\n\n${USAGE}`);
    return 2;
  }
  const name = args.file === '-' ? 'stdin' : basename(args.file);
  const importer = new TraceImporter({ format: args.format, source: name });
  try {
    const stream = args.file === '-' ? process.stdin.setEncoding('utf8') : createReadStream(args.file, { encoding: 'utf8' });
    for await (const chunk of stream) importer.push(chunk as string);
    const trace = importer.finish();
    for (const p of trace.problems.slice(0, 10)) io.err(`${name}:${p.line}: skipped: ${p.reason}`);
    if (trace.problems.length > 10) io.err(`${name}: … ${plural(trace.problems.length - 10, 'more bad line')} skipped`);
    const report = checkTrace(trace);
    if (trace.names.note) io.err(`${name}: ${trace.names.note}`);
    const shown = args.all ? report.violations : report.violations.slice(0, 1);
    for (const v of shown) io.out(`${name}:${v.line}: ${v.message} (at ${v.at.toFixed(1)} ms)`);
    if (report.count > 0) {
      if (!args.all && report.count > 1) io.out(`${name}: ${plural(report.count - 1, 'more violation')} (--all lists them)`);
      return 1;
    }
    io.out(
      `${name}: safe — ${plural(report.events, 'event')}, ${plural(report.nodes, 'node')}, ${plural(report.terms, 'term')}, ` +
        `entries committed through index ${report.committed}, ${plural(report.messages, 'message')}; no violation (${trace.format} format` +
        `${trace.problems.length ? `, ${plural(trace.problems.length, 'bad line')} skipped` : ''})`,
    );
    return 0;
  } catch (err) {
    if (err instanceof TraceImportError) {
      io.err(`raft-lab-check: ${name}: ${err.message}`);
      for (const p of err.problems.slice(0, 5)) io.err(`${name}:${p.line}: ${p.reason}`);
      return 2;
    }
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') {
      io.err(`raft-lab-check: cannot read ${args.file} (${code})`);
      return 2;
    }
    throw err;
  }
}
