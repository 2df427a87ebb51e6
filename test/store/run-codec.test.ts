// Runs as links and files (issue 10, "Share, embed, save" and "Validation"):
// what is written reads back the same, and every bad link or file of each
// kind is refused with a message that names what is wrong — never a throw.
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_COMMAND_LENGTH } from '../../src/raft';
import { createCluster, replayActions } from '../../src/sim';
import {
  checkRun,
  decodeRunLink,
  encodeRunLink,
  hashWithoutRun,
  hashWithRun,
  isEmbedHash,
  makeRun,
  MAX_LINK_LENGTH,
  MAX_RUN_BYTES,
  readRunFromHash,
  runClusterOptions,
  runFromFile,
  runToFile,
  type DecodeResult,
  type Run,
  type RunAction,
} from '../../src/store/runCodec';

const FIXTURES = new URL('../fixtures/runs/', import.meta.url);

/** A small run of every kind of action, in a 5-node cluster. */
const SAMPLE: Run = {
  format: 1,
  options: { nodes: 5, electionTimeoutMs: [150, 300], heartbeatMs: 50, network: { delayMs: [15, 25] }, snapshotThreshold: 10 },
  seed: 42,
  actions: [
    { at: 412, after: 130, kind: 'start', id: 3, command: 'x=1' },
    { at: 412, after: 130, kind: 'crash', id: 2 },
    {
      at: 500,
      after: 171,
      kind: 'partition',
      groups: [
        [1, 3],
        [4, 5],
      ],
    },
    { at: 620, after: 204, kind: 'heal' },
    { at: 620, after: 204, kind: 'setNetwork', opts: { dropRate: 0.1 } },
    { at: 700, after: 240, kind: 'restart', id: 2 },
    { at: 701, after: 241, kind: 'setLink', from: 1, to: 4, up: false },
    { at: 702, after: 242, kind: 'dropMessage', id: 77 },
    { at: 703, after: 243, kind: 'alignTimers' },
    { at: 704, after: 244, kind: 'spreadTimers' },
  ],
  moment: { after: 260, at: 750 },
};

/** A run with one field replaced (the schema sees it as JSON would). */
function withField(run: Run, patch: Record<string, unknown>): unknown {
  return { ...JSON.parse(JSON.stringify(run)), ...patch } as unknown;
}

function withAction(run: Run, index: number, action: unknown): unknown {
  const actions: unknown[] = JSON.parse(JSON.stringify(run.actions)) as unknown[];
  actions[index] = action;
  return withField(run, { actions });
}

/** The error of a refused result (fails the test if it was accepted). */
function refusal(result: DecodeResult | ReturnType<typeof checkRun>): string {
  if (result.ok) throw new Error(`accepted: ${JSON.stringify(result.run).slice(0, 200)}`);
  return result.error;
}

async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/** A link payload holding exactly `text` (valid compression, whatever the text). */
async function linkOfText(text: string): Promise<string> {
  return base64url(await deflate(new TextEncoder().encode(text)));
}

// ------------------------------------------------------------ generators

const networkArb = fc.record(
  {
    delayMs: fc
      .tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 200 }))
      .map(([a, b]): [number, number] => [Math.min(a, b), Math.max(a, b)]),
    dropRate: fc.double({ min: 0, max: 1, noNaN: true }),
    duplicateRate: fc.double({ min: 0, max: 1, noNaN: true }),
    longDelayRate: fc.double({ min: 0, max: 1, noNaN: true }),
    longDelayMs: fc.constant<[number, number]>([200, 2200]),
  },
  { requiredKeys: [] },
);

