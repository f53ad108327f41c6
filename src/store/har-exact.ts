// Restores the exact rows of a gws-vcr export from its `_gwsVcr` fields (ids, sub-ms times, flags, Bayeux rows).
import { isRecord } from '../common/is-record.js';
import { type ReadEntry, type ReadFrame, readFrame } from './har-entry.js';
import type { HarPlace } from './har-fields.js';
import {
  field,
  harInvalid,
  item,
  readArray,
  readNullable,
  readNumber,
  readObject,
  readString,
} from './har-fields.js';
import type { HarImport, HarLogExtra } from './har-types.js';
import type {
  ExchangeKind,
  MessageTransport,
  NewBayeuxRow,
  NewExchange,
  NewFrameRow,
  RowFlag,
} from './types.js';

const KINDS: readonly ExchangeKind[] = ['http', 'bayeux', 'websocket'];
const TRANSPORTS: readonly MessageTransport[] = ['long-polling', 'websocket'];

const oneOf = <T extends string>(place: HarPlace, value: unknown, allowed: readonly T[]): T => {
  const s = readString(place, value);
  if (!allowed.includes(s as T)) throw harInvalid(place, `is "${s}", expected one of ${allowed.join(', ')}`);
  return s as T;
};

const readFlags = (place: HarPlace, value: unknown): RowFlag[] =>
  readArray(place, value).map((f, i) => readString(item(place, i), f) as RowFlag);

const nullableString = (place: HarPlace, value: unknown): string | null =>
  readNullable(value, (v) => readString(place, v));
const nullableNumber = (place: HarPlace, value: unknown): number | null =>
  readNullable(value, (v) => readNumber(place, v));

const readMessageRow = (place: HarPlace, value: unknown): NewBayeuxRow => {
  const m = readObject(place, value);
  const at = (name: string): HarPlace => field(place, name);
  const successful = m.successful;
  if (successful !== null && successful !== undefined && typeof successful !== 'boolean') {
    throw harInvalid(at('successful'), 'expected true, false or null');
  }
  return {
    id: readNumber(at('id'), m.id),
    exchangeId: nullableNumber(at('exchangeId'), m.exchangeId),
    direction: oneOf(at('direction'), m.direction, ['to-server', 'to-client'] as const),
    transport: oneOf(at('transport'), m.transport, TRANSPORTS),
    channel: nullableString(at('channel'), m.channel),
    clientId: nullableString(at('clientId'), m.clientId),
    messageId: nullableString(at('messageId'), m.messageId),
    successful: successful ?? null,
    atMs: readNumber(at('atMs'), m.atMs),
    message: readObject(at('message'), m.message),
  };
};

const readFrameRow = (place: HarPlace, exchangeId: number, frame: ReadFrame): NewFrameRow => {
  const x = readObject(place, frame.extra);
  return {
    id: readNumber(field(place, 'id'), x.id),
    exchangeId,
    direction: frame.direction,
    opcode: frame.opcode,
    atMs: readNumber(field(place, 'atMs'), x.atMs),
    payload: frame.payload,
    payloadBytes: readNumber(field(place, 'payloadBytes'), x.payloadBytes),
    flags: readFlags(field(place, 'flags'), x.flags),
  };
};

const readExchange = (
  e: ReadEntry,
): { exchange: NewExchange; frames: NewFrameRow[]; messages: NewBayeuxRow[] } => {
  const place = field(e.place, '_gwsVcr');
  const x = readObject(place, e.extra);
  const at = (name: string): HarPlace => field(place, name);
  const id = readNumber(at('id'), x.id);
  const rawBody = nullableString(at('rawResponseBody'), x.rawResponseBody);
  const exchange: NewExchange = {
    id,
    kind: oneOf(at('kind'), x.kind, KINDS),
    method: e.method,
    path: readString(at('path'), x.path),
    query: readString(at('query'), x.query),
    requestHeaders: e.requestHeaders,
    requestBody: e.requestBody,
    requestBodyBytes: readNumber(at('requestBodyBytes'), x.requestBodyBytes),
    status: nullableNumber(at('status'), x.status),
    responseHeaders: x.hasResponseHeaders === false ? null : e.responseHeaders,
    responseBody: rawBody === null ? e.responseBody : Buffer.from(rawBody, 'base64'),
    responseBodyBytes: readNumber(at('responseBodyBytes'), x.responseBodyBytes),
    startMs: readNumber(at('startMs'), x.startMs),
    firstByteMs: nullableNumber(at('firstByteMs'), x.firstByteMs),
    endMs: nullableNumber(at('endMs'), x.endMs),
    error: nullableString(at('error'), x.error),
    flags: readFlags(at('flags'), x.flags),
  };
  const frames = e.frames.map((f) =>
    readFrameRow(field(item(field(e.place, '_webSocketMessages'), f.index), '_gwsVcr'), id, f),
  );
  const messages =
    x.messages === undefined
      ? []
      : readArray(at('messages'), x.messages).map((m, i) => readMessageRow(at(`messages[${i}]`), m));
  return { exchange, frames, messages };
};

