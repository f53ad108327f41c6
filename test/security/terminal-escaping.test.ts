// Security: recorded content printed by `gws-vcr analyze` and `gws-vcr sessions` can never drive the terminal: no control
// characters but the report's own newlines and colours, and no bidirectional override that would reorder what is shown.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeSession } from '../../src/analysis/index.js';
import { formatAnalysisReport } from '../../src/cli/analyze-report.js';
import { formatSessionsTable } from '../../src/cli/sessions.js';
import { RecordingScript, type ScriptCall, SEED_CALL_A, SEED_TIMES } from '../helpers/rows.js';

/** Strings as a hostile recording may carry them: terminal escapes, C1 controls, bidi overrides, any code point. */
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc
    .array(
      fc.constantFrom(
        '\u001b[2J',
        '\u001b]0;pwned\u0007',
        '\u009b31m',
        '\u0085',
        '\r',
        '\b',
        '\u007f',
        '\u202e',
        '\u2066',
        'x',
      ),
      { minLength: 1, maxLength: 5 },
    )
    .map((parts) => parts.join('')),
);

/**
 * A character a terminal acts on: C0 but newline, DEL, C1 (0x9b is an 8-bit CSI), and the bidi embeddings,
 * overrides (U+202A-U+202E) and isolates (U+2066-U+2069) that reorder the text after them.
 */
const isControl = (c: string): boolean => {
  const code = c.codePointAt(0) ?? 0;
  return (
    (code < 0x20 && c !== '\n') ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
};
/** The report's own colours (SGR sequences), removed before looking when colours were asked for. */
const SGR = new RegExp(`${String.fromCharCode(0x1b)}\\[[0-9;]*m`, 'g');

const offending = (text: string, isColor: boolean): string[] =>
  [...(isColor ? text.replace(SGR, '') : text)]
    .filter(isControl)
    .map((c) => `U+${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);

describe('recorded content in terminal output', () => {
  it('the analyze report shows hostile names, ids, numbers and messages without a control character', () => {
    fc.assert(
      fc.property(
        hostile,
        hostile,
        hostile,
        hostile,
        fc.boolean(),
        (name, callId, party, message, isColor) => {
          const call: ScriptCall = { ...SEED_CALL_A, id: callId || 'A', party };
          const script = new RecordingScript();
          script.notify(call, 'Ringing', SEED_TIMES.ringing);
          script.post(call, 'Answer', SEED_TIMES.ringing + 500);
          script.notify(call, 'Established', SEED_TIMES.ringing + 520);
          script.post(
            call,
            'InitiateTransfer',
            SEED_TIMES.ringing + 1000,
            { destination: { phoneNumber: party } },
            {
              statusCode: 2,
              statusMessage: message,
            },
          );
          script.post(call, message, SEED_TIMES.ringing + 1500);
          const report = formatAnalysisReport(analyzeSession(script.rows({ name })), { isColor });
          expect(offending(report, isColor), JSON.stringify(report)).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the sessions table shows hostile names and upstreams without a control character', () => {
    fc.assert(
      fc.property(hostile, hostile, (name, upstream) => {
        const table = formatSessionsTable([
          {
            id: 1,
            name,
            upstream,
            source: 'record',
            listenOrigin: null,
            originWallMs: Date.UTC(2024, 4, 1),
            notificationsPath: '/api/v2/notifications',
            rewriteOrigins: [],
            startedAt: '2024-05-01T00:00:00.000Z',
            endedAt: null,
            exchanges: 1,
            messages: 2,
            frames: 0,
            lastAtMs: 1500,
          },
        ]);
        expect(offending(table, false), JSON.stringify(table)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});