function actionArb(nodes: number): fc.Arbitrary<Omit<RunAction, 'at' | 'after'>> {
  const id = fc.integer({ min: 1, max: nodes });
  return fc.oneof(
    fc.record({ kind: fc.constant('start' as const), id, command: fc.string({ unit: 'binary', maxLength: 60 }) }),
    fc.record({
      kind: fc.constantFrom('timeout' as const, 'crash' as const, 'restart' as const, 'disconnect' as const, 'connect' as const),
      id,
    }),
    fc.record({ kind: fc.constant('setLink' as const), from: id, to: id, up: fc.boolean() }),
    fc
      .shuffledSubarray(
        Array.from({ length: nodes }, (_, i) => i + 1),
        { minLength: 0, maxLength: nodes },
      )
      .chain((ids) => fc.integer({ min: 0, max: ids.length }).map((cut) => [ids.slice(0, cut), ids.slice(cut)].filter((g) => g.length > 0)))
      .map((groups) => ({ kind: 'partition' as const, groups })),
    fc.record({ kind: fc.constantFrom('heal' as const, 'alignTimers' as const, 'spreadTimers' as const) }),
    fc.record({ kind: fc.constant('setNetwork' as const), opts: networkArb }),
    fc.record({ kind: fc.constant('dropMessage' as const), id: fc.nat() }),
  );
}

/** Valid runs: ids within the cluster, actions in order, timing that obeys §5.6. */
const runArb: fc.Arbitrary<Run> = fc.integer({ min: 1, max: 9 }).chain((nodes) =>
  fc
    .record(
      {
        seed: fc.integer({ min: 0, max: 0xffffffff }),
        election: fc.option(fc.tuple(fc.integer({ min: 2, max: 5000 }), fc.integer({ min: 0, max: 5000 }))),
        heartbeat: fc.option(fc.integer({ min: 1, max: 5000 })),
        network: fc.option(networkArb),
        snapshotThreshold: fc.option(fc.integer({ min: 0, max: 1000 })),
        leaderNoop: fc.option(fc.boolean()),
        actions: fc.array(
          fc.record({
            action: actionArb(nodes),
            dt: fc.double({ min: 0, max: 1000, noNaN: true }),
            dn: fc.nat(50),
            withAfter: fc.boolean(),
          }),
          { maxLength: 40 },
        ),
        moment: fc.record({ after: fc.nat(), at: fc.double({ min: 0, max: 1e9, noNaN: true }) }),
        embed: fc.option(fc.boolean()),
        faults: fc.option(fc.array(fc.stringMatching(/^[\w.-]{1,20}$/), { maxLength: 4 })),
      },
      { requiredKeys: ['seed', 'actions', 'moment'] },
    )
    .map((r) => {
      const min = r.election?.[0] ?? 150;
      let at = 0;
      let after = 0;
      const actions = (r.actions ?? []).map(({ action, dt, dn, withAfter }) => {
        at += dt;
        after += dn;
        return { at, ...(withAfter ? { after } : {}), ...action } as RunAction;
      });
      return {
        format: 1,
        options: {
          nodes,
          ...(r.election ? { electionTimeoutMs: [r.election[0], r.election[0] + r.election[1]] as const } : {}),
          ...(r.heartbeat ? { heartbeatMs: Math.min(r.heartbeat, min - 1) } : {}),
          ...(r.network ? { network: r.network } : {}),
          ...(r.snapshotThreshold !== null && r.snapshotThreshold !== undefined ? { snapshotThreshold: r.snapshotThreshold } : {}),
          ...(r.leaderNoop !== null && r.leaderNoop !== undefined ? { leaderNoop: r.leaderNoop } : {}),
        },
        seed: r.seed,
        actions,
        moment: r.moment,
        ...(r.embed !== null && r.embed !== undefined ? { embed: r.embed } : {}),
        ...(r.faults ? { faults: r.faults } : {}),
      };
    }),
);

afterEach(() => {
  vi.unstubAllGlobals();
});

// ------------------------------------------------------------ round trips

