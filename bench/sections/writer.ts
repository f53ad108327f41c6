// Where the recorder's CPU goes: its writer inline vs on a worker thread under REST load, and the store writer alone.
import { join } from 'node:path';
import { OriginRewriter, originPatterns, Redactor, RowBuilder, swapsTo } from '../../src/proxy/index.js';
import { type NewExchange, openStore, RowCollector, RowPacker } from '../../src/store/index.js';
import { startBenchServer } from '../lib/child.js';
import { mainThreadCpuMsOf } from '../lib/cpu.js';
import {
  compareProxies,
  PROXY_LABELS,
  pairedRatio,
  REST_PATH,
  type RestBenchContext,
  restLoadSettings,
  restLoadTitle,
  type Summary,
  summaries,
} from '../lib/proxy-compare.js';
import { type BenchRow, type BenchSection, formatNumber, type SectionResult } from '../lib/section.js';
import { median } from '../lib/stats.js';
import { withTempDir } from '../lib/temp-dir.js';

const settings = (context: RestBenchContext) => ({
  ...restLoadSettings(context),
  rounds: context.isQuick ? 2 : 4,
  /** rows the store writer alone writes per run, in batches of a busy 25 ms window */
  rows: context.isQuick ? 40_000 : 120_000,
  rowsPerBatch: 400,
  storeRuns: context.isQuick ? 1 : 3,
});
type Settings = ReturnType<typeof settings>;

type Target = 'bare' | 'inline' | 'worker';
const TARGET_NAMES: readonly Target[] = ['bare', 'inline', 'worker'];
const LABELS: Record<Target, string> = {
  bare: PROXY_LABELS.bare,
  inline: 'record, writer on the forwarding thread',
  worker: 'record, writer on a worker thread',
};

const cpuRow = (label: string, s: Summary): BenchRow => ({
  label,
  values: [
    `${formatNumber(s.requestsPerSecond)} req/s`,
    `process ${formatNumber(s.cpuUsPerRequest, 1)} µs/req`,
    `forwarding thread ${formatNumber(s.mainThreadCpuUsPerRequest, 1)}`,
    `other threads ${formatNumber(s.cpuUsPerRequest - s.mainThreadCpuUsPerRequest, 1)}`,
  ],
});

const underLoad = async (s: Settings, dir: string, log: (line: string) => void) => {
  const upstream = await startBenchServer('rest-upstream');
  const started = await Promise.all([
    startBenchServer('bare-proxy', [upstream.url]),
    startBenchServer('recorder', [upstream.url, join(dir, 'inline.sqlite'), 'inline']),
    startBenchServer('recorder', [upstream.url, join(dir, 'worker.sqlite'), 'worker']),
  ]);
  try {
    const { throughput } = await compareProxies({
      ...s,
      name: 'writer',
      targets: TARGET_NAMES,
      servers: { bare: started[0], inline: started[1], worker: started[2] },
      upstreamUrl: upstream.url,
      log,
      fixedRateRounds: 0,
      fixedRatePerSecond: 0,
    });
    return {
      throughput: summaries(throughput),
      inlineOverBare: pairedRatio(throughput.inline, throughput.bare),
      workerOverBare: pairedRatio(throughput.worker, throughput.bare),
    };
  } finally {
    await Promise.all([...started.map((c) => c.stop()), upstream.stop()]);
  }
};

/** The bench upstream's origin as the rows below name it. */
const REST_UPSTREAM = 'http://127.0.0.1:44123';

/** The exchange the REST load records: the bench upstream's answer to GET /api/v2/me. */
const restExchange = (id: number): NewExchange => ({
  id,
  kind: 'http',
  method: 'GET',
  path: REST_PATH,
  query: '',
  requestHeaders: [
    ['Host', '127.0.0.1:44123'],
    ['Connection', 'keep-alive'],
  ],
  requestBody: null,
  requestBodyBytes: 0,
  status: 200,
  responseHeaders: [
    ['Content-Type', 'application/json;charset=UTF-8'],
    ['Content-Length', '237'],
    ['Date', 'Thu, 26 Nov 2026 18:49:25 GMT'],
    ['Connection', 'keep-alive'],
    ['Keep-Alive', 'timeout=60'],
  ],
  responseBody: Buffer.from(
    '{"statusCode":0,"user":{"id":"63630bbebf4840d7a0bffd6312bc29ff","userName":"agent5005",' +
      `"roles":["ROLE_AGENT"],"uri":"${REST_UPSTREAM}/api/v2/users/63630bbebf4840d7a0bffd6312bc29ff",` +
      '"path":"/users/63630bbebf4840d7a0bffd6312bc29ff"}}',
  ),
  responseBodyBytes: 237,
  startMs: id * 0.06,
  firstByteMs: id * 0.06 + 1.2,
  endMs: id * 0.06 + 1.25,
  error: null,
  flags: [],
});

