import { describe, expect, it } from 'vitest';
import { dashboardOver, seedDashboard } from '../helpers/dashboard-fixtures.js';
import {
  failedCompleteTransfer,
  RecordingScript,
  SEED_CALL_A,
  SEED_CALL_B,
  SEED_STEPS,
  SEED_TIMES,
  seedTwoStepTransfer,
  singleStepTransfer,
} from '../helpers/rows.js';

describe('GET /api/sessions/:id/calls', () => {
  it("answers the seed's two calls, the consult right under its parent, with their states", async () => {
    const { app } = await seedDashboard();
    const body = (await app.inject({ url: '/api/sessions/1/calls' })).json();
    expect(body.total).toBe(2);
    const [a, b] = body.items;
    expect(a).toMatchObject({ id: SEED_CALL_A.id, depth: 0, parentId: null, childIds: [SEED_CALL_B.id] });
    expect(b).toMatchObject({ id: SEED_CALL_B.id, depth: 1, parentId: SEED_CALL_A.id, callType: 'Consult' });
    expect(a.states.map((s: { state: string }) => s.state)).toEqual([
      'Ringing',
      'Established',
      'Held',
      'Released',
    ]);
    expect(a.untilMs).toBe(SEED_TIMES.releasedA);
    expect(b.states[0]).toMatchObject({ state: 'Dialing', atMs: SEED_TIMES.dialing });
  });

  it('filters to a call and its consults, to calls with an operation, and to calls alive in a window', async () => {
    const { app } = await seedDashboard();
    const ids = async (qs: string) =>
      (await app.inject({ url: `/api/sessions/1/calls?${qs}` }))
        .json()
        .items.map((c: { id: string }) => c.id);
    expect(await ids(`call=${SEED_CALL_A.id}`)).toEqual([SEED_CALL_A.id, SEED_CALL_B.id]);
    expect(await ids(`call=${SEED_CALL_B.id}`)).toEqual([SEED_CALL_B.id]);
    expect(await ids('operation=CompleteTransfer')).toEqual([SEED_CALL_B.id]);
    expect(await ids(`toMs=${SEED_TIMES.dialing - 1}`)).toEqual([SEED_CALL_A.id]);
    expect(await ids(`fromMs=${SEED_TIMES.releasedB + 1}`)).toEqual([]);
    expect(await ids('limit=1&offset=1')).toEqual([SEED_CALL_B.id]);
  });
});

describe('GET /api/sessions/:id/operations', () => {
  it('links each request to the notifications it caused', async () => {
    const { app } = await seedDashboard();
    const body = (await app.inject({ url: '/api/sessions/1/operations' })).json();
    expect(body.items.map((op: { operationName: string }) => op.operationName)).toEqual([
      'Answer',
      'InitiateTransfer',
      'CompleteTransfer',
    ]);
    const complete = body.items[2];
    expect(
      complete.notifications.map((n: { callId: string; state: string; atMs: number }) => [
        n.callId,
        n.state,
        n.atMs,
      ]),
    ).toEqual([
      [SEED_CALL_A.id, 'Released', SEED_TIMES.releasedA],
      [SEED_CALL_B.id, 'Released', SEED_TIMES.releasedB],
    ]);
    const onlyComplete = (
      await app.inject({ url: '/api/sessions/1/operations?operation=CompleteTransfer' })
    ).json();
    expect(onlyComplete.total).toBe(1);
    const onB = (await app.inject({ url: `/api/sessions/1/operations?call=${SEED_CALL_B.id}` })).json();
    expect(onB.items.map((op: { operationName: string }) => op.operationName)).toEqual(['CompleteTransfer']);
  });
});

describe('GET /api/sessions/:id/transfers and /anomalies', () => {
  it("measures the seed's two-step transfer step by step", async () => {
    const { app } = await seedDashboard();
    const body = (await app.inject({ url: '/api/sessions/1/transfers' })).json();
    expect(body.total).toBe(1);
    expect(body.items[0]).toMatchObject({
      kind: 'two-step',
      ok: true,
      originalCallId: SEED_CALL_A.id,
      consultCallId: SEED_CALL_B.id,
      steps: SEED_STEPS,
    });
    expect((await app.inject({ url: '/api/sessions/1/anomalies' })).json().total).toBe(0);
  });

  it('flags a refused CompleteTransfer as a failed transfer with anomalies', async () => {
    const { app } = await dashboardOver([
      { name: 'failed', script: failedCompleteTransfer(new RecordingScript()) },
    ]);
    const transfer = (await app.inject({ url: '/api/sessions/1/transfers' })).json().items[0];
    expect(transfer.ok).toBe(false);
    expect(transfer.problem).toContain('statusCode 2');
    const anomalies = (await app.inject({ url: '/api/sessions/1/anomalies' })).json().items;
    expect(anomalies.map((a: { kind: string }) => a.kind)).toContain('request-failed');
    const failedOnly = (
      await app.inject({ url: '/api/sessions/1/anomalies?operation=CompleteTransfer' })
    ).json();
    expect(failedOnly.items.map((a: { kind: string }) => a.kind)).toEqual(['request-failed']);
  });

  it('keeps sessions apart and filters transfers by call', async () => {
    const { app } = await dashboardOver([
      { name: 'seed', script: seedTwoStepTransfer(new RecordingScript()) },
      { name: 'single', script: singleStepTransfer(new RecordingScript()) },
    ]);
    expect((await app.inject({ url: '/api/sessions/2/transfers' })).json().items[0].kind).toBe('single-step');
    expect((await app.inject({ url: `/api/sessions/1/transfers?call=${SEED_CALL_B.id}` })).json().total).toBe(
      1,
    );
    expect((await app.inject({ url: '/api/sessions/1/transfers?call=nobody' })).json().total).toBe(0);
  });

  it('filters transfers by the operation of any of their requests', async () => {
    const { app } = await seedDashboard();
    const total = async (operation: string) =>
      (await app.inject({ url: `/api/sessions/1/transfers?operation=${operation}` })).json().total;
    expect(await total('InitiateTransfer')).toBe(1);
    expect(await total('CompleteTransfer')).toBe(1);
    expect(await total('Answer')).toBe(0);
  });
});

describe('GET /api/sessions/:id/analysis', () => {
  it('sums the analysis up and lists the operation names for the filter', async () => {
    const { app } = await seedDashboard();
    expect((await app.inject({ url: '/api/sessions/1/analysis' })).json()).toMatchObject({
      endMs: SEED_TIMES.releasedB,
      calls: 2,
      operations: 3,
      transfers: 1,
      anomalies: 0,
      operationNames: ['Answer', 'CompleteTransfer', 'InitiateTransfer'],
    });
  });

  it('is redone when the session grows (rows written while the dashboard runs)', async () => {
    const script = new RecordingScript();
    script.notify(SEED_CALL_A, 'Ringing', 1000);
    const { app, store, sessions } = await dashboardOver([{ name: 'growing', script, ended: false }]);
    expect((await app.inject({ url: '/api/sessions/1/calls' })).json().total).toBe(1);

    // a second script numbers its rows from 1 again: give the new row an id of its own
    const dialing = { ...new RecordingScript().notify(SEED_CALL_B, 'Dialing', 2000), id: 100 };
    store.writeRows((sessions[0] as { id: number }).id, { messages: [dialing] });
    const calls = (await app.inject({ url: '/api/sessions/1/calls' })).json();
    expect(calls.items.map((c: { id: string }) => c.id)).toEqual([SEED_CALL_A.id, SEED_CALL_B.id]);
  });
});
