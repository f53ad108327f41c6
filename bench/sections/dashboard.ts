// Benchmark of the dashboard over a big session: JSON API latency (p95) and how soon the timeline page is usable.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import { createDashboard } from '../../src/dashboard/index.js';
import { openStore } from '../../src/store/index.js';
import {
  type BenchContext,
  type BenchRow,
  type BenchSection,
  formatNumber,
  ms,
  type SectionResult,
} from '../lib/section.js';
import { percentile } from '../lib/stats.js';
import { writeSyntheticSession } from '../lib/synthetic-session.js';
import { withTempDir } from '../lib/temp-dir.js';

/** Targets from the issue "Analyze and dashboard", item 5: over a session of at least these calls and messages. */
export const TARGETS = {
  calls: 10_000,
  messages: 200_000,
  maxApiP95Ms: 300,
  maxPageUsableMs: 2000,
} as const;

// The synthetic session's scenarios hold about one call per 13 messages: 200,000 messages make over 10,000 calls.
const settings = (isQuick: boolean) => ({
  messages: isQuick ? 40_000 : TARGETS.messages,
  requestsPerRoute: isQuick ? 10 : 30,
  pageLoads: isQuick ? 2 : 5,
});

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** What the pages ask for, with a time window chosen per request (a timeline window is 1 to 5 minutes). */
const ROUTES: ReadonlyArray<{ name: string; path: (w: { fromMs: number; toMs: number }) => string }> = [
  { name: 'sessions', path: () => '/api/sessions' },
  { name: 'session', path: () => '/api/sessions/1' },
  { name: 'analysis', path: () => '/api/sessions/1/analysis' },
  {
    name: 'calls (window)',
    path: (w) => `/api/sessions/1/calls?fromMs=${w.fromMs}&toMs=${w.toMs}&limit=300`,
  },
  {
    name: 'operations (window)',
    path: (w) => `/api/sessions/1/operations?fromMs=${w.fromMs}&toMs=${w.toMs}&limit=2000`,
  },
  {
    name: 'notifications (window)',
    path: (w) =>
      `/api/sessions/1/messages?fromMs=${w.fromMs}&toMs=${w.toMs}&direction=to-client&channel=/v2/**&limit=3000`,
  },
  { name: 'messages (page)', path: (w) => `/api/sessions/1/messages?fromMs=${w.fromMs}&limit=300` },
  { name: 'messages (text search)', path: () => '/api/sessions/1/messages?text=Consult&limit=100' },
  { name: 'exchanges (page)', path: (w) => `/api/sessions/1/exchanges?fromMs=${w.fromMs}&limit=300` },
  { name: 'transfers', path: () => '/api/sessions/1/transfers?limit=1000' },
  { name: 'anomalies', path: () => '/api/sessions/1/anomalies?limit=1000' },
];

const timed = async (url: string): Promise<number> => {
  const started = performance.now();
  const response = await fetch(url);
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return performance.now() - started;
};

/** ms from navigation until the session page has drawn its lanes (what a user can read and click). */
const pageUsableMs = async (
  url: string,
  loads: number,
  log: (line: string) => void,
): Promise<number[] | null> => {
  if (!existsSync(CHROMIUM)) {
    log(`no Chromium at ${CHROMIUM} (set CHROMIUM_PATH): page timing skipped`);
    return null;
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const samples: number[] = [];
    for (let i = 0; i < loads; i++) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      const started = performance.now();
      await page.goto(url);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      await page.waitForSelector('.vis-labelset .lane-label[data-call-id]', { timeout: 30_000 });
      samples.push(performance.now() - started);
      await context.close();
    }
    return samples;
  } finally {
    await browser.close();
  }
};

