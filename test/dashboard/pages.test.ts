// The pages in headless Chromium: lanes per call, a notification's JSON, live updates, escaping of recorded content.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { connectAgentDesktop, simulatorFarEnd, twoStepTransfer } from '../../src/agent/index.js';
import { createDashboard } from '../../src/dashboard/index.js';
import {
  HOSTILE_USER_DATA,
  SEED_CALL_A,
  SEED_CALL_B,
  seedWithHostileUserData,
  storeWith,
} from '../helpers/dashboard-fixtures.js';
import { startTestRecorder } from '../helpers/recorder.js';
import { failedCompleteTransfer, RecordingScript, SEED_TIMES, twoStepConference } from '../helpers/rows.js';
import { startTestSimulator } from '../helpers/simulator.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where the first test saves its screenshot: docs/dashboard.md says how it makes docs/dashboard.png. */
const SCREENSHOT = process.env.GWS_VCR_SCREENSHOT;
const HOSTILE_NAME = '<img src=x onerror="window.__pwnedByName=1">';
const HOSTILE_OPERATION = '<img src=x onerror="window.__pwnedByOperation=1">';

let browser: Browser;
const shotsDir = mkdtempSync(join(tmpdir(), 'gws-vcr-shots-'));

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
  rmSync(shotsDir, { recursive: true, force: true });
});

