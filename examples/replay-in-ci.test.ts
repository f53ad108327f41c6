// The README's "Replay in CI" example, run by `npm test`: a desktop's own code (official CometD client + fetch)
// against `gws-vcr replay` of the committed sample, which was recorded from the simulator.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CometD, type Message } from 'cometd';
import { adapt } from 'cometd-nodejs-client';
import { afterAll, beforeAll, expect, it } from 'vitest';

adapt();
const GWS_VCR = [join(import.meta.dirname, '..', 'bin', 'gws-vcr.js')]; // in your project: `npx gws-vcr`
const AUTH = `Basic ${Buffer.from('5005:secret').toString('base64')}`;

let replay: ReturnType<typeof spawn>;
let baseUrl = '';

beforeAll(async () => {
  const db = join(mkdtempSync(join(tmpdir(), 'gws-vcr-ci-')), 'sample.sqlite');
  execFileSync(process.execPath, [...GWS_VCR, 'import', 'recordings/sample-demo.har', '--db', db]);
  replay = spawn(process.execPath, [...GWS_VCR, 'replay', '--db', db, '--port', '0', '--speed', '5']);
  for await (const line of createInterface({ input: replay.stdout as NodeJS.ReadableStream })) {
    const match = /^listening on (\S+)$/.exec(line);
    if (match?.[1]) {
      baseUrl = match[1];
      break;
    }
  }
});

afterAll(async () => {
  replay.kill('SIGTERM');
  if (replay.exitCode === null) await once(replay, 'exit');
});

const post = async (path: string, body: object): Promise<{ statusCode?: number; id?: string }> => {
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { Authorization: AUTH, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return res.json();
};

it('completes the recorded two-step transfer, notifications and all', async () => {
  // Log in as the desktop does: read the device, handshake, subscribe to the call notifications.
  const devices = await fetch(`${baseUrl}/api/v2/me/devices?fields=*`, { headers: { Authorization: AUTH } });
  expect(await devices.json()).toMatchObject({ statusCode: 0 });
  const cometd = new CometD();
  cometd.configure({ url: `${baseUrl}/api/v2/notifications`, requestHeaders: { Authorization: AUTH } });
  const calls: Array<{ id: string; state: string; callType: string }> = [];
  let wake = (): void => {};
  const nextCall = async (test: (c: (typeof calls)[number]) => boolean) => {
    for (;;) {
      const found = calls.find(test);
      if (found) return found;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  };
  await new Promise<void>((resolve, reject) =>
    cometd.handshake((reply: Message) => {
      if (!reply.successful) return reject(new Error('handshake failed'));
      cometd.subscribe(
        '/v2/me/calls',
        (m: Message) => {
          calls.push((m.data as { call: (typeof calls)[number] }).call);
          wake();
        },
        (subscribed: Message) => (subscribed.successful ? resolve() : reject(new Error('subscribe failed'))),
      );
    }),
  );

  // The recording's far end rings the agent; the desktop answers and transfers in two steps.
  const { id } = await post('/sim/calls', { to: '5005', from: '5000' });
  await nextCall((c) => c.id === id && c.state === 'Ringing');
  expect(await post(`/api/v2/me/calls/${id}`, { operationName: 'Answer' })).toEqual({ statusCode: 0 });
  await nextCall((c) => c.id === id && c.state === 'Established');
  const initiate = { operationName: 'InitiateTransfer', destination: { phoneNumber: '5001' } };
  expect(await post(`/api/v2/me/calls/${id}`, initiate)).toEqual({ statusCode: 0 });
  const consult = await nextCall((c) => c.callType === 'Consult' && c.state === 'Dialing');
  const complete = { operationName: 'CompleteTransfer' };
  expect(await post(`/api/v2/me/calls/${consult.id}`, complete)).toEqual({ statusCode: 0 });
  await nextCall((c) => c.id === id && c.state === 'Released');
  await nextCall((c) => c.id === consult.id && c.state === 'Released');

  expect(calls.map((c) => `${c.callType} ${c.state}`)).toEqual([
    'Internal Ringing',
    'Internal Established',
    'Internal Held',
    'Consult Dialing',
    'Internal Released',
    'Consult Released',
  ]);
  const status = await (await fetch(`${baseUrl}/__vcr/status`)).json();
  expect(status.unmatched).toEqual([]);
  await new Promise<void>((resolve) => cometd.disconnect(() => resolve()));
});
