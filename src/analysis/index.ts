// The analysis part's public face: from a session's rows to calls, operations, transfers and anomalies.

export type { AnalyzeJson, AnalyzeJsonConference, AnalyzeJsonTransfer } from './analyze-json.js';
export { toAnalyzeJson } from './analyze-json.js';
export type { SessionRows } from './analyze-session.js';
export {
  ANALYSIS_DEFAULTS,
  ANALYZED_MESSAGES,
  analyzeSession,
  storedSessionRows,
} from './analyze-session.js';
export type { ExpectedNotification } from './expected-notifications.js';
export { EXPECTED_NOTIFICATIONS } from './expected-notifications.js';
export { transferExchangeIds } from './transfer-steps.js';
export type * from './types.js';
