// A HAR saved by Chrome against a real GWS server, imported, then replayed to the official CometD client: no proxy ever ran.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BayeuxMessage } from '../../src/bayeux/index.js';
import { runCli, spawnCliServer } from '../helpers/cli.js';
import { connectClient } from '../helpers/cometd-client.js';
import { tempDbPath } from '../helpers/store-rows.js';

const CHROME_HAR = join(import.meta.dirname, '..', 'fixtures', 'chrome-gws.har');

interface Call {
  id: string;
  state: string;
  uri: string;
}
const callOf = (m: BayeuxMessage): Call => (m.data as { call: Call }).call;

describe.each(['long-polling', 'websocket'] as const)(
  'replay of an imported Chrome HAR over %s',
  (transport) => {
    it('serves the recorded transfer to the official client: REST answers and the six call notifications', async () => {
      const db = tempDbPath();
      expect(await runCli(['import', CHROME_HAR, '--db', db])).toMatchObject({ code: 0 });
      const replay = await spawnCliServer(['replay', '--db', db, '--port', '0', '--speed', '20']);

      const post = async (url: string, body: unknown): Promise<unknown> => {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        expect(response.status).toBe(200);
        return response.json();
      };
      const me = await fetch(`${replay.url}/api/v2/me`);
      expect(await me.json()).toMatchObject({ statusCode: 0, user: { userName: 'agent5005' } });

      const client = await connectClient({ url: `${replay.url}/api/v2/notifications`, transport });
      const next = (id: string | null, state: string) =>
        client.next('/v2/me/calls', (m) => (id === null || callOf(m).id === id) && callOf(m).state === state);
      try {
        await client.subscribe('/v2/me/calls');
        // the inbound call rings at its recorded offset after the subscribe (16.4 s / 20)
        const ringing = callOf(await next(null, 'Ringing'));
        expect(ringing.uri.startsWith(replay.url)).toBe(true);
        expect(await post(ringing.uri, { operationName: 'Answer' })).toEqual({ statusCode: 0 });
        await next(ringing.id, 'Established');
        await post(ringing.uri, { operationName: 'InitiateTransfer', destination: { phoneNumber: '5001' } });
        await next(ringing.id, 'Held');
        const consult = callOf(await next(null, 'Dialing'));
        await post(consult.uri, { operationName: 'CompleteTransfer' });
        await next(ringing.id, 'Released');
        await next(consult.id, 'Released');
        expect(
          client.messages('/v2/me/calls').map((m) => `${callOf(m).id.slice(-1)} ${callOf(m).state}`),
        ).toEqual(['5 Ringing', '5 Established', '5 Held', '6 Dialing', '5 Released', '6 Released']);
      } finally {
        await client.disconnect();
      }
      expect(await replay.stop()).toBe(0);
    });
  },
);
