// The dashboard's own model: its options, the live event source it listens to, and the JSON shapes its API answers.
import type { Logger } from '../common/logger.js';
import type { Exchange, HeaderList, NewBayeuxRow, NewExchange, NewFrameRow, Store } from '../store/index.js';

/** Rows a running recorder announces as they pass, before they reach the store (names as the recorder emits them). */
export interface LiveEventMap {
  exchange: NewExchange;
  'bayeux-message': NewBayeuxRow;
  frame: NewFrameRow;
}

export type LiveEventName = keyof LiveEventMap;

/** The subset of the recorder's event emitter the live view needs; typed here so the dashboard never imports proxy. */
export interface LiveEvents {
  on<K extends LiveEventName>(name: K, listener: (payload: LiveEventMap[K]) => void): unknown;
  off<K extends LiveEventName>(name: K, listener: (payload: LiveEventMap[K]) => void): void;
}

/** A session being recorded in this process, and where its rows are announced. */
export interface LiveSource {
  sessionId: number;
  events: LiveEvents;
}

export interface DashboardOptions {
  /** the recording to show; the dashboard only reads it (a read-only store, or the recorder's own) */
  store: Store;
  /** interface to bind; anything but loopback needs `token` */
  host?: string;
  /** 0 picks a free port */
  port?: number;
  /** the command-line option that set `port`, named if it cannot be bound; default `--port` */
  portOption?: string;
  /** required on every request when set: `Authorization: Bearer T`, `?token=T` (then a cookie), or that cookie */
  token?: string;
  /** present under `record --dashboard`: the session being recorded, pushed to pages as Server-Sent Events */
  live?: LiveSource;
  logger?: Logger;
  /** folder of the static pages; default: the repository's top-level dashboard/ */
  pagesDir?: string;
  /** how often live rows are pushed to pages, batched */
  liveFlushMs?: number;
  /** comment line sent on idle event streams so proxies and browsers keep them open */
  heartbeatMs?: number;
  /** sessions whose analysis is kept in memory at once */
  analysisCacheSessions?: number;
  /** analyze the live (else the newest) session right after listening, so its first view is fast; default true */
  warmUp?: boolean;
}

/** Body text as JSON can carry it: UTF-8 when it decodes cleanly, else base64. */
export interface BodyJson {
  encoding: 'utf8' | 'base64';
  text: string;
  /** the Content-Encoding undone to give `text` (the recording keeps the bytes as sent); absent if none */
  decodedFrom?: string;
}

/** An exchange as the API answers it: bodies as text, everything else as stored. */
export type ExchangeJson = Omit<
  Exchange,
  'requestBody' | 'responseBody' | 'requestHeaders' | 'responseHeaders'
> & {
  requestHeaders: HeaderList;
  responseHeaders: HeaderList | null;
  requestBody: BodyJson | null;
  responseBody: BodyJson | null;
};

/** Every list the API answers: one page of `items` out of `total` matching rows. */
export interface Page<T> {
  total: number;
  offset: number;
  limit: number;
  items: T[];
}
