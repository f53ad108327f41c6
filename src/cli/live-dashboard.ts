// The dashboard a recording command (record --dashboard, demo) serves beside its recorder: that session live.
import type { Logger } from '../common/logger.js';
import { createDashboard, type Dashboard } from '../dashboard/index.js';
import type { Recorder } from '../proxy/index.js';
import type { Store } from '../store/index.js';

/** The live view subscribes to the recorder's events; it reads everything else from the same store. */
export const startLiveDashboard = (
  store: Store,
  recorder: Recorder,
  port: { port: number; option: string },
  logger: Logger,
): Promise<Dashboard> =>
  createDashboard({
    store,
    port: port.port,
    portOption: port.option,
    live: { sessionId: recorder.sessionId, events: recorder },
    logger,
  });
