// The dashboard's public face: the Fastify app with its JSON API and pages, and the live event source it accepts.

export type { Dashboard } from './app.js';
export { buildDashboardApp, createDashboard, DASHBOARD_DEFAULTS } from './app.js';
export { assertSafeBinding, CONTENT_SECURITY_POLICY, isLoopbackHost } from './security.js';
export type {
  DashboardOptions,
  ExchangeJson,
  LiveEventMap,
  LiveEventName,
  LiveEvents,
  LiveSource,
  Page,
} from './types.js';
