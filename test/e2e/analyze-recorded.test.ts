// Every demo scenario recorded for real (official client -> recorder -> simulator), then analyzed from the database.
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  type AgentTransport,
  attachedUserData,
  conference,
  connectAgentDesktop,
  failedCompleteTransfer,
  holdRetrieve,
  type Scenario,
  simulatorFarEnd,
  singleStepTransfer,
  twoStepTransfer,
} from '../../src/agent/index.js';
import {
  type AnalyzeJson,
  analyzeSession,
  type SessionAnalysis,
  storedSessionRows,
  type Transfer,
} from '../../src/analysis/index.js';
import type { Store } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';
import { startTestRecorder } from '../helpers/recorder.js';
import { startTestSimulator } from '../helpers/simulator.js';

const TRANSPORTS: AgentTransport[] = ['long-polling', 'websocket'];

interface Recording {
  store: Store;
  dbPath: string;
  sessionId: number;
  analysis: SessionAnalysis;
}

const analyzeStored = (store: Store, sessionId: number): SessionAnalysis => {
  const session = store.resolveSession(sessionId);
  return analyzeSession(storedSessionRows(store, session));
};

/**
 * Plays `play` with a scripted agent (official CometD client) whose REST and CometD traffic, and the far end's
 * /sim requests, all pass through a recorder in front of a simulator; then analyzes what was stored.
 */
const record = async (
  transport: AgentTransport,
  play: (context: Parameters<Scenario['run']>[0]) => Promise<void>,
): Promise<Recording> => {
  const simulator = await startTestSimulator({ latencyMs: 5 });
  const { recorder, store, dbPath } = await startTestRecorder(simulator.url, {
    name: `analyze over ${transport}`,
  });
  const agent = await connectAgentDesktop({ baseUrl: recorder.url, transport });
  onTestFinished(() => agent.close());
  await play({ agent, farEnd: simulatorFarEnd(recorder.url), thinkMs: 0 });
  await agent.close();
  await recorder.close();
  return { store, dbPath, sessionId: recorder.sessionId, analysis: analyzeStored(store, recorder.sessionId) };
};

const kinds = (analysis: SessionAnalysis): string[] => analysis.anomalies.map((a) => a.kind);

/** The step latencies recomputed straight from the stored rows, to check the analysis against. */
const stepsFromRows = (store: Store, sessionId: number, transfer: Transfer) => {
  const posts = store
    .exchanges(sessionId, { kind: 'http', method: 'POST' })
    .map((e) => ({ e, op: JSON.parse(e.requestBody?.toString() ?? '{}').operationName as string }));
  const initiate = posts.find((p) => p.op === 'InitiateTransfer')?.e.startMs ?? Number.NaN;
  const complete = posts.find((p) => p.op === 'CompleteTransfer')?.e.startMs ?? Number.NaN;
  const notifications = store
    .messages(sessionId, { channel: '/v2/me/calls', direction: 'to-client' })
    .map((r) => ({ atMs: r.atMs, call: (r.message.data as { call: { id: string; state: string } }).call }));
  const at = (id: string | null, state: string): number =>
    notifications.find((n) => n.call.id === id && n.call.state === state)?.atMs ?? Number.NaN;
  const dialing = at(transfer.consultCallId, 'Dialing');
  return {
    initiateToDialingMs: dialing - initiate,
    dialingToCompleteMs: complete - dialing,
    completeToReleasedMs:
      Math.max(at(transfer.originalCallId, 'Released'), at(transfer.consultCallId, 'Released')) - complete,
  };
};