describe('a run reads back exactly as it was written', () => {
  it('the sample run is valid', () => {
    expect(checkRun(SAMPLE)).toEqual({ ok: true, run: SAMPLE });
  });

  it('link: decodeRunLink(encodeRunLink(run)) is the run, for generated runs (property)', async () => {
    await fc.assert(
      fc.asyncProperty(runArb, async (run) => {
        expect(checkRun(run)).toEqual({ ok: true, run });
        const link = await encodeRunLink(run);
        expect(link).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(await decodeRunLink(link)).toEqual({ ok: true, run });
      }),
      { numRuns: 150 },
    );
  });

  it('file: runFromFile(runToFile(run)) is the run, for generated runs (property)', () => {
    fc.assert(
      fc.property(runArb, (run) => {
        const text = runToFile(run);
        expect(JSON.parse(text)).toMatchObject({ kind: 'raft-lab-run', format: 1 });
        expect(runFromFile(text)).toEqual({ ok: true, run });
      }),
      { numRuns: 150 },
    );
  });

  it('the file format is the fixture: kind and format first, one action per line', () => {
    const fixture = readFileSync(new URL('sample.run.json', FIXTURES), 'utf8');
    expect(runToFile(SAMPLE)).toBe(fixture);
    expect(runFromFile(fixture)).toEqual({ ok: true, run: SAMPLE });
  });

  it('a link written by format 1 stays readable (a fixed payload, not one made by this run)', async () => {
    const link = readFileSync(new URL('sample.link.txt', FIXTURES), 'utf8').trim();
    expect(await decodeRunLink(link)).toEqual({ ok: true, run: SAMPLE });
  });

  it('a file saved by an editor with a byte-order mark still opens', () => {
    expect(runFromFile(`\uFEFF${runToFile(SAMPLE)}`)).toEqual({ ok: true, run: SAMPLE });
  });

  it('a command of the core limit fits, whole', async () => {
    const run = withAction(SAMPLE, 0, { at: 1, kind: 'start', id: 1, command: 'é'.repeat(MAX_COMMAND_LENGTH) }) as Run;
    expect(await decodeRunLink(await encodeRunLink(run))).toEqual({ ok: true, run });
  });

  it("a real cluster's options and actions make a run that validates, travels and replays to the same trace and nodes", async () => {
    const options = { nodes: 3, seed: 7, snapshotThreshold: 5, leaderNoop: true, network: { delayMs: [2, 9] as [number, number] } };
    const original = createCluster({ ...options, transport: 'inline' });
    await original.runFor(600);
    const leader = original.ids.find((id) => original.node(id).role === 'leader') ?? 1;
    await original.start(leader, 'x=1');
    await original.runFor(40);
    original.partition([[1], [2, 3]]);
    await original.crash(2);
    await original.runFor(300);
    // Between single steps, where only the action's `after` places it exactly.
    for (let i = 0; i < 7; i++) await original.step();
    original.heal();
    await original.step();
    original.setNetwork({ dropRate: 0.1 });
    await original.restart(2);
    await original.runFor(500);
    const run = makeRun({ ...options, transport: 'inline' }, original.actions(), { after: 0, at: original.now() });
    expect(run.options).not.toHaveProperty('transport');
    const decoded = await decodeRunLink(await encodeRunLink(run));
    if (!decoded.ok) throw new Error(decoded.error);
    expect(runClusterOptions(decoded.run)).toEqual(options);
    const replayed = createCluster(runClusterOptions(decoded.run));
    await replayActions(replayed, decoded.run.actions, decoded.run.moment.at);
    expect(replayed.trace()).toEqual(original.trace());
    for (const id of original.ids) expect(replayed.node(id)).toEqual(original.node(id));
    await Promise.all([original.destroy(), replayed.destroy()]);
  });
});

// ------------------------------------------------------------ the address bar

describe('a run in the URL hash', () => {
  it('sits beside the other parameters, which are kept, and reads back', async () => {
    const hash = await hashWithRun('#nodes=5&seed=42&compact=10', SAMPLE);
    const params = new URLSearchParams(hash.slice(1));
    expect(params.get('nodes')).toBe('5');
    expect(params.get('compact')).toBe('10');
    expect(params.get('run')).toBe(await encodeRunLink(SAMPLE));
    expect(params.has('embed')).toBe(false);
    expect(isEmbedHash(hash)).toBe(false);
    expect(await readRunFromHash(hash)).toEqual({ ok: true, run: SAMPLE });
    expect(hashWithoutRun(hash)).toBe('#nodes=5&seed=42&compact=10');
  });

  it('an embed run writes embed=1, and embed=1 in the hash makes a run an embed run', async () => {
    const embedded = await hashWithRun('', { ...SAMPLE, embed: true });
    expect(isEmbedHash(embedded)).toBe(true);
    expect(await readRunFromHash(embedded)).toEqual({ ok: true, run: { ...SAMPLE, embed: true } });
    const plain = await hashWithRun('#embed=1', SAMPLE);
    expect(isEmbedHash(plain)).toBe(false);
    const added = `${plain}&embed=1`;
    expect(await readRunFromHash(added)).toEqual({ ok: true, run: { ...SAMPLE, embed: true } });
  });

  it('a hash without a run gives null; a bad one gives the refusal', async () => {
    expect(await readRunFromHash('#nodes=5&seed=1')).toBeNull();
    expect(await readRunFromHash('')).toBeNull();
    expect(refusal((await readRunFromHash('#run=%%%'))!)).toMatch(/not base64url/);
    expect(refusal((await readRunFromHash('#run='))!)).toMatch(/empty/);
  });
});