/** µs of this thread's CPU per row that `work` spent on `rows` rows. */
const threadUsPerRow = (rows: number, work: () => void): number => {
  const before = mainThreadCpuMsOf(process.pid);
  work();
  return ((mainThreadCpuMsOf(process.pid) - before) * 1000) / rows;
};

/** µs per row that adding `rows` in batches of `perBatch` to a fresh RowCollector or RowPacker spends. */
const addUsPerRow = (
  rows: readonly NewExchange[],
  perBatch: number,
  into: { add(kind: 'exchange', row: NewExchange): void; take(): unknown },
): number =>
  threadUsPerRow(rows.length, () => {
    for (let i = 0; i < rows.length; i++) {
      into.add('exchange', rows[i] as NewExchange);
      if ((i + 1) % perBatch === 0) into.take();
    }
  });

/**
 * The store writer alone, on this thread: collecting rows as the recorder adds them (packing them, for the
 * writer on a worker thread), and adding plus writing them (one transaction per batch, checkpoints on the
 * writer's worker thread as in the recorder).
 */
const storeAlone = async (s: Settings, dir: string) => {
  const rows = Array.from({ length: s.rows }, (_, i) => restExchange(i + 1));
  const collect: number[] = [];
  const pack: number[] = [];
  const write: number[] = [];
  for (let run = 0; run < s.storeRuns; run++) {
    collect.push(addUsPerRow(rows, s.rowsPerBatch, new RowCollector()));
    pack.push(addUsPerRow(rows, s.rowsPerBatch, new RowPacker()));
    const store = openStore(join(dir, `store-${run}.sqlite`));
    try {
      const { id } = store.createSession({
        name: 'bench',
        upstream: REST_UPSTREAM,
        source: 'record',
        listenOrigin: 'http://127.0.0.1:8090',
        originWallMs: Date.now(),
        notificationsPath: '/api/v2/notifications',
      });
      const writer = store.createWriter(id, { batchWindowMs: 60_000, isCheckpointOffThread: true });
      // the checkpoint worker starts asynchronously: let it open the file first, as it has in a recording
      const deadline = Date.now() + 10_000;
      while (!writer.isCheckpointingOffThread) {
        if (Date.now() > deadline) throw new Error('the checkpoint worker did not open the file within 10 s');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      write.push(
        threadUsPerRow(s.rows, () => {
          for (let i = 0; i < rows.length; i++) {
            writer.addExchange(rows[i] as NewExchange);
            if ((i + 1) % s.rowsPerBatch === 0) void writer.flush();
          }
          void writer.flush();
        }),
      );
      const { rowsWritten, rowsFailed } = writer.stats;
      if (rowsWritten !== s.rows || rowsFailed !== 0) {
        throw new Error(`the store writer wrote ${rowsWritten} of ${s.rows} rows (${rowsFailed} failed)`);
      }
      await writer.close();
    } finally {
      store.close();
    }
  }
  return {
    collectUsPerRow: median(collect),
    packUsPerRow: median(pack),
    addAndWriteUsPerRow: median(write),
    runs: { collect, pack, write },
  };
};

/** Thread CPU is read in 10 ms ticks: each forwarding figure is taken over enough passes to span hundreds. */
const FORWARDING_PASSES = 8;

/**
 * The forwarding thread's own work on one REST exchange, apart from relaying it: building its row (redaction
 * included) and rewriting the upstream's origin in its answer, whole (one chunk with its length, as the bench
 * upstream sends it) or streamed (chunked, or in several chunks, as CometD answers often come).
 */
const forwardingAlone = (s: Settings) => {
  const rows = Array.from({ length: s.rows }, (_, i) => restExchange(i + 1));
  // Fields added to each row, not spread into a new object: a spread of these ~20 fields builds objects V8 reads
  // slowly, which made the row look 2-3 times as dear to build as the recorder's own captured exchanges are.
  const captured = Array.from({ length: s.rows }, (_, i) =>
    Object.assign(restExchange(i + 1), {
      isRequestTruncated: false,
      isRequestRecorded: false,
      requestEndMs: (i + 1) * 0.06,
      isResponseTruncated: false,
    }),
  );
  let id = 0;
  const next = (): number => ++id;
  const builder = new RowBuilder(
    new Redactor({}),
    { nextExchangeId: next, nextMessageId: next, nextFrameId: next },
    4 * 1024 * 1024,
  );
  const patterns = originPatterns(swapsTo([REST_UPSTREAM], 'http://127.0.0.1:8090'));
  const bodies = rows.map((row) => row.responseBody as Buffer);
  const work = {
    build: () => {
      for (const c of captured) builder.exchange(c);
    },
    whole: () => {
      for (const body of bodies) new OriginRewriter(patterns).rewriteAll(body);
    },
    streamed: () => {
      for (const body of bodies) {
        const rewriter = new OriginRewriter(patterns);
        rewriter.push(body);
        rewriter.end();
      }
    },
  };
  // One pass each first, unmeasured: the figures are of code the JIT is done with, as in a long recording.
  for (const pass of Object.values(work)) pass();
  const build: number[] = [];
  const whole: number[] = [];
  const streamed: number[] = [];
  const measured = (pass: () => void): number =>
    threadUsPerRow(rows.length * FORWARDING_PASSES, () => {
      for (let i = 0; i < FORWARDING_PASSES; i++) pass();
    });
  for (let run = 0; run < s.storeRuns; run++) {
    build.push(measured(work.build));
    whole.push(measured(work.whole));
    streamed.push(measured(work.streamed));
  }
  return {
    buildUsPerExchange: median(build),
    rewriteWholeUsPerAnswer: median(whole),
    rewriteStreamedUsPerAnswer: median(streamed),
    runs: { build, whole, streamed },
  };
};

export const writerSection: BenchSection = {
  name: 'writer',
  run: async (context): Promise<SectionResult> => {
    const s = settings(context);
    return withTempDir('writer', async (dir) => {
      const load = await underLoad(s, dir, context.log);
      context.log(`writer: the store writer alone, ${formatNumber(s.rows)} rows, ${s.storeRuns} run(s)`);
      const alone = await storeAlone(s, dir);
      context.log(`writer: the forwarding thread's own work, ${formatNumber(s.rows)} exchanges`);
      const forwarding = forwardingAlone(s);
      const t = load.throughput;
      return {
        tables: [
          {
            title: restLoadTitle("Where the recorder's CPU goes", s),
            rows: [
              cpuRow(LABELS.bare, t.bare),
              cpuRow(LABELS.inline, t.inline),
              cpuRow(LABELS.worker, t.worker),
              {
                label: 'throughput / bare http-proxy',
                values: [
                  `writer inline ${formatNumber(load.inlineOverBare, 2)}x`,
                  `on a worker thread ${formatNumber(load.workerOverBare, 2)}x`,
                ],
              },
            ],
          },
          {
            title:
              `The store writer alone, this thread's CPU (checkpoints run on a worker thread): ` +
              `${formatNumber(s.rows)} REST exchange rows, batches of ${s.rowsPerBatch}, median of ${s.storeRuns}`,
            rows: [
              {
                label: 'collecting rows as they are added',
                values: [`${formatNumber(alone.collectUsPerRow, 2)} µs/row`],
              },
              {
                label: 'packing them instead, for a worker thread',
                values: [`${formatNumber(alone.packUsPerRow, 2)} µs/row`],
              },
              {
                label: 'collecting and writing them',
                values: [`${formatNumber(alone.addAndWriteUsPerRow, 2)} µs/row`],
              },
            ],
          },
          {
            title:
              `The forwarding thread's own work per REST exchange, alone, this thread's CPU: ` +
              `${formatNumber(s.rows)} exchanges ${FORWARDING_PASSES} times over, median of ${s.storeRuns}`,
            rows: [
              {
                label: 'building its row (redaction included)',
                values: [`${formatNumber(forwarding.buildUsPerExchange, 2)} µs`],
              },
              {
                label: 'rewriting its answer, whole',
                values: [`${formatNumber(forwarding.rewriteWholeUsPerAnswer, 2)} µs`],
              },
              {
                label: 'rewriting its answer, streamed',
                values: [`${formatNumber(forwarding.rewriteStreamedUsPerAnswer, 2)} µs`],
              },
            ],
          },
        ],
        data: { settings: s, underLoad: load, storeAlone: alone, forwardingAlone: forwarding },
      };
    });
  },
};
