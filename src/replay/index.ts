// Public face of the replay part: a recorded session served as a stand-in GWS server.
export type { AnchoredNotification, AnchorPlan, AnchorReason } from './anchor-notifications.js';
export { anchorNotifications } from './anchor-notifications.js';
export type { Scheduler } from './client-timeline.js';
export { timerScheduler } from './client-timeline.js';
export { jitterFor } from './seeded-jitter.js';