export const dashboardSection: BenchSection = {
  name: 'dashboard',
  async run({ isQuick, log }: BenchContext): Promise<SectionResult> {
    const s = settings(isQuick);
    return withTempDir('dashboard', async (dir) => {
      const path = join(dir, 'big.sqlite');
      log(`writing a synthetic session of ${s.messages} messages`);
      const writer = openStore(path);
      const writeStarted = performance.now();
      writeSyntheticSession(writer, { messages: s.messages });
      writer.close();
      log(`written in ${formatNumber(performance.now() - writeStarted)} ms`);

      const store = openStore(path, { readonly: true });
      const dashboard = await createDashboard({ store, port: 0, warmUp: false });
      try {
        const coldAnalysisMs = await timed(`${dashboard.url}/api/sessions/1/analysis`);
        const { calls } = (await (await fetch(`${dashboard.url}/api/sessions/1/analysis`)).json()) as {
          calls: number;
        };
        const endMs = (
          (await (await fetch(`${dashboard.url}/api/sessions/1`)).json()) as { lastAtMs: number }
        ).lastAtMs;
        const samples = new Map<string, number[]>(ROUTES.map((r) => [r.name, []]));
        // rounds over all routes, so a slow spell of the machine hits every route alike
        for (let i = 0; i < s.requestsPerRoute; i++) {
          const spanMs = 60_000 + ((i * 37) % 5) * 60_000;
          const fromMs = (((i * 7919) % 97) / 97) * Math.max(0, endMs - spanMs);
          for (const route of ROUTES) {
            samples
              .get(route.name)
              ?.push(await timed(`${dashboard.url}${route.path({ fromMs, toMs: fromMs + spanMs })}`));
          }
        }
        const all = [...samples.values()].flat().sort((a, b) => a - b);
        const apiP95 = percentile(all, 95);
        const rows: BenchRow[] = [
          {
            label: 'session',
            values: [`${formatNumber(calls)} calls`, `${formatNumber(s.messages)} messages`],
            ...(isQuick
              ? {}
              : {
                  target: `>= ${formatNumber(TARGETS.calls)} calls, ${formatNumber(TARGETS.messages)} messages`,
                  isPass: calls >= TARGETS.calls && s.messages >= TARGETS.messages,
                }),
          },
          {
            label: 'all API routes',
            values: [
              `p50 ${ms(percentile(all, 50))}`,
              `p95 ${ms(apiP95)}`,
              `max ${ms(all.at(-1) ?? Number.NaN)}`,
            ],
            target: `p95 < ${TARGETS.maxApiP95Ms} ms`,
            isPass: apiP95 < TARGETS.maxApiP95Ms,
          },
        ];
        for (const [name, values] of samples) {
          const sorted = [...values].sort((a, b) => a - b);
          rows.push({
            label: `  ${name}`,
            values: [`p50 ${ms(percentile(sorted, 50))}`, `p95 ${ms(percentile(sorted, 95))}`],
          });
        }
        rows.push({ label: 'first analysis (cold, once)', values: [ms(coldAnalysisMs)] });

        log('timing the session page in Chromium');
        const pages = await pageUsableMs(`${dashboard.url}/session.html?id=1`, s.pageLoads, log);
        const sortedPages = pages ? [...pages].sort((a, b) => a - b) : [];
        const pageWorst = sortedPages.at(-1) ?? Number.NaN;
        rows.push(
          pages
            ? {
                label: 'timeline page usable (lanes drawn)',
                values: [`median ${ms(percentile(sortedPages, 50))}`, `worst ${ms(pageWorst)}`],
                target: `< ${TARGETS.maxPageUsableMs} ms`,
                isPass: pageWorst < TARGETS.maxPageUsableMs,
              }
            : { label: 'timeline page usable (lanes drawn)', values: ['skipped: no Chromium'] },
        );
        return {
          tables: [
            {
              title: `Dashboard over ${formatNumber(calls)} calls, ${formatNumber(s.messages)} messages`,
              rows,
            },
          ],
          data: {
            calls,
            messages: s.messages,
            apiP95Ms: apiP95,
            coldAnalysisMs,
            routes: Object.fromEntries(samples),
            pageUsableMs: pages,
          },
        };
      } finally {
        await dashboard.close();
        store.close();
      }
    });
  },
};
