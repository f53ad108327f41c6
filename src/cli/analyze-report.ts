// The `gws-vcr analyze` report for people: the session, its calls as lanes, transfers step by step, anomalies.
import type { Anomaly, Call, SessionAnalysis, Transfer } from '../analysis/index.js';
import { printable } from './terminal-text.js';

export interface ReportOptions {
  /** ANSI colours; only when stdout is a terminal and NO_COLOR is unset */
  isColor: boolean;
}

type Paint = (text: string) => string;

const palette = (isColor: boolean): Record<'ok' | 'bad' | 'warn' | 'dim' | 'bold', Paint> => {
  const sgr =
    (open: number, close: number): Paint =>
    (text) =>
      isColor ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return { ok: sgr(32, 39), bad: sgr(31, 39), warn: sgr(33, 39), dim: sgr(2, 22), bold: sgr(1, 22) };
};

/** "12.345s": times on the session clock */
const at = (ms: number): string => `${(ms / 1000).toFixed(3)}s`;

/** "83.0 ms", "-" when a step never happened */
const span = (ms: number | null): string => (ms === null ? '-' : `${ms.toFixed(1)} ms`);

/**
 * Shortest id suffix (at least 6 characters) that still tells every call apart, so lanes stay narrow:
 * seed ids share a 26-character prefix and differ only at the end.
 */
export const shortIds = (ids: readonly string[]): Map<string, string> => {
  const unique = [...new Set(ids)];
  const longest = Math.max(0, ...unique.map((id) => id.length));
  for (let n = 6; n < longest; n++) {
    const suffixes = new Set(unique.map((id) => id.slice(-n)));
    if (suffixes.size === unique.length) {
      return new Map(unique.map((id) => [id, id.length > n ? `…${id.slice(-n)}` : id]));
    }
  }
  return new Map(unique.map((id) => [id, id]));
};

const pad = (text: string, width: number): string => text + ' '.repeat(Math.max(0, width - [...text].length));

const callLines = (
  calls: readonly Call[],
  short: (id: string | null) => string,
  paint: ReturnType<typeof palette>,
) => {
  if (calls.length === 0) return ['  none'];
  const labels = calls.map((c) => short(c.id));
  const types = calls.map((c) =>
    printable(`${c.callType ?? '?'}${c.parentId !== null ? ` of ${short(c.parentId)}` : ''}`),
  );
  const labelWidth = Math.max(...labels.map((l) => [...l].length));
  const typeWidth = Math.max(...types.map((t) => [...t].length));
  return calls.map((c, i) => {
    const states = c.states
      .map(
        (s) =>
          `${s.state === 'Released' ? paint.dim(printable(s.state)) : printable(s.state)} ${paint.dim(at(s.atMs))}`,
      )
      .join(' → ');
    const parties = c.participants.length > 0 ? paint.dim(` [${printable(c.participants.join(', '))}]`) : '';
    return `  ${pad(labels[i] ?? '', labelWidth)}  ${pad(types[i] ?? '', typeWidth)}  ${states || paint.dim('no state')}${parties}`;
  });
};

const stepRows = (t: Transfer): Array<[string, number | null]> => {
  switch (t.kind) {
    case 'two-step':
      return [
        ['InitiateTransfer → consult Dialing', t.steps.initiateToDialingMs],
        ['consult Dialing → CompleteTransfer', t.steps.dialingToCompleteMs],
        ['CompleteTransfer → both Released', t.steps.completeToReleasedMs],
      ];
    case 'single-step':
      return [['SingleStepTransfer → Released', t.steps.requestToDoneMs]];
    case 'conference':
      return t.isSingleStep
        ? [['SingleStepConference → call updated', t.steps.requestToDoneMs]]
        : [
            ['InitiateConference → consult Dialing', t.steps.initiateToDialingMs],
            ['consult Dialing → CompleteConference', t.steps.dialingToCompleteMs],
            ['CompleteConference → consult Released', t.steps.completeToReleasedMs],
            ['CompleteConference → call updated', t.steps.completeToUpdatedMs],
          ];
    default: {
      const unreachable: never = t;
      return unreachable;
    }
  }
};

const kindLabel = (t: Transfer): string =>
  t.kind === 'conference' ? (t.isSingleStep ? 'single-step conference' : 'conference') : `${t.kind} transfer`;

const transferLines = (
  transfers: readonly Transfer[],
  short: (id: string | null) => string,
  paint: ReturnType<typeof palette>,
): string[] => {
  if (transfers.length === 0) return ['  none'];
  const lines: string[] = [];
  for (const t of transfers) {
    const verdict = t.ok ? paint.ok('OK') : paint.bad('FAILED');
    const consult = t.consultCallId !== null ? ` (consult ${short(t.consultCallId)})` : '';
    lines.push(
      `  ${paint.bold(kindLabel(t))} at ${at(t.atMs)}: ${short(t.originalCallId)} → ${printable(t.destination ?? '?')}${consult}  ${verdict}`,
    );
    const rows = stepRows(t);
    const width = Math.max(...rows.map(([label]) => [...label].length));
    for (const [label, ms] of rows) lines.push(`    ${pad(label, width)}  ${span(ms).padStart(12)}`);
    if (t.problem !== null) lines.push(`    ${paint.bad(printable(t.problem))}`);
  }
  return lines;
};

const anomalyLines = (anomalies: readonly Anomaly[], paint: ReturnType<typeof palette>): string[] => {
  if (anomalies.length === 0) return [`  ${paint.ok('none')}`];
  const width = Math.max(...anomalies.map((a) => a.kind.length));
  return anomalies.map(
    (a) => `  ${paint.dim(at(a.atMs))}  ${paint.warn(pad(a.kind, width))}  ${printable(a.message)}`,
  );
};

/** The whole report as text, ending with a newline. */
export const formatAnalysisReport = (analysis: SessionAnalysis, options: ReportOptions): string => {
  const paint = palette(options.isColor);
  const { session, stats } = analysis;
  const ids = shortIds(analysis.calls.map((c) => c.id));
  const short = (id: string | null): string => (id === null ? '?' : printable(ids.get(id) ?? id));
  const name = session.name === null ? '' : ` "${printable(session.name)}"`;
  const lines = [
    paint.bold(`Session ${session.id}${name}`),
    `  ${session.source === 'har-import' ? 'imported' : 'recorded'} from ${printable(session.upstream)}, started ${session.startedAt}` +
      `${session.endedAt === null ? ' (not ended)' : ''}, ${at(analysis.endMs)} of traffic`,
    `  ${stats.callNotifications} call notifications, ${stats.operations} requests, ${analysis.calls.length} calls` +
      `${stats.malformedNotifications + stats.malformedRequests > 0 ? `, ${stats.malformedNotifications + stats.malformedRequests} unreadable` : ''}`,
    '',
    paint.bold('Calls'),
    ...callLines(analysis.calls, short, paint),
    '',
    paint.bold('Transfers and conferences'),
    ...transferLines(analysis.transfers, short, paint),
    '',
    paint.bold(`Anomalies (${analysis.anomalies.length})`),
    ...anomalyLines(analysis.anomalies, paint),
  ];
  return `${lines.join('\n')}\n`;
};
