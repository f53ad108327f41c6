import { describe, expect, it } from 'vitest';
import { analyzeSession } from '../../src/analysis/index.js';
import {
  RecordingScript,
  type ScriptCall,
  SEED_CALL_A,
  SEED_CALL_B,
  seedUpToConsult,
} from '../helpers/rows.js';

const OTHER: ScriptCall = {
  id: 'OTHER',
  connId: '00710238553500ff',
  callType: 'Internal',
  party: '6000',
  dnis: '5005',
};

const linksOf = (script: RecordingScript, sessionOver: { endedAt?: string | null } = {}) => {
  const analysis = analyzeSession(script.rows(sessionOver));
  return {
    analysis,
    links: analysis.operations.map((op) => ({
      op: op.operationName,
      linked: op.notifications.map((n) => `${n.callId}:${n.state}${n.isExpected ? '' : '?'}`),
    })),
    missing: analysis.anomalies.filter((a) => a.kind === 'missing-notification').map((a) => a.message),
  };
};

describe('linking operations to notifications', () => {
  it('links only notifications after the request, on its own call', () => {
    const script = new RecordingScript();
    script.notify(SEED_CALL_A, 'Ringing', 100);
    script.notify(OTHER, 'Ringing', 150);
    script.post(SEED_CALL_A, 'Answer', 200);
    script.post(OTHER, 'Answer', 210);
    script.notify(OTHER, 'Established', 240);
    script.notify(SEED_CALL_A, 'Established', 260);
    expect(linksOf(script).links).toEqual([
      { op: 'Answer', linked: [`${SEED_CALL_A.id}:Established`] },
      { op: 'Answer', linked: ['OTHER:Established'] },
    ]);
  });

  it('links nothing to a refused request and expects nothing from it', () => {
    const script = new RecordingScript();
    script.notify(SEED_CALL_A, 'Ringing', 100);
    script.post(SEED_CALL_A, 'Hold', 200, {}, { statusCode: 2 });
    script.post(SEED_CALL_A, 'Answer', 300);
    script.notify(SEED_CALL_A, 'Established', 340);
    const { links, missing, analysis } = linksOf(script);
    expect(links[0]).toEqual({ op: 'Hold', linked: [] });
    expect(analysis.operations[0]?.expectations).toEqual([]);
    expect(missing).toEqual([]);
  });

  it('reports an expected notification that did not come within the window, and does not link a late one', () => {
    const script = new RecordingScript();
    script.notify(SEED_CALL_A, 'Ringing', 100);
    script.post(SEED_CALL_A, 'Answer', 200);
    script.notify(SEED_CALL_A, 'Established', 200 + 5001);
    const { links, missing, analysis } = linksOf(script);
    expect(links).toEqual([{ op: 'Answer', linked: [] }]);
    expect(missing).toEqual([
      `Answer on call ${SEED_CALL_A.id} (request at 200.0 ms): no call Established notification within 5000 ms`,
    ]);
    expect(analysis.anomalies.find((a) => a.kind === 'missing-notification')).toMatchObject({
      callId: SEED_CALL_A.id,
      atMs: 200,
    });
  });

  it('takes the window from the options', () => {
    const script = new RecordingScript();
    script.notify(SEED_CALL_A, 'Ringing', 100);
    script.post(SEED_CALL_A, 'Answer', 200);
    script.notify(SEED_CALL_A, 'Established', 200 + 5001);
    const analysis = analyzeSession(script.rows(), { notificationWindowMs: 10_000 });
    expect(analysis.operations[0]?.notifications).toHaveLength(1);
    expect(analysis.anomalies.filter((a) => a.kind === 'missing-notification')).toEqual([]);
  });

  it('while a session is still recording, a window that has not closed yet is not a missing notification', () => {
    const script = new RecordingScript();
    script.notify(SEED_CALL_A, 'Ringing', 100);
    script.post(SEED_CALL_A, 'Answer', 200);
    expect(linksOf(script, { endedAt: null }).missing).toEqual([]);
    expect(linksOf(script).missing).toHaveLength(1);
  });

  it('gives one notification to one request: of two Answers, the second misses its Established', () => {
    const script = new RecordingScript();
    script.notify(SEED_CALL_A, 'Ringing', 100);
    script.post(SEED_CALL_A, 'Answer', 200);
    script.post(SEED_CALL_A, 'Answer', 210);
    script.notify(SEED_CALL_A, 'Established', 260);
    const { links, missing } = linksOf(script);
    expect(links.map((l) => l.linked.length)).toEqual([1, 0]);
    expect(missing).toHaveLength(1);
  });

  it('binds the consult call InitiateTransfer created, and finds it again for a CompleteTransfer posted on the original', () => {
    const script = seedUpToConsult();
    script.post(SEED_CALL_A, 'CompleteTransfer', 48_000);
    script.notify(SEED_CALL_A, 'Released', 48_050);
    script.notify(SEED_CALL_B, 'Released', 48_070);
    const { links, analysis } = linksOf(script);
    expect(links.at(-1)).toEqual({
      op: 'CompleteTransfer',
      linked: [`${SEED_CALL_A.id}:Released`, `${SEED_CALL_B.id}:Released`],
    });
    expect(analysis.operations[1]?.expectations.map((e) => [e.role, e.callId])).toEqual([
      ['target', SEED_CALL_A.id],
      ['new-consult', SEED_CALL_B.id],
    ]);
    expect(analysis.transfers[0]).toMatchObject({ ok: true, steps: { completeToReleasedMs: 70 } });
  });

  it('links the new call a Dial made and the device message a Ready made', () => {
    const script = new RecordingScript();
    const out: ScriptCall = {
      id: 'OUT',
      connId: '0071023855350100',
      callType: 'Internal',
      party: '5002',
      dnis: '5002',
    };
    script.post(null, 'Ready', 50, {}, { path: '/api/v2/me/channels/voice' });
    script.message(80, { messageType: 'DeviceStateChangeMessage', devices: [] }, '/v2/me/devices');
    script.post(
      null,
      'Dial',
      100,
      { destination: { phoneNumber: '5002' } },
      { path: '/api/v2/me/devices/d1/calls' },
    );
    script.notify(out, 'Dialing', 150);
    script.post(out, 'Hangup', 300);
    script.notify(out, 'Released', 320);
    const { links, missing } = linksOf(script);
    expect(links).toEqual([
      { op: 'Ready', linked: ['null:null'] },
      { op: 'Dial', linked: ['OUT:Dialing'] },
      { op: 'Hangup', linked: ['OUT:Released'] },
    ]);
    expect(missing).toEqual([]);
  });

  it('links whatever comes on its call to an operation it does not know, marked unexpected', () => {
    const script = new RecordingScript();
    script.notify(SEED_CALL_A, 'Established', 100);
    script.post(SEED_CALL_A, 'FutureOperation', 200);
    script.notify(SEED_CALL_A, 'Held', 240);
    script.notify(SEED_CALL_A, 'Released', 300);
    const { links, missing } = linksOf(script);
    expect(links).toEqual([
      { op: 'FutureOperation', linked: [`${SEED_CALL_A.id}:Held?`, `${SEED_CALL_A.id}:Released?`] },
    ]);
    expect(missing).toEqual([]);
  });

  it('matches notification types: AttachUserData waits for AttachedDataChanged, not any StatusChange', () => {
    const script = new RecordingScript();
    script.notify(SEED_CALL_A, 'Established', 100);
    script.post(SEED_CALL_A, 'AttachUserData', 200, { userData: { AccountNumber: '12345' } });
    script.notify(SEED_CALL_A, 'Established', 220, { notificationType: 'StatusChange' });
    script.notify(SEED_CALL_A, 'Established', 240, {
      notificationType: 'AttachedDataChanged',
      callFields: { userData: { AccountNumber: '12345' } },
    });
    script.notify(SEED_CALL_A, 'Released', 300);
    const { analysis } = linksOf(script);
    expect(analysis.operations[0]?.notifications.map((n) => n.atMs)).toEqual([240]);
    expect(analysis.calls[0]?.userData).toBeNull();
    expect(analysis.calls[0]?.states.map((s) => s.state)).toEqual(['Established', 'Released']);
  });
});
