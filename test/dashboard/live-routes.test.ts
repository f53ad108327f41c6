import { once } from 'node:events';
import { get, type IncomingMessage } from 'node:http';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createDashboard, type Dashboard, type LiveEvents } from '../../src/dashboard/index.js';
import { connectClient } from '../helpers/cometd-client.js';
import { startTestRecorder } from '../helpers/recorder.js';
import { request, startTestSimulator } from '../helpers/simulator.js';

interface SseEvent {
  event: string;
  data: string;
}

/** Reads an event stream: each `event:`/`data:` block as it arrives, awaited by predicate. */
const readEvents = (res: IncomingMessage) => {
  const seen: SseEvent[] = [];
  const waiters = new Set<{ test: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }>();
  let buffer = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    buffer += chunk;
    let end = buffer.indexOf('\n\n');
    while (end !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
      const data = lines.find((l) => l.startsWith('data: '))?.slice(6) ?? '';
      if (!event) continue;
      const e = { event, data };
      seen.push(e);
      for (const w of waiters) {
        if (w.test(e)) {
          waiters.delete(w);
          w.resolve(e);
        }
      }
    }
  });
  return {
    next: (test: (e: SseEvent) => boolean): Promise<SseEvent> => {
      const found = seen.find(test);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.add({ test, resolve }));
    },
  };
};

const openStream = async (url: string): Promise<IncomingMessage> => {
  const req = get(url);
  const [res] = (await once(req, 'response')) as [IncomingMessage];
  return res;
};

const liveSetup = async () => {
  const sim = await startTestSimulator({ latencyMs: 1 });
  const { recorder, store } = await startTestRecorder(sim.url, { name: 'live' });
  const dashboard: Dashboard = await createDashboard({
    store,
    port: 0,
    live: { sessionId: recorder.sessionId, events: recorder },
    liveFlushMs: 10,
  });
  onTestFinished(() => dashboard.close());
  return { sim, recorder, store, dashboard };
};

describe('GET /api/sessions/:id/events', () => {
  it('streams the rows of the session being recorded as they pass, REST and Bayeux', async () => {
    const { recorder, dashboard } = await liveSetup();
    const res = await openStream(`${dashboard.url}/api/sessions/${recorder.sessionId}/events`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    const events = readEvents(res);
    await events.next((e) => e.event === 'hello');

    const ring = await request(`${recorder.url}/sim/calls`, { body: { to: '5005', from: '5000' } });
    expect(ring.status).toBe(200);
    const withExchange = await events.next(
      (e) =>
        e.event === 'rows' &&
        JSON.parse(e.data).exchanges.some((x: { path: string }) => x.path === '/sim/calls'),
    );
    const exchange = JSON.parse(withExchange.data).exchanges.find(
      (x: { path: string }) => x.path === '/sim/calls',
    );
    expect(exchange).toMatchObject({ sessionId: recorder.sessionId, method: 'POST', status: 200 });
    expect(JSON.parse(exchange.requestBody.text)).toEqual({ to: '5005', from: '5000' });

    const client = await connectClient({
      url: `${recorder.url}/api/v2/notifications`,
      transport: 'long-polling',
    });
    onTestFinished(() => client.disconnect());
    const withHandshake = await events.next(
      (e) =>
        e.event === 'rows' &&
        JSON.parse(e.data).messages.some(
          (m: { channel: string; direction: string }) =>
            m.channel === '/meta/handshake' && m.direction === 'to-client',
        ),
    );
    expect(JSON.parse(withHandshake.data).messages[0]).toMatchObject({ sessionId: recorder.sessionId });
    await client.disconnect();
  });

  it('answers 204 for a session that is not being recorded here, so the page polls instead', async () => {
    const { store, dashboard } = await liveSetup();
    const other = store.createSession({
      name: 'old',
      upstream: 'http://127.0.0.1:1',
      source: 'record',
      listenOrigin: null,
      originWallMs: Date.now(),
      notificationsPath: '/api/v2/notifications',
    });
    const response = await fetch(`${dashboard.url}/api/sessions/${other.id}/events`);
    expect(response.status).toBe(204);
    expect((await fetch(`${dashboard.url}/api/sessions/999/events`)).status).toBe(404);
    const sessions = await (await fetch(`${dashboard.url}/api/sessions`)).json();
    expect(sessions.items.map((s: { isLive: boolean }) => s.isLive)).toEqual([true, false]);
  });

  it('ends open streams and unsubscribes from the recorder when the dashboard closes', async () => {
    const sim = await startTestSimulator();
    const { recorder, store } = await startTestRecorder(sim.url);
    let subscribed = 0;
    const events: LiveEvents = {
      on: (name, listener) => {
        subscribed++;
        return recorder.on(name, listener);
      },
      off: (name, listener) => {
        subscribed--;
        recorder.off(name, listener);
      },
    };
    const dashboard = await createDashboard({
      store,
      port: 0,
      live: { sessionId: recorder.sessionId, events },
    });
    onTestFinished(() => dashboard.close());
    expect(subscribed).toBe(3);
    const res = await openStream(`${dashboard.url}/api/sessions/${recorder.sessionId}/events`);
    res.resume();
    const ended = once(res, 'end');
    await dashboard.close();
    await ended;
    expect(subscribed).toBe(0);
    // traffic goes on after the dashboard is gone
    expect((await request(`${recorder.url}/sim/calls`, { body: { to: '5005', from: '5000' } })).status).toBe(
      200,
    );
  });
});