// ------------------------------------------------------------ bad links

describe('a bad link is refused with a message that names what is wrong', () => {
  it('empty, or not a string at all', async () => {
    expect(refusal(await decodeRunLink(''))).toBe('This link cannot be opened: its run is empty.');
    for (const junk of [undefined, null, 42, {}, ['a']]) {
      expect(refusal(await decodeRunLink(junk as string))).toBe('This link cannot be opened: it holds no run.');
    }
  });

  it('malformed base64url: a stray character, padding, a space, an impossible length', async () => {
    const link = await encodeRunLink(SAMPLE);
    for (const bad of [`${link.slice(0, 10)}$${link.slice(11)}`, `${link}=`, `${link.slice(0, 5)} ${link.slice(5)}`, 'abcde', '+/+/']) {
      expect(refusal(await decodeRunLink(bad)), bad).toMatch(/^This link cannot be opened: its run is not base64url text/);
    }
  });

  it('truncated: cut anywhere, it does not decompress', async () => {
    const link = await encodeRunLink(SAMPLE);
    for (const keep of [4, 10, Math.floor(link.length / 2), link.length - 8, link.length - 3]) {
      const cut = link.slice(0, keep);
      if (cut.length % 4 === 1) continue; // that one is already not base64url
      expect(refusal(await decodeRunLink(cut)), `first ${keep} characters`).toBe(
        'This link cannot be opened: its data does not decompress: it was cut short or changed (copy the whole link again).',
      );
    }
  });

  it('tampered: any one changed byte is refused or reads as the very same run (property)', async () => {
    const bytes = Buffer.from(await encodeRunLink(SAMPLE), 'base64url');
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
        const changed = Uint8Array.from(bytes);
        changed[at]! ^= xor;
        const result = await decodeRunLink(base64url(changed));
        if (result.ok) expect(result.run).toEqual(SAMPLE);
        else refused++;
      }),
      { numRuns: 300 },
    );
    expect(refused).toBeGreaterThan(250);
  });

  it('tampered: a changed byte in the middle is refused as damaged', async () => {
    const bytes = Buffer.from(await encodeRunLink(SAMPLE), 'base64url');
    bytes[bytes.length >> 1]! ^= 0x10;
    expect(refusal(await decodeRunLink(base64url(bytes)))).toMatch(/does not decompress/);
  });

  it('tampered: well-compressed data that is not UTF-8 or not JSON', async () => {
    expect(refusal(await decodeRunLink(base64url(await deflate(Uint8Array.of(0x7b, 0xff, 0x7d)))))).toBe(
      'This link cannot be opened: its data is not JSON (it is not UTF-8 text), so it was changed.',
    );
    expect(refusal(await decodeRunLink(await linkOfText('{"format":1,')))).toMatch(
      /^This link cannot be opened: its data is not JSON \(.+\), so it was changed\.$/,
    );
  });

  it('wrong types', async () => {
    const cases: [unknown, string][] = [
      [withField(SAMPLE, { seed: '42' }), 'seed must be a whole number from 0 to 4294967295, not "42"'],
      [withField(SAMPLE, { seed: 1.5 }), 'seed must be a whole number from 0 to 4294967295, not 1.5'],
      [withField(SAMPLE, { actions: {} }), 'actions must be a list, not an object'],
      [withField(SAMPLE, { embed: 'yes' }), 'embed must be true or false, not "yes"'],
      [withField(SAMPLE, { options: { nodes: 5, leaderNoop: 1 } }), 'options.leaderNoop must be true or false, not 1'],
      [
        withField(SAMPLE, { options: { nodes: 5, network: { dropRate: 2 } } }),
        'options.network.dropRate must be a probability from 0 to 1, not 2',
      ],
      [withField(SAMPLE, { options: { nodes: 5, transport: 'worker' } }), 'options.transport is not a field this Raft Lab knows'],
      [withField(SAMPLE, { moment: { after: -1, at: 0 } }), 'moment.after must be a whole number from 0 to 9007199254740991, not -1'],
      [
        withAction(SAMPLE, 1, { at: 412, kind: 'crash', id: '2' }),
        'action 2 (crash): id must be a node id (a whole number from 1), not "2"',
      ],
      [withAction(SAMPLE, 0, { at: 412, kind: 'start', id: 1, command: 7 }), 'action 1 (start): command must be a command (text), not 7'],
      [withAction(SAMPLE, 3, { at: 620, kind: 'heal', id: 1 }), 'action 4 (heal): id is not a field this Raft Lab knows'],
      [withAction(SAMPLE, 3, { at: 620, kind: 'explode' }), 'action 4 (explode): kind must be a known action kind'],
      [withAction(SAMPLE, 3, 5), 'action 4 must be an action (an object with a kind), not 5'],
      [withAction(SAMPLE, 3, { at: 620 }), 'action 4: kind is missing'],
      [withAction(SAMPLE, 3, { at: 'noon', kind: 'heal' }), 'action 4 (heal): at must be a virtual time in ms from 0 to'],
      [
        withAction(SAMPLE, 0, { at: 1, kind: 'start', id: 1, command: 'x'.repeat(MAX_COMMAND_LENGTH + 1) }),
        `command must be a command of at most ${MAX_COMMAND_LENGTH} characters`,
      ],
      [['a', 'list'], 'the run must be an object, not a list'],
      ['a string', 'the run must be an object, not "a string"'],
      [null, 'the run must be an object, not null'],
      [{ ...(withField(SAMPLE, {}) as object), format: 0 }, 'format must be 1, not 0'],
      [withField(SAMPLE, { faults: ['no-term-check', 'two words'] }), 'faults[1] must be a fault name'],
    ];
    for (const [run, message] of cases) {
      expect(refusal(checkRun(run)), message).toContain(message);
      expect(refusal(await decodeRunLink(await linkOfText(JSON.stringify(run)))), message).toContain(message);
    }
  });

  it('a node id out of range for the cluster, in any field that names a node', () => {
    const five = (i: number, a: unknown) => refusal(checkRun(withAction(SAMPLE, i, a)));
    expect(five(1, { at: 412, kind: 'crash', id: 9 })).toBe('action 2 (crash): node 9 is not in a 5-node cluster');
    expect(five(0, { at: 412, kind: 'start', id: 6, command: 'x' })).toBe('action 1 (start): node 6 is not in a 5-node cluster');
    expect(five(6, { at: 701, kind: 'setLink', from: 1, to: 7, up: true })).toBe('action 7 (setLink): node 7 is not in a 5-node cluster');
    expect(five(2, { at: 500, kind: 'partition', groups: [[1], [2, 8]] })).toBe('action 3 (partition): node 8 is not in a 5-node cluster');
    expect(
      five(2, {
        at: 500,
        kind: 'partition',
        groups: [
          [1, 2],
          [2, 3],
        ],
      }),
    ).toBe('action 3 (partition): node 2 is in more than one group');
    expect(five(1, { at: 412, kind: 'crash', id: 0 })).toBe('action 2 (crash): id must be a node id (a whole number from 1), not 0');
    expect(refusal(checkRun(withField(SAMPLE, { options: { nodes: 10 } })))).toBe(
      'options.nodes must be a whole number from 1 to 9, not 10',
    );
    expect(refusal(checkRun(withField(SAMPLE, { options: { nodes: 0 } })))).toBe('options.nodes must be a whole number from 1 to 9, not 0');
    // The same action in a cluster big enough is fine.
    expect(checkRun(withField(SAMPLE, { options: { nodes: 9 }, actions: [{ at: 1, kind: 'crash', id: 9 }] })).ok).toBe(true);
  });

  it('actions out of order, by time or by events processed', () => {
    expect(refusal(checkRun(withAction(SAMPLE, 3, { at: 499, after: 204, kind: 'heal' })))).toBe(
      'action 4 (heal) at 499 ms comes after an action at 500 ms: actions must be in the order they happened',
    );
    expect(refusal(checkRun(withAction(SAMPLE, 3, { at: 620, after: 170, kind: 'heal' })))).toBe(
      'action 4 (heal) after 170 events comes after an action after 171 events: actions must be in the order they happened',
    );
    // The same time and count as the action before is in order (two actions between two events).
    expect(checkRun(withAction(SAMPLE, 3, { at: 500, after: 171, kind: 'heal' })).ok).toBe(true);
  });

  it('timing the engine would refuse (§5.6)', () => {
    expect(refusal(checkRun(withField(SAMPLE, { options: { nodes: 3, heartbeatMs: 150 } })))).toBe(
      'options: the heartbeat (150 ms) must be shorter than the shortest election timeout (150 ms) (§5.6)',
    );
    expect(refusal(checkRun(withField(SAMPLE, { options: { nodes: 3, electionTimeoutMs: [300, 150] } })))).toBe(
      'options.electionTimeoutMs must be a [shortest, longest] pair of election timeouts with the shortest first',
    );
  });

  it('newer format, whatever else it holds', async () => {
    for (const run of [withField(SAMPLE, { format: 3 }), { format: 2, something: 'new' }]) {
      const format = (run as { format: number }).format;
      expect(refusal(checkRun(run))).toBe(`format ${format} is newer than this Raft Lab understands (1)`);
      expect(refusal(await decodeRunLink(await linkOfText(JSON.stringify(run))))).toBe(
        `This link cannot be opened: format ${format} is newer than this Raft Lab understands (1).`,
      );
    }
  });

  it('oversized: a zip bomb (small link, over 200 KB decoded) is refused, and decompression stops at the limit', async () => {
    const bomb = `{"format":1,"options":{"nodes":5},"seed":1,"moment":{"after":0,"at":0},"actions":[${'{"at":0,"kind":"heal"},'.repeat(2_000_000)}{"at":0,"kind":"heal"}]}`;
    expect(bomb.length).toBeGreaterThan(40 * 1024 * 1024);
    const link = base64url(deflateSync(bomb, { level: 9 }));
    expect(link.length).toBeLessThan(MAX_LINK_LENGTH);
    // Count what comes out of the decompressor: a check made only after inflating it whole would read all 40 MB.
    const Real = globalThis.DecompressionStream;
    let inflated = 0;
    class Counting {
      readonly writable: WritableStream<BufferSource>;
      readonly readable: ReadableStream<Uint8Array<ArrayBuffer>>;
      constructor(format: CompressionFormat) {
        const inner = new Real(format);
        this.writable = inner.writable;
        this.readable = inner.readable.pipeThrough(
          new TransformStream<Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>>({
            transform(chunk, controller) {
              inflated += chunk.byteLength;
              controller.enqueue(chunk);
            },
          }),
        );
      }
    }
    vi.stubGlobal('DecompressionStream', Counting);
    expect(refusal(await decodeRunLink(link))).toBe('This link cannot be opened: the run is more than 200 KB once decompressed.');
    expect(inflated).toBeGreaterThan(MAX_RUN_BYTES);
    expect(inflated).toBeLessThan(MAX_RUN_BYTES + 1024 * 1024);
  });

  it('oversized: one byte over the limit decoded is refused, the limit itself is read', async () => {
    const many = (count: number) => ({ ...SAMPLE, actions: Array.from({ length: count }, (_, i) => ({ at: i, kind: 'heal' as const })) });
    const size = (count: number) => JSON.stringify(many(count)).length;
    let fits = 0;
    for (let step = 8192; step >= 1; step >>= 1) if (size(fits + step) <= MAX_RUN_BYTES) fits += step;
    // Pad the largest run that fits to exactly MAX_RUN_BYTES with spaces (still the same JSON).
    const exact = JSON.stringify(many(fits)).padEnd(MAX_RUN_BYTES, ' ');
    expect(new TextEncoder().encode(exact).byteLength).toBe(MAX_RUN_BYTES);
    expect(await decodeRunLink(await linkOfText(exact))).toEqual({ ok: true, run: many(fits) });
    expect(refusal(await decodeRunLink(await linkOfText(`${exact} `)))).toBe(
      'This link cannot be opened: the run is more than 200 KB once decompressed.',
    );
  });

  it('oversized: a link too long is refused before it is decoded', async () => {
    vi.stubGlobal('DecompressionStream', function never() {
      throw new Error('decompression must not start');
    });
    expect(refusal(await decodeRunLink('A'.repeat(MAX_LINK_LENGTH + 1)))).toBe(
      `This link cannot be opened: its run is ${MAX_LINK_LENGTH + 1} characters long, more than the ${MAX_LINK_LENGTH} a link may have.`,
    );
  });

  it('never throws, whatever the text (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.base64String(), fc.stringMatching(/^[A-Za-z0-9_-]{0,200}$/)), async (text) => {
        const result = await decodeRunLink(text);
        expect(typeof result.ok).toBe('boolean');
        if (!result.ok) expect(result.error).toMatch(/^This link cannot be opened: .+\.$/);
      }),
      { numRuns: 300 },
    );
  });
});

