// What the detail panel shows for each kind of row, and the links between them (request <-> notifications).
import { fmtAt, fmtDuration, shortId } from './dom.js';

/** Notification label for people: the call state it carried, else its type. */
export const notificationLabel = (row) => {
  const data = row?.message?.data;
  if (data && typeof data === 'object') {
    const state = data.call?.state;
    const type = data.notificationType;
    // StatusChange is the state change itself; other types (AttachedDataChanged, ParticipantsUpdated) say more
    if (typeof type === 'string' && type !== 'StatusChange') return type;
    if (typeof state === 'string') return state;
    if (typeof data.messageType === 'string') return data.messageType;
  }
  if (row?.successful === false) return `${row.channel ?? '?'} failed`;
  return row?.channel ?? 'message';
};

/** The call a notification is about (`data.call.id`), or null. */
export const notificationCallId = (row) => {
  const id = row?.message?.data?.call?.id;
  return typeof id === 'string' ? id : null;
};

/** JSON of an exchange with bodies parsed when they are JSON, so the panel shows data rather than escaped text. */
const exchangeView = (e) => {
  const parse = (body) => {
    if (body?.encoding !== 'utf8') return body;
    try {
      return JSON.parse(body.text);
    } catch {
      return body.text;
    }
  };
  return { ...e, requestBody: parse(e.requestBody), responseBody: parse(e.responseBody) };
};

/**
 * Detail handlers bound to one session page.
 * ctx: { api, panel, causes: Map(messageRowId -> operation), onFocus?(kind, id) }
 */
export const createDetails = (ctx) => {
  const { api, panel } = ctx;

  const findMessage = async (messageRowId, atMs) => {
    const page = await api.messages({ fromMs: atMs, toMs: atMs, limit: 100 });
    return page.items.find((m) => m.id === messageRowId) ?? null;
  };

  const details = {
    async openMessage(messageRowId, atMs) {
      try {
        const row = await findMessage(messageRowId, atMs);
        if (row) details.showMessage(row);
        else panel.message(`Message ${messageRowId} is not in the recording (yet).`);
      } catch (err) {
        panel.message(`Could not load message ${messageRowId}: ${err.message}`);
      }
      ctx.onFocus?.('message', messageRowId);
    },

    showMessage(row) {
      const cause = ctx.causes.get(row.id);
      panel.show({
        title: `${row.direction === 'to-client' ? 'Notification' : 'Message'} #${row.id}: ${notificationLabel(row)}`,
        facts: [
          ['At', fmtAt(row.atMs)],
          ['Channel', row.channel ?? '–'],
          ['Direction', row.direction],
          ['Transport', row.transport],
          ['Call', notificationCallId(row) ?? '–'],
          ['Client', row.clientId ?? '–'],
        ],
        linksTitle: 'Caused by',
        links: cause
          ? [
              {
                label: `${cause.operationName} at ${fmtAt(cause.startMs)} (${fmtDuration(row.atMs - cause.startMs)} before)`,
                onClick: () => details.showOperation(cause),
              },
            ]
          : [],
        json: row,
      });
    },

    showOperation(op) {
      panel.show({
        title: `Request #${op.exchangeId}: ${op.operationName}`,
        facts: [
          ['At', fmtAt(op.startMs)],
          ['Call', op.callId ?? '–'],
          ['Latency', fmtDuration(op.latencyMs)],
          ['HTTP', op.httpStatus === null ? '–' : String(op.httpStatus)],
          ['statusCode', op.statusCode === null ? '–' : String(op.statusCode)],
          ['Accepted', op.isAccepted ? 'yes' : 'no'],
        ],
        linksTitle: `Notifications it caused (${op.notifications.length})`,
        links: [
          ...op.notifications.map((n) => ({
            label: `${n.state ?? n.notificationType ?? n.messageType} on ${n.callId ? shortId(n.callId) : 'device'} at ${fmtAt(n.atMs)} (+${fmtDuration(n.atMs - op.startMs)})`,
            onClick: () => details.openMessage(n.messageRowId, n.atMs),
          })),
          {
            label: 'The HTTP exchange (headers and bodies)',
            onClick: () => details.openExchange(op.exchangeId),
          },
        ],
        json: op,
      });
      ctx.onFocus?.('operation', op.exchangeId);
    },

    async openExchange(exchangeId) {
      try {
        details.showExchange(await api.exchange(exchangeId));
      } catch (err) {
        panel.message(`Could not load exchange ${exchangeId}: ${err.message}`);
      }
    },

    showExchange(e) {
      panel.show({
        title: `Exchange #${e.id}: ${e.method} ${e.path}`,
        facts: [
          ['Kind', e.kind],
          ['Start', fmtAt(e.startMs)],
          [
            'First byte',
            e.firstByteMs === null
              ? '–'
              : `${fmtAt(e.firstByteMs)} (${fmtDuration(e.firstByteMs - e.startMs)})`,
          ],
          ['Status', e.status === null ? 'none' : String(e.status)],
          ['Flags', e.flags.length ? e.flags.join(', ') : '–'],
          ['Error', e.error ?? '–'],
        ],
        json: exchangeView(e),
      });
    },

    showCall(call) {
      panel.show({
        title: `Call ${shortId(call.id, 12)}`,
        facts: [
          ['Type', call.callType ?? '–'],
          ['Parent', call.parentId ?? '–'],
          ['Parties', call.participants.join(', ') || '–'],
          ['States', call.states.map((s) => s.state).join(' → ')],
          ['Released', call.releasedAtMs === null ? 'never' : fmtAt(call.releasedAtMs)],
        ],
        linksTitle: 'State changes',
        links: call.states.map((s) => ({
          label: `${s.state} at ${fmtAt(s.atMs)}`,
          onClick: () => details.openMessage(s.messageRowId, s.atMs),
        })),
        json: call,
      });
    },

    show(title, json) {
      panel.show({ title, json });
    },
  };
  return details;
};
