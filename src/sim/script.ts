/**
 * Scenario scripts: a cluster driven by lines that read like a lab notebook,
 * with golden output in the style of etcd-io/raft's testdata/*.txt
 * (cockroachdb/datadriven). Used by the scenario tests and, later, by guided
 * lessons.
 *
 * A command may be followed, on the very next line, by `----` and the output
 * it must print, ended by a blank line (or the end of the text):
 *
 *   timeout 1
 *   ----
 *   t=0 n1 times out and campaigns for term 1 (it was told to time out)
 *
 *   status 1
 *   ----
 *   n1 candidate term=1 vote=1 commit=0 applied=0 last=0 votes=1
 *
 * If what it prints differs, the command fails with a diff (- expected,
 * + actual). A command without a `----` block runs but its output is not
 * checked, so a script without blocks runs exactly as before they existed.
 *
 * `runScript(text)` resolves with `{ failures, cluster, rewritten }`;
 * `rewritten` is the text with every block replaced by the actual output and
 * a block added after every command that printed something (everything else
 * kept as it was; line ends become \n). A command that failed with an error
 * keeps its old block. With `runScript(text, { rewrite: true })` differing
 * blocks are not failures (expectations, errors and safety violations still
 * are): that is the golden file update, `REWRITE=1 npx vitest run
 * test/scripts.test.ts`. Read the diff before committing it.
 * `{ makeCluster }` replaces createCluster (e.g. a worker transport, a test's
 * stand-in).
 *
 * Actions (each prints the events it caused, see "Narration"):
 *
 *   cluster nodes=3 seed=1 election=10000-20000 heartbeat=50 snapshot=0 noop=false delay=1-10
 *                             first line, or a 3-node default cluster is made;
 *                             faults=double-vote,commit-earlier-term turns on
 *                             lab bug switches (ClusterOptions.faults)
 *   timeout 1                 fire node 1's election timer
 *   run 100 [quiet|events|verbose]
 *                             advance 100 virtual ms
 *   stabilize [quiet|events|verbose] [max=10000]
 *                             process events until no message is in flight;
 *                             fails with "livelock: ..." if the network is
 *                             not empty within max virtual ms (narration
 *                             defaults to verbose here, like etcd's)
 *   start 1 x=1               propose at node 1; prints the index and term, or the refusal
 *   crash 2 | restart 2 | disconnect 2 | connect 2
 *   partition 1,2 | 3         cut links between groups
 *   link 1->2 down | link 1->2 up
 *   heal
 *   network drop=0.1 dup=0.05 delay=0-26 long=0.01
 *
 * State (print, change nothing; a node list defaults to every node):
 *
 *   status [ids]              per node: id, role (`crashed` if it is down:
 *                             then what its disk holds), term, vote, commit,
 *                             applied, last index, snapshot if any, a
 *                             candidate's votes, `unplugged` if disconnected
 *   log [ids]                 the log as index@term:command; `|` follows the
 *                             commitIndex (left of it: committed), [i@t] the snapshot
 *   progress 1                the leader's matchIndex and nextIndex per follower
 *   applied [ids]             what each node applied, one line per life (a
 *                             restart starts a new life and re-applies)
 *   committed                 every entry any node has committed, as the
 *                             safety monitor saw them
 *
 * Expectations (print nothing; fail with what was found instead):
 *
 *   expect leader 1 term 2    exactly one live leader with the highest term: node 1, term 2
 *   expect no-leader
 *   expect role 3 follower | expect term 3 2 | expect vote 3 1 | expect commit 3 2
 *   expect log 3 1@1:x=1 2@2:y=2     node 3's whole log (index@term:command)
 *   expect applied 3 x=1 y=2         commands node 3 applied since creation, in order
 *   expect started 2                 the last `start` returned index 2 (or -1)
 *
 * Narration: one line per event, `t=<virtual ms> <node> <what> (<reason>)`.
 * `events` (the default except for `stabilize`) tells what changes a node:
 * timeouts, terms, roles, votes, appends, rejections, commits with the
 * entries they apply, snapshots, crashes, restarts, errors. `verbose` adds
 * every message sent (`n1->n2 AppendEntries term=1 prev=0@0 commit=0
 * entries=1@1:x=1 (due t=25)`), duplicated or dropped and every write to
 * disk (`stabilize` first lists the messages already on the wire); `quiet`
 * prints nothing. `start` adds its result; the state commands print only
 * their table; network commands and expectations print nothing.
 *
 * No run loop can hang its caller: `run` and `stabilize` fail with
 * "livelock: ..." after 50,000 events without the clock moving or 5,000,000
 * events in one command (LIMITS in script-commands.ts).
 *
 * The safety monitor (src/sim/safety.ts) watches every script's cluster: a
 * violation of Figure 3 fails the command during which it happened.
 *
 * Blank lines and `#` comments are ignored outside blocks; inside a block
 * every line is output. A failure reports its line number, the line, and
 * what was found instead. Same text ⇒ same output (one seeded cluster).
 */