// ------------------------------------------------------------ writing

describe('nothing is written that reading would refuse', () => {
  it('encodeRunLink and runToFile refuse an invalid run, naming the problem', async () => {
    const bad = withAction(SAMPLE, 1, { at: 412, kind: 'crash', id: 9 }) as Run;
    await expect(encodeRunLink(bad)).rejects.toThrow('This run cannot be shared: action 2 (crash): node 9 is not in a 5-node cluster.');
    expect(() => runToFile(bad)).toThrow('This run cannot be saved: action 2 (crash): node 9 is not in a 5-node cluster.');
  });

  it('encodeRunLink and runToFile refuse a run over 200 KB', async () => {
    const big: Run = { ...SAMPLE, actions: Array.from({ length: 12_000 }, (_, i) => ({ at: i, kind: 'heal' as const })) };
    await expect(encodeRunLink(big)).rejects.toThrow(/^This run cannot be shared as a link: the run is \d+ KB, more than the 200 KB/);
    expect(() => runToFile(big)).toThrow(/^This run cannot be saved: the run is \d+ KB, more than the 200 KB/);
  });
});

// ------------------------------------------------------------ bad files

describe('a bad file is refused with a message', () => {
  it('JSON that is not a Raft Lab run', () => {
    const message = 'This file cannot be opened: it is JSON but not a Raft Lab run (a run file says "kind": "raft-lab-run").';
    for (const text of [
      '{"name":"my notes"}',
      '[1,2,3]',
      'null',
      '"raft-lab-run"',
      JSON.stringify({ ...SAMPLE, kind: 'raft-lab-trace' }),
    ]) {
      expect(refusal(runFromFile(text)), text).toBe(message);
    }
    // A link's bare run (no kind) is not a file either.
    expect(refusal(runFromFile(JSON.stringify(SAMPLE)))).toBe(message);
  });

  it('not JSON, empty, not text', () => {
    expect(refusal(runFromFile('x=1\ny=2'))).toMatch(/^This file cannot be opened: it is not JSON, so not a Raft Lab run \(.+\)\.$/);
    expect(refusal(runFromFile(''))).toBe('This file cannot be opened: it is empty.');
    expect(refusal(runFromFile('  \n'))).toBe('This file cannot be opened: it is empty.');
    expect(refusal(runFromFile(undefined as unknown as string))).toBe('This file cannot be opened: it holds no text.');
  });

  it('a run file with something wrong inside says what', () => {
    const file = (run: unknown) => JSON.stringify({ kind: 'raft-lab-run', ...(run as object) });
    expect(refusal(runFromFile(file(withAction(SAMPLE, 1, { at: 412, kind: 'crash', id: 9 }))))).toBe(
      'This file cannot be opened: action 2 (crash): node 9 is not in a 5-node cluster.',
    );
    expect(refusal(runFromFile(file(withField(SAMPLE, { format: 4 }))))).toBe(
      'This file cannot be opened: format 4 is newer than this Raft Lab understands (1).',
    );
  });

  it('a file over 200 KB', () => {
    const text = runToFile(SAMPLE).replace('"seed"', `"pad": "${'x'.repeat(MAX_RUN_BYTES)}", "seed"`);
    expect(refusal(runFromFile(text))).toBe('This file cannot be opened: it is more than 200 KB, too big for a Raft Lab run.');
    // Counted in UTF-8 bytes: 70,000 three-byte characters are 210,000 bytes.
    const wide = runToFile(SAMPLE).replace('"seed"', `"pad": "${'€'.repeat(70_000)}", "seed"`);
    expect(wide.length).toBeLessThan(MAX_RUN_BYTES);
    expect(refusal(runFromFile(wide))).toMatch(/more than 200 KB/);
  });
});