/** A fresh page that records script errors and CSP violations, closed after the test. */
const openPage = async (): Promise<{ page: Page; problems: string[] }> => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  onTestFinished(() => context.close());
  const page = await context.newPage();
  page.setDefaultTimeout(8000);
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`error: ${err.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  return { page, problems };
};

/** Opens a dashboard page and waits until it has drawn what it fetched. */
const load = async (page: Page, url: string): Promise<void> => {
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
};

/** A dashboard over the recording of `script` alone (session 1), closed after the test, and a fresh page. */
const openDashboard = async (
  name: string,
  script: RecordingScript,
): Promise<{ url: string; page: Page; problems: string[] }> => {
  const { store } = storeWith([{ name, script }]);
  const dashboard = await createDashboard({ store, port: 0 });
  onTestFinished(() => dashboard.close());
  return { url: dashboard.url, ...(await openPage()) };
};

const laneIds = (page: Page): Promise<string[]> =>
  page.$$eval('.vis-labelset .lane-label[data-call-id]', (labels) =>
    labels.map((l) => (l as HTMLElement).dataset.callId ?? ''),
  );

describe('dashboard pages', () => {
  it('shows a seed transfer recorded live through the proxy as a lane per call, and a notification as JSON', async () => {
    const sim = await startTestSimulator({ latencyMs: 2 });
    const { recorder, store } = await startTestRecorder(sim.url, { name: 'seed (live)' });
    const dashboard = await createDashboard({
      store,
      port: 0,
      live: { sessionId: recorder.sessionId, events: recorder },
      liveFlushMs: 20,
    });
    onTestFinished(() => dashboard.close());
    const { page, problems } = await openPage();

    // the page is open before the agent does anything: what follows must arrive live
    await load(page, `${dashboard.url}/session.html?id=${recorder.sessionId}`);
    expect(await page.isVisible('#live-badge')).toBe(true);

    const agent = await connectAgentDesktop({
      baseUrl: recorder.url,
      transport: 'long-polling',
      timeoutMs: 5000,
    });
    onTestFinished(() => agent.close());
    await twoStepTransfer.run({ agent, farEnd: simulatorFarEnd(sim.url), thinkMs: 0 });
    await recorder.flush();

    await page.waitForFunction(
      () => document.querySelectorAll('.vis-labelset .lane-label[data-call-id]').length === 2,
      null,
      {
        timeout: 10_000,
      },
    );
    const calls = store.messages(recorder.sessionId, { channel: '/v2/me/calls' });
    const callIds = [...new Set(calls.map((m) => (m.message.data as { call: { id: string } }).call.id))];
    expect(await laneIds(page)).toEqual(callIds);
    // the consult sits under its parent
    expect(await page.getAttribute('.lane-label.depth-1', 'data-call-id')).toBe(callIds[1]);
    await page.waitForSelector('.vis-item.vis-box.request >> text=CompleteTransfer');
    await page.waitForSelector('.vis-item.notification >> text=Dialing');

    await page.click('.vis-item.notification >> text=Dialing');
    const detail = page.locator('#detail .json');
    await expect(detail.textContent()).resolves.toContain('"CallStateChangeMessage"');
    expect(await detail.textContent()).toContain('"Dialing"');
    expect(await page.textContent('#detail .detail-title')).toContain('Notification');

    // a request shows the notifications it caused
    await page.click('.vis-item.vis-box.request >> text=CompleteTransfer');
    const related = await page.locator('#detail .related li').allTextContents();
    expect(related.filter((t) => t.startsWith('Released'))).toHaveLength(2);
    expect(await page.locator('.link-overlay line').count()).toBe(2);

    await page.screenshot({ path: SCREENSHOT ?? join(shotsDir, 'live-seed.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('lists a conference in the Transfers tab with each of its steps, the parent update included', async () => {
    const { url, page, problems } = await openDashboard(
      'conference',
      twoStepConference(new RecordingScript()),
    );
    await load(page, `${url}/session.html?id=1#transfers`);
    const headers = await page.locator('#transfers thead th').allTextContents();
    const cells = await page.locator('#transfers tbody tr.ok td').allTextContents();
    // twoStepConference: InitiateConference 4000, Dialing 4080, CompleteConference 7000, consult Released 7060,
    // the original updated 7090
    expect(Object.fromEntries(headers.map((header, i) => [header, cells[i]]))).toEqual({
      At: '+4.000 s',
      Kind: 'conference',
      'Original → consult': '…ES000005 → …ES000006',
      To: '5001',
      'Initiate → Dialing': '80.0 ms',
      'Dialing → Complete': '2.92 s',
      'Complete → Released': '60.0 ms',
      'Complete → updated': '90.0 ms',
      'Request → done': '–',
      Result: 'ok',
    });
    expect(problems).toEqual([]);
  });

  it('draws the ladder: requests with their operationName, responses with statusCode, notifications, in time order', async () => {
    const { url, page, problems } = await openDashboard(
      'refused',
      failedCompleteTransfer(new RecordingScript()),
    );
    await load(page, `${url}/session.html?id=1#ladder`);
    const rows = await page.$$eval('#ladder .ladder-row', (els) =>
      els.map((el) => [
        (el as HTMLElement).dataset.kind,
        el.querySelector('.what')?.textContent,
        el.querySelector('.muted')?.textContent?.trim() ?? '',
        el.classList.contains('bad'),
      ]),
    );
    const onA = `POST /api/v2/me/calls/${SEED_CALL_A.id}`;
    expect(rows).toEqual([
      ['notification', '/v2/me/calls', 'Ringing · long-polling', false],
      ['request', onA, 'Answer', false],
      ['response', '200 · statusCode 0', '4.0 ms', false],
      ['notification', '/v2/me/calls', 'Established · long-polling', false],
      ['request', onA, 'InitiateTransfer', false],
      ['response', '200 · statusCode 0', '4.0 ms', false],
      ['notification', '/v2/me/calls', 'Held · long-polling', false],
      ['notification', '/v2/me/calls', 'Dialing · long-polling', false],
      ['request', `POST /api/v2/me/calls/${SEED_CALL_B.id}`, 'CompleteTransfer', false],
      ['response', '400 · statusCode 2', '4.0 ms', true],
    ]);
    expect(problems).toEqual([]);
  });

  it('shows recorded markup as text everywhere and runs none of it', async () => {
    const script = seedWithHostileUserData(new RecordingScript());
    // refused, so it is drawn (and listed) as a failed request
    script.post(SEED_CALL_A, HOSTILE_OPERATION, SEED_TIMES.established + 3000, {}, { statusCode: 2 });
    const { url, page, problems } = await openDashboard(HOSTILE_NAME, script);

    await load(page, `${url}/`);
    expect(await page.textContent('#sessions tbody')).toContain(HOSTILE_NAME);

    await load(page, `${url}/session.html?id=1`);
    expect(await laneIds(page)).toEqual([SEED_CALL_A.id, SEED_CALL_B.id]);
    expect(await page.textContent('#session-title')).toContain(HOSTILE_NAME);
    await page.waitForSelector('.vis-item.vis-box.request.failed');
    expect(await page.textContent('.vis-item.vis-box.request.failed')).toBe(HOSTILE_OPERATION);

    await page.click('.vis-item.notification >> text=AttachedDataChanged');
    const json = await page.textContent('#detail .json');
    for (const value of Object.values(HOSTILE_USER_DATA)) expect(json).toContain(JSON.stringify(value));

    await page.goto(`${url}/session.html?id=1&operation=${encodeURIComponent(HOSTILE_OPERATION)}#transfers`);
    await page.waitForSelector('#operations tbody tr.bad');
    expect(await page.textContent('#operations tbody')).toContain(HOSTILE_OPERATION);

    // nothing of it became markup, and no script ran
    expect(await page.$$('img[src="x"], svg[onload], #detail script, .vis-timeline script')).toHaveLength(0);
    const globals = await page.evaluate(() => Object.keys(window).filter((k) => k.startsWith('__pwned')));
    expect(globals).toEqual([]);
    await page.screenshot({ path: join(shotsDir, 'escaping.png'), fullPage: true });
    expect(problems).toEqual([]);
  });
});