import { createCluster } from './create';
import { ScriptSession, type ClusterMaker } from './script-commands';
import type { Cluster } from './types';

export interface ScriptFailure {
  /** 1-based line of the command. */
  line: number;
  /** The command (its comment stripped). */
  text: string;
  message: string;
}

export interface ScriptResult {
  failures: ScriptFailure[];
  cluster: Cluster;
  /** The script with each command's expected block set to what it printed. */
  rewritten: string;
}

export interface ScriptOptions {
  /** Differing `----` blocks are not failures (the caller writes `rewritten` back). Default false. */
  rewrite?: boolean;
  /** Makes the cluster from the `cluster` line's options. Default createCluster. */
  makeCluster?: ClusterMaker;
}

/** One command of a script and, if it has one, its expected block. */
interface Directive {
  /** 0-based line of the command. */
  at: number;
  /** The command, comment stripped. */
  text: string;
  /** The expected lines, or null when the command has no `----` block. */
  expected: string[] | null;
  /** 0-based line after the block (its blank terminator, or the end). */
  blockEnd: number;
}

const SEPARATOR = '----';

function parse(lines: string[]): { directives: Directive[]; errors: ScriptFailure[] } {
  const directives: Directive[] = [];
  const errors: ScriptFailure[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === SEPARATOR) {
      errors.push({ line: i + 1, text: raw.trim(), message: `${SEPARATOR} must come right after a command` });
      continue;
    }
    const text = raw.replace(/#.*/, '').trim();
    if (!text) continue;
    const d: Directive = { at: i, text, expected: null, blockEnd: i + 1 };
    if (lines[i + 1]?.trim() === SEPARATOR) {
      let end = i + 2;
      while (end < lines.length && lines[end]!.trim() !== '') end++;
      d.expected = lines.slice(i + 2, end).map((l) => l.trimEnd());
      d.blockEnd = end;
      i = end; // the blank terminator, if any, is part of the block
    }
    directives.push(d);
  }
  return { directives, errors };
}

/**
 * A line diff (longest common subsequence), `  ` same, `- ` expected only,
 * `+ ` actual only. Blocks are short, so the quadratic table is fine.
 */
export function diffLines(expected: readonly string[], actual: readonly string[]): string {
  const n = expected.length;
  const m = actual.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = expected[i] === actual[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && expected[i] === actual[j]) {
      out.push(`  ${expected[i++]}`);
      j++;
    } else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      out.push(`- ${expected[i++]}`);
    } else {
      out.push(`+ ${actual[j++]}`);
    }
  }
  return out.join('\n');
}

/**
 * The script with each command's block set to what it printed (`null`: it
 * failed with an error, so its block, if any, stays as it was).
 */
function rewriteText(lines: string[], directives: Directive[], outputs: (string[] | null)[]): string {
  const out: string[] = [];
  let next = 0;
  directives.forEach((d, k) => {
    out.push(...lines.slice(next, d.at + 1));
    next = d.blockEnd;
    const actual = outputs[k] === null ? d.expected : outputs[k]!;
    if (actual === null || (d.expected === null && actual.length === 0)) return;
    out.push(SEPARATOR, ...actual);
    // A blank line ends the block, unless one follows already or the text ends.
    const following = lines[next];
    if (following !== undefined && following.trim() !== '') out.push('');
  });
  out.push(...lines.slice(next));
  return out.join('\n');
}

/**
 * Runs a script; resolves with every failure (empty when it passes), the
 * cluster it drove, and the text rewritten with the actual output.
 */
export async function runScript(text: string, options: ScriptOptions = {}): Promise<ScriptResult> {
  const lines = text.split(/\r?\n/);
  const { directives, errors } = parse(lines);
  const failures: ScriptFailure[] = [...errors];
  let current: Directive | null = null;
  const session = new ScriptSession(options.makeCluster ?? createCluster, (v) => {
    const where = current ?? directives[0];
    failures.push({
      line: where ? where.at + 1 : 1,
      text: where?.text ?? '',
      message: `safety violation at t=${v.at}, node ${v.node}: ${v.message}`,
    });
  });
  const outputs: (string[] | null)[] = [];
  for (const d of directives) {
    current = d;
    const [cmd = '', ...words] = d.text.split(/\s+/);
    const fail = (message: string) => failures.push({ line: d.at + 1, text: d.text, message });
    try {
      const { output, failure } = await session.execute(cmd, words);
      outputs.push(output);
      if (failure !== null) fail(failure);
      if (d.expected !== null && !options.rewrite && output.join('\n') !== d.expected.join('\n')) {
        fail(`output differs from the expected block (- expected, + actual):\n${diffLines(d.expected, output)}`);
      }
    } catch (err) {
      outputs.push(null);
      fail(err instanceof Error ? err.message : String(err));
    }
  }
  current = null;
  failures.sort((a, b) => a.line - b.line);
  return { failures, cluster: session.cluster, rewritten: rewriteText(lines, directives, outputs) };
}