describe('runs with the issue-13 options and actions (PreVote, CheckQuorum, transfer, membership)', () => {
  const MEMBERSHIP: Run = {
    format: 1,
    options: { nodes: 3, preVote: true, checkQuorum: true },
    seed: 7,
    actions: [
      { at: 400, after: 100, kind: 'addNode', id: 4 },
      { at: 900, after: 300, kind: 'transferLeadership', from: 1, to: 4 },
      { at: 1500, after: 500, kind: 'removeNode', id: 2 },
      { at: 1600, after: 520, kind: 'addNode', id: 5 },
      { at: 1700, after: 540, kind: 'crash', id: 5 },
    ],
    moment: { after: 600, at: 2000 },
  };

  it('accepts them, and a link carries them back exactly', async () => {
    expect(checkRun(MEMBERSHIP)).toEqual({ ok: true, run: MEMBERSHIP });
    const read = await decodeRunLink(await encodeRunLink(MEMBERSHIP));
    expect(read).toEqual({ ok: true, run: MEMBERSHIP });
    expect(runClusterOptions(MEMBERSHIP)).toMatchObject({ nodes: 3, seed: 7, preVote: true, checkQuorum: true });
  });

  it('makeRun keeps the switches only when on, so an old run stays as it was', () => {
    const on = makeRun({ nodes: 3, seed: 1, preVote: true, checkQuorum: false }, [], { after: 0, at: 0 });
    expect(on.options).toEqual({ nodes: 3, preVote: true });
    const off = makeRun({ nodes: 3, seed: 1, preVote: false, checkQuorum: false }, [], { after: 0, at: 0 });
    expect(off.options).toEqual({ nodes: 3 });
  });

  it('an added node must take the next id, and later actions may name it but no higher one', () => {
    const at = (a: RunAction) => ({ ...MEMBERSHIP, actions: [a] });
    expect(refusal(checkRun(at({ at: 1, kind: 'addNode', id: 5 })))).toBe(
      'action 1 (addNode): the new node must be node 4 (the highest id so far + 1), not 5',
    );
    expect(refusal(checkRun(at({ at: 1, kind: 'transferLeadership', from: 1, to: 4 })))).toBe(
      'action 1 (transferLeadership): node 4 is not in a 3-node cluster',
    );
    expect(refusal(checkRun({ ...MEMBERSHIP, actions: [MEMBERSHIP.actions[0]!, { at: 500, kind: 'removeNode', id: 5 }] }))).toBe(
      'action 2 (removeNode): node 5 is not in the cluster (nodes 1–4 so far)',
    );
    expect(refusal(checkRun(withField(MEMBERSHIP, { options: { nodes: 3, preVote: 'yes' } })))).toBe(
      'options.preVote must be true or false, not "yes"',
    );
  });

  it('a recorded run with membership changes replays to the same state on the inline engine', async () => {
    const live = createCluster({ nodes: 3, seed: 11, transport: 'inline', preVote: true });
    await live.runUntil(() => live.ids.some((id) => live.node(id).role === 'leader'), 5000);
    const added = await live.addNode();
    await live.runFor(1500);
    const run = makeRun(live.creationOptions(), live.actions(), { after: live.processed(), at: live.now() });
    expect(checkRun(run).ok).toBe(true);
    expect(run.actions.map((a) => a.kind)).toContain('addNode');
    const replay = createCluster({ ...runClusterOptions(run), transport: 'inline' });
    await replayActions(replay, run.actions);
    await replay.runFor(live.now() - replay.now());
    expect(replay.ids).toEqual(live.ids);
    expect(replay.node(added).config).toEqual(live.node(added).config);
    await live.destroy();
    await replay.destroy();
  });
});
