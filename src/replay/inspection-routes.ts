// The replay's inspection API: GET /__vcr/status and POST /__vcr/reset, loopback clients only unless asked.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errorBody } from '../common/errors.js';
import type { ReplayStatus } from './replay-engine.js';

export interface InspectionRoutesOptions {
  /** answer clients off loopback too */
  isPublic: boolean;
  status(): ReplayStatus;
  reset(): void;
}

const isLoopback = (address: string | undefined): boolean =>
  address !== undefined &&
  (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));

export const inspectionRoutes = async (
  app: FastifyInstance,
  options: InspectionRoutesOptions,
): Promise<void> => {
  app.addHook('onRequest', async (request: FastifyRequest, reply) => {
    if (options.isPublic || isLoopback(request.socket.remoteAddress)) return;
    await reply.code(403).send(
      errorBody('VCR_REPLAY_LOCAL_ONLY', 'the replay inspection API answers loopback clients only', {
        hint: 'Call it from the replay host, or start replay with --inspect-public.',
      }),
    );
  });
  app.get('/status', async () => options.status());
  app.post('/reset', async () => {
    options.reset();
    return { reset: true, status: options.status() };
  });
};
