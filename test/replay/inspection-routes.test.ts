import { fastify } from 'fastify';
import { describe, expect, it, onTestFinished } from 'vitest';
import { inspectionRoutes } from '../../src/replay/inspection-routes.js';
import type { ReplayStatus } from '../../src/replay/replay-engine.js';

const app = async (isPublic: boolean) => {
  let resets = 0;
  const instance = fastify();
  onTestFinished(() => instance.close());
  await instance.register(inspectionRoutes, {
    prefix: '/__vcr',
    isPublic,
    status: () => ({ delivered: resets }) as unknown as ReplayStatus,
    reset: () => {
      resets += 1;
    },
  });
  return instance;
};

describe('inspection routes', () => {
  it('serve loopback clients', async () => {
    const instance = await app(false);
    const reset = await instance.inject({ method: 'POST', url: '/__vcr/reset', remoteAddress: '127.0.0.1' });
    expect(reset.json()).toEqual({ reset: true, status: { delivered: 1 } });
    const status = await instance.inject({ url: '/__vcr/status', remoteAddress: '::1' });
    expect(status.json()).toEqual({ delivered: 1 });
  });

  it('refuse clients off loopback unless made public', async () => {
    const closed = await app(false);
    const refused = await closed.inject({ method: 'POST', url: '/__vcr/reset', remoteAddress: '10.1.2.3' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: 'VCR_REPLAY_LOCAL_ONLY' });
    expect((await closed.inject({ url: '/__vcr/status', remoteAddress: '127.0.0.1' })).json()).toEqual({
      delivered: 0,
    });

    const open = await app(true);
    expect((await open.inject({ url: '/__vcr/status', remoteAddress: '10.1.2.3' })).statusCode).toBe(200);
  });
});