export interface ExactExtras {
  session: HarLogExtra['session'];
  endedAtWallMs: number | null;
  /** the rows of the kept entries plus the log's orphans */
  rows(kept: readonly ReadEntry[]): Pick<HarImport, 'exchanges' | 'frames' | 'messages'>;
}

/**
 * The exported session when the HAR is a gws-vcr export (log `_gwsVcr` and one on every entry); null for
 * a HAR from elsewhere. Throws VCR_HAR_INVALID if those fields are there but damaged.
 */
export const exactExtras = (
  file: string,
  logExtra: unknown,
  entries: readonly ReadEntry[],
): ExactExtras | null => {
  if (!isRecord(logExtra) || !entries.every((e) => isRecord(e.extra))) return null;
  const place: HarPlace = { file, at: 'log._gwsVcr' };
  if (logExtra.formatVersion !== 1) {
    throw harInvalid(
      field(place, 'formatVersion'),
      'is not 1: written by a newer gws-vcr; upgrade to import it',
    );
  }
  const s = readObject(field(place, 'session'), logExtra.session);
  const at = (name: string): HarPlace => field(field(place, 'session'), name);
  const session: HarLogExtra['session'] = {
    id: readNumber(at('id'), s.id),
    name: nullableString(at('name'), s.name),
    upstream: readString(at('upstream'), s.upstream),
    source: oneOf(at('source'), s.source, ['record', 'har-import'] as const),
    listenOrigin: nullableString(at('listenOrigin'), s.listenOrigin),
    originWallMs: readNumber(at('originWallMs'), s.originWallMs),
    endedAt: nullableString(at('endedAt'), s.endedAt),
    notificationsPath: readString(at('notificationsPath'), s.notificationsPath),
    rewriteOrigins:
      s.rewriteOrigins === undefined
        ? []
        : readArray(at('rewriteOrigins'), s.rewriteOrigins).map((o, i) =>
            readString(item(at('rewriteOrigins'), i), o),
          ),
  };
  const endedAtWallMs = session.endedAt === null ? null : Date.parse(session.endedAt);
  const orphanMessages =
    logExtra.orphanMessages === undefined
      ? []
      : readArray(field(place, 'orphanMessages'), logExtra.orphanMessages).map((m, i) =>
          readMessageRow(field(place, `orphanMessages[${i}]`), m),
        );
  const orphanFrames =
    logExtra.orphanFrames === undefined
      ? []
      : readArray(field(place, 'orphanFrames'), logExtra.orphanFrames).map((value, i) => {
          // Chrome's frame shape, plus the exchange the frame belongs to.
          const at = item(field(place, 'orphanFrames'), i);
          const exchangeId = readNumber(field(at, 'exchangeId'), readObject(at, value).exchangeId);
          return readFrameRow(field(at, '_gwsVcr'), exchangeId, readFrame(at, value, i));
        });
  return {
    session,
    endedAtWallMs: endedAtWallMs === null || Number.isNaN(endedAtWallMs) ? null : endedAtWallMs,
    rows: (kept) => {
      const read = kept.map(readExchange);
      return {
        exchanges: read.map((r) => r.exchange),
        frames: [...read.flatMap((r) => r.frames), ...orphanFrames],
        messages: [...read.flatMap((r) => r.messages), ...orphanMessages],
      };
    },
  };
};
