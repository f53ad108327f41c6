// Decodes the Bayeux messages of an imported HAR's rows (long-poll bodies, WebSocket text frames), as the recorder's tap does live.
import { underPath } from '../common/under-path.js';
import { messageFields, readBayeux } from '../proxy/index.js';
import type { HarImport, NewBayeuxRow, NewExchange, NewFrameRow, RowFlag } from '../store/index.js';

type Rows = Pick<HarImport, 'exchanges' | 'frames' | 'messages'>;
type Sent = HarImport['requestSentMs'];
type MessageDraft = Omit<NewBayeuxRow, 'id'>;

const withFlag = <T extends { flags: RowFlag[] }>(row: T, flag: RowFlag | null): T =>
  flag === null || row.flags.includes(flag) ? row : { ...row, flags: [...row.flags, flag] };

/** The messages of one body, or the flag saying why there are none; an empty body is simply empty. */
const decode = (
  body: Buffer | null,
  context: Pick<MessageDraft, 'exchangeId' | 'direction' | 'transport' | 'atMs'>,
): { drafts: MessageDraft[]; flag: RowFlag | null } => {
  if (body === null || body.length === 0) return { drafts: [], flag: null };
  const read = readBayeux(body.toString('utf8'));
  if (read.flag) return { drafts: [], flag: read.flag };
  return {
    drafts: read.messages.map((message) => ({ ...context, ...messageFields(message) })),
    flag: null,
  };
};

/**
 * Adds the Bayeux rows of a HAR from elsewhere: messages to the server when their request was sent
 * (`requestSentMs`, else the exchange's startMs), to the client at its endMs (a held /meta/connect answers at its end), WebSocket messages at their frame's time.
 * Bodies that should hold Bayeux and do not are flagged as the recorder flags them. Message ids follow time.
 * A message's own fields are read by the proxy's `messageFields`, as the recorder reads them live.
 */
export const decodeImportedBayeux = (
  rows: Rows,
  notificationsPath: string,
  requestSentMs: Sent = {},
): Rows => {
  const isNotifications = underPath(notificationsPath);
  const drafts: MessageDraft[] = [];
  const webSocketIds = new Set<number>();
  const exchanges: NewExchange[] = rows.exchanges.map((e) => {
    if (e.kind === 'websocket' && isNotifications(e.path)) webSocketIds.add(e.id);
    if (e.kind !== 'bayeux') return e;
    const request = decode(e.requestBody, {
      exchangeId: e.id,
      direction: 'to-server',
      transport: 'long-polling',
      atMs: requestSentMs[e.id] ?? e.startMs,
    });
    // Only a successful answer holds messages: an error page is not Bayeux.
    const isAnswer = e.status !== null && e.status >= 200 && e.status < 300;
    const response = isAnswer
      ? decode(e.responseBody, {
          exchangeId: e.id,
          direction: 'to-client',
          transport: 'long-polling',
          atMs: e.endMs ?? e.firstByteMs ?? e.startMs,
        })
      : { drafts: [], flag: null };
    drafts.push(...request.drafts, ...response.drafts);
    return withFlag(withFlag(e, request.flag), response.flag);
  });
  const frames: NewFrameRow[] = rows.frames.map((f) => {
    if (!webSocketIds.has(f.exchangeId) || f.opcode !== 'text') return f;
    const read = decode(f.payload, {
      exchangeId: f.exchangeId,
      direction: f.direction,
      transport: 'websocket',
      atMs: f.atMs,
    });
    drafts.push(...read.drafts);
    return withFlag(f, read.flag);
  });
  const messages = drafts
    .map((d, order) => ({ d, order }))
    .sort((a, b) => a.d.atMs - b.d.atMs || a.order - b.order)
    .map(({ d }, i) => ({ id: i + 1, ...d }));
  return { exchanges, frames, messages };
};