describe.each(TRANSPORTS)('analysis of recorded simulator scenarios (%s)', (transport) => {
  it("the seed's two-step transfer: one ok transfer, its steps as the rows show them, nothing wrong", async () => {
    const { analysis, store, sessionId } = await record(transport, twoStepTransfer.run);
    expect(analysis.transfers).toHaveLength(1);
    const [transfer] = analysis.transfers;
    expect(transfer).toMatchObject({ kind: 'two-step', destination: '5001', ok: true, problem: null });
    if (transfer?.kind !== 'two-step') throw new Error('not a two-step transfer');
    expect(transfer.steps).toEqual(stepsFromRows(store, sessionId, transfer));
    expect(Object.values(transfer.steps).every((ms) => ms !== null && ms > 0)).toBe(true);
    const consult = analysis.calls.find((c) => c.id === transfer.consultCallId);
    expect(consult).toMatchObject({ callType: 'Consult', parentId: transfer.originalCallId, dnis: '5001' });
    expect(analysis.calls.map((c) => c.states.map((s) => s.state))).toEqual([
      ['Ringing', 'Established', 'Held', 'Released'],
      ['Dialing', 'Released'],
    ]);
    expect(analysis.operations.map((op) => [op.operationName, op.notifications.length])).toEqual([
      ['Answer', 1],
      ['InitiateTransfer', 2],
      ['CompleteTransfer', 2],
    ]);
    expect(kinds(analysis)).toEqual([]);
  });

  it('a single-step transfer: ok, measured to the Released', async () => {
    const { analysis } = await record(transport, singleStepTransfer.run);
    expect(analysis.transfers).toEqual([
      expect.objectContaining({ kind: 'single-step', destination: '5002', ok: true }),
    ]);
    expect(kinds(analysis)).toEqual([]);
  });

  it('a conference: consult Dialing, CompleteConference, consult Released and the parent updated', async () => {
    const { analysis } = await record(transport, conference.run);
    expect(analysis.transfers).toHaveLength(1);
    const [conf] = analysis.transfers;
    expect(conf).toMatchObject({ kind: 'conference', isSingleStep: false, destination: '5002', ok: true });
    if (conf?.kind !== 'conference') throw new Error('not a conference');
    expect(Object.values(conf.steps).filter((ms) => ms !== null)).toHaveLength(4);
    expect(kinds(analysis)).toEqual([]);
  });

  it('hold and retrieve, then the caller hangs up: no transfer, each request linked, nothing wrong', async () => {
    const { analysis } = await record(transport, holdRetrieve.run);
    expect(analysis.transfers).toEqual([]);
    expect(analysis.operations.map((op) => [op.operationName, op.notifications.map((n) => n.state)])).toEqual(
      [
        ['Answer', ['Established']],
        ['Hold', ['Held']],
        ['Retrieve', ['Established']],
      ],
    );
    expect(kinds(analysis)).toEqual([]);
  });

  it('a failed CompleteTransfer: the transfer is not ok and the refused request is flagged', async () => {
    const { analysis } = await record(transport, failedCompleteTransfer.run);
    expect(analysis.transfers).toHaveLength(1);
    expect(analysis.transfers[0]).toMatchObject({ kind: 'two-step', ok: false });
    expect(analysis.transfers[0]?.problem).toMatch(/^CompleteTransfer failed with statusCode [1-9]/);
    expect(analysis.anomalies).toEqual([
      expect.objectContaining({ kind: 'request-failed', operationName: 'CompleteTransfer' }),
    ]);
  });

  it('attached data: each user-data request is linked to its AttachedDataChanged', async () => {
    const { analysis } = await record(transport, attachedUserData.run);
    const dataOps = analysis.operations.filter(
      (op) => op.operationName.endsWith('UserData') || op.operationName === 'DeleteUserDataPair',
    );
    expect(dataOps.map((op) => op.notifications.map((n) => n.notificationType))).toEqual([
      ['AttachedDataChanged'],
      ['AttachedDataChanged'],
      ['AttachedDataChanged'],
    ]);
    expect(kinds(analysis)).toEqual([]);
  });

  it('a call never released before the recording stops is flagged', async () => {
    let rung = '';
    const { analysis } = await record(transport, async ({ agent, farEnd }) => {
      const id = await farEnd.ring(agent.phoneNumber, '5000');
      rung = id;
      await agent.nextCall((c) => c.id === id && c.state === 'Ringing');
      await agent.operation(id, 'Answer');
      await agent.nextCall((c) => c.id === id && c.state === 'Established');
    });
    expect(analysis.anomalies).toEqual([
      expect.objectContaining({ kind: 'never-released', lastState: 'Established', callId: rung }),
    ]);
    expect(analysis.calls.map((c) => c.id)).toEqual([rung]);
  });
});

describe('gws-vcr analyze on a recording', () => {
  it("--json on a recording of the seed's scenario reports one ok two-step transfer with its three step latencies", async () => {
    const { dbPath, sessionId, analysis } = await record('long-polling', twoStepTransfer.run);
    const { code, stdout, stderr } = await runCli(['analyze', '--db', dbPath, '--json']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const json = JSON.parse(stdout) as AnalyzeJson;
    expect(json.session.id).toBe(sessionId);
    expect(json.transfers).toHaveLength(1);
    const [transfer] = json.transfers;
    expect(transfer).toMatchObject({ kind: 'two-step', ok: true, destination: '5001' });
    const measured = analysis.transfers[0];
    if (measured?.kind !== 'two-step') throw new Error('the analysis found no two-step transfer');
    for (const key of ['initiateToDialingMs', 'dialingToCompleteMs', 'completeToReleasedMs'] as const) {
      expect(transfer?.steps[key]).toBeGreaterThan(0);
      expect(transfer?.steps[key]).toBeCloseTo(measured.steps[key] ?? Number.NaN, 3);
    }
    expect(json.anomalies).toEqual([]);
  });
});
