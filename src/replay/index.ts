// Public face of the replay part: a recorded session served as a stand-in GWS server.
export type { AnchoredNotification, AnchorPlan, AnchorReason } from './anchor-notifications.js';
export { anchorNotifications } from './anchor-notifications.js';
export type { DeliveredNotification, TimelineStatus } from './client-timeline.js';
export type {
  ReplayMode,
  ReplaySharing,
  ReplaySource,
  ReplayStatus,
  UnmatchedRequest,
} from './replay-engine.js';
export { loadReplaySource } from './replay-engine.js';
export type { ReplayServer, ReplayServerOptions } from './replay-server.js';
export { REPLAY_DEFAULTS, startReplayServer } from './replay-server.js';
export { jitterFor } from './seeded-jitter.js';
