// The transfer table with step latencies, the anomalies, and every request with its latency; problems highlighted.
import { $, clear, fmtAt, fmtDuration, h, shortId } from './dom.js';

const LIMIT = 1000;

/** A step slower than this is marked slow (GWS usually answers within a few hundred ms). */
const SLOW_STEP_MS = 1000;

const stepCell = (ms) =>
  h(
    'td',
    {
      className: `num${typeof ms === 'number' && ms > SLOW_STEP_MS ? ' slow' : ''}${ms === null ? ' missing' : ''}`,
    },
    fmtDuration(ms),
  );

const kindLabel = (t) =>
  t.kind === 'conference' ? `conference${t.isSingleStep ? ' (single-step)' : ''}` : `${t.kind} transfer`;

/** ctx: { api, filters(), details, notice(text) } */
export const createTransfersView = (ctx) => {
  const transfersBody = $('#transfers').tBodies[0];
  const anomaliesBody = $('#anomalies').tBodies[0];
  const operationsBody = $('#operations').tBodies[0];

  const transferRow = (t) =>
    h(
      'tr',
      { className: t.ok ? 'ok' : 'bad', onclick: () => ctx.details.show(`Transfer at ${fmtAt(t.atMs)}`, t) },
      h('td', { className: 'mono' }, fmtAt(t.atMs)),
      h('td', { className: 'nowrap' }, kindLabel(t)),
      h(
        'td',
        { className: 'mono' },
        `${t.originalCallId ? shortId(t.originalCallId) : '–'} → ${t.consultCallId ? shortId(t.consultCallId) : '–'}`,
      ),
      h('td', {}, t.destination ?? '–'),
      stepCell(t.steps.initiateToDialingMs ?? null),
      stepCell(t.steps.dialingToCompleteMs ?? null),
      stepCell(t.steps.completeToReleasedMs ?? null),
      // conferences only: CompleteConference -> the original call updated with both parties
      stepCell(t.steps.completeToUpdatedMs ?? null),
      stepCell(t.steps.requestToDoneMs ?? null),
      h(
        'td',
        { className: 'problem' },
        t.ok
          ? h('span', { className: 'badge ok' }, 'ok')
          : h('span', { className: 'badge bad' }, t.problem ?? 'problem'),
      ),
    );

  const anomalyRow = (a) =>
    h(
      'tr',
      { className: `bad anomaly-${a.kind}`, onclick: () => ctx.details.show(`Anomaly: ${a.kind}`, a) },
      h('td', { className: 'mono' }, fmtAt(a.atMs)),
      h('td', { className: 'nowrap' }, a.kind),
      h('td', { className: 'mono' }, a.callId ? shortId(a.callId) : '–'),
      h('td', {}, a.message),
    );

  const operationRow = (op) =>
    h(
      'tr',
      { className: op.isAccepted ? '' : 'bad', onclick: () => ctx.details.showOperation(op) },
      h('td', { className: 'mono' }, fmtAt(op.startMs)),
      h('td', {}, op.operationName),
      h('td', { className: 'mono' }, op.callId ? shortId(op.callId) : '–'),
      h('td', { className: 'num' }, fmtDuration(op.latencyMs)),
      h('td', { className: 'num' }, op.httpStatus === null ? '–' : String(op.httpStatus)),
      h('td', { className: 'num' }, op.statusCode === null ? '–' : String(op.statusCode)),
      h('td', { className: 'num' }, String(op.notifications.length)),
    );

  const fill = (body, page, row, empty) => {
    clear(body);
    if (page.items.length === 0)
      body.append(h('tr', {}, h('td', { colSpan: 12, className: 'muted' }, empty)));
    else body.append(...page.items.map(row));
  };

  return {
    async reload() {
      const f = ctx.filters();
      const q = { fromMs: f.fromMs, toMs: f.toMs, call: f.call, operation: f.operation, limit: LIMIT };
      try {
        const [transfers, anomalies, operations] = await Promise.all([
          ctx.api.transfers(q),
          ctx.api.anomalies(q),
          ctx.api.operations(q),
        ]);
        fill(transfersBody, transfers, transferRow, 'No transfers or conferences.');
        fill(anomaliesBody, anomalies, anomalyRow, 'No anomalies.');
        fill(operationsBody, operations, operationRow, 'No requests.');
        const cut = [transfers, anomalies, operations].some((p) => p.total > p.items.length);
        ctx.notice(cut ? `Lists stop at ${LIMIT} rows: narrow the time window to see the rest.` : '');
      } catch (err) {
        ctx.notice(`Could not load transfers: ${err.message}`);
      }
    },
    onLive() {
      return this.reload();
    },
  };
};
