// The proxy's public face: start a recorder, subscribe to what passes, and the pure pieces others may reuse.
export { messageFields, readBayeux } from './bayeux-tap.js';
export { rewriteSetCookie } from './cookies.js';
export type { RecorderEventMap, RecorderEventName, RecorderListener } from './events.js';
export { RowBuilder } from './record-rows.js';
export type { Recorder, RecorderOptions, RecorderStats } from './recorder.js';
export { HELD_PLACEHOLDER_ERROR, RECORDER_DEFAULTS, startRecorder } from './recorder.js';
export { DEFAULT_REDACTED_HEADERS, DEFAULT_REDACTED_JSON_KEYS, REDACTED } from './redact.js';
export { type RedactOptions, Redactor } from './redactor.js';
export { OriginRewriter, originPatterns, rewriteLocation, swapsTo } from './rewrite-urls.js';
